import { describe, expect, it } from "vitest";
import { outputPlace, redactSealed, type SecretValues } from "../index";
import { chain, webhook } from "./defs";
import { Driver, TEST_SEALER } from "./driver";

const retrying = { retry: { maxAttempts: 3, backoff: "constant", initialDelay: "1s" } };
const definition = chain(
	webhook("call", retrying, { headers: { "X-Api": "{{ .secrets.TOKEN }}" } }),
);

describe("secrets in a WEBHOOK request", () => {
	it("reads the value the store has for every attempt, and hides each one in its record", () => {
		let version = 0;
		const store = (): SecretValues => {
			version += 1;
			return { values: new Map([["TOKEN", `value-number-${version}`]]) };
		};
		const d = new Driver(definition, {
			secrets: store,
			script: { call: [{ status: 503 }, { status: 200, body: { ok: true } }] },
		})
			.start()
			.runToEnd();
		expect(d.run.result).toBe("SUCCESS");
		const sent = d.requests.map((r) => r.request.headers["X-Api"]);
		expect(sent).toHaveLength(2);
		expect(sent[0]).not.toBe(sent[1]);
		expect(sent.every((v) => /^value-number-\d+$/.test(v ?? ""))).toBe(true);
		const recorded = d.state?.nodes.call?.attempts.map((a) => a.request.headers["X-Api"]);
		expect(recorded).toEqual(["[REDACTED]", "[REDACTED]"]);
	});

	it("fails the node with secret_unreadable when the store cannot decrypt one", () => {
		const d = new Driver(definition, {
			secrets: { values: new Map(), unreadable: new Map([["TOKEN", "key id k0 is not listed"]]) },
		})
			.start()
			.runToEnd();
		expect(d.state?.nodes.call?.error).toEqual({
			code: "secret_unreadable",
			message: 'secret "TOKEN" cannot be decrypted: key id k0 is not listed',
		});
		expect(d.requests).toHaveLength(0);
	});

	it("plans which secrets each node's request names, for the shell to read", () => {
		const d = new Driver(
			chain(
				webhook(
					"a",
					{},
					{ url: "https://x.test/{{ .secrets.B }}", body: { k: '{{ .secrets["A"] }}' } },
				),
				webhook("b", {}, { query: { q: "{{ .secrets.C }}" } }),
				webhook("c"),
			),
		);
		expect(d.plan.secretNames).toEqual(["A", "B", "C"]);
		expect(d.plan.nodes.get("a")?.secrets).toEqual(["A", "B"]);
		expect(d.plan.nodes.get("c")?.secrets).toEqual([]);
	});
});

describe("sealed values in reads and retries", () => {
	it("redactSealed shows [REDACTED] for a sealed value, whole or one level down", () => {
		const sealed = TEST_SEALER.seal("x", "p");
		expect(redactSealed(sealed)).toBe("[REDACTED]");
		expect(redactSealed({ user: "ada", password: sealed })).toEqual({
			user: "ada",
			password: "[REDACTED]",
		});
		expect(redactSealed([1, sealed])).toEqual([1, "[REDACTED]"]);
		const plain = { a: { b: 1 } };
		expect(redactSealed(plain)).toBe(plain);
	});

	it("a retry reuses a masked node's sealed output, and a re-run node reads it opened", () => {
		const definition = chain(
			webhook("get_token", { maskOutput: true }),
			webhook("use", {}, { headers: { "X-Token": "{{ .outputs.get_token.data.token }}" } }),
		);
		const previous = TEST_SEALER.seal(
			{ status: 200, headers: {}, data: { token: "kept-from-the-first-run" } },
			outputPlace("wf", "get_token"),
		);
		const d = new Driver(definition, {
			reuse: {
				rerun: ["use"],
				retryOf: "run_0",
				previous: {
					trigger: { result: "SUCCESS", output: {} },
					get_token: { result: "SUCCESS", output: previous as never },
				},
			},
		})
			.start()
			.runToEnd();
		expect(d.run.result).toBe("SUCCESS");
		expect(d.requests.map((r) => r.node)).toEqual(["use"]);
		expect(d.requests[0]?.request.headers["X-Token"]).toBe("kept-from-the-first-run");
		expect(d.state?.nodes.get_token?.output).toEqual(previous);
	});
});

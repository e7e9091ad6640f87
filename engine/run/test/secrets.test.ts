import { describe, expect, it } from "vitest";
import type { SecretValues } from "../index";
import { chain, webhook } from "./defs";
import { Driver } from "./driver";

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

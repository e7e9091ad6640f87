import { describe, expect, it } from "vitest";
import { workflowShapeSchema } from "../definition";
import { chain, condition, conn, delay, trigger, webhook, workflow } from "../run/test/defs";
import { type DryRunOptions, type DryRunOutcome, dryRun } from "./index";

const NOW = Date.parse("2026-03-01T10:00:00.000Z");

function play(definition: unknown, fixture: unknown, options: Partial<DryRunOptions> = {}) {
	return dryRun(workflowShapeSchema.parse(definition), fixture, { now: NOW, ...options });
}

function reportOf(outcome: DryRunOutcome) {
	if (outcome.kind !== "report") throw new Error(`invalid fixture: ${JSON.stringify(outcome)}`);
	return outcome;
}

/** trigger → check (big / small) → notify_big | notify_small; outputs read notify_big's variable. */
const deploy = workflow(
	[
		trigger("trigger", {
			config: {
				type: "SELF_SERVE_TRIGGER",
				userInputs: {
					properties: { amount: { type: "number" }, env: { type: "string", default: "prod" } },
					required: ["amount"],
				},
			},
		}),
		condition("check", [
			["big", ".inputs.amount > 100"],
			["medium", ".inputs.amount > 10"],
		]),
		webhook(
			"notify_big",
			{ variables: { ticket: "{{ .response.data.ticket }}" } },
			{
				method: "POST",
				headers: { "X-Env": "{{ .inputs.env }}" },
				body: { amount: "{{ .inputs.amount }}", note: "big {{ .inputs.amount }}" },
			},
		),
		webhook("notify_small"),
	],
	[
		conn("trigger", "check"),
		conn("check", "notify_big", { sourceOptionIdentifier: "big" }),
		conn("check", "notify_small", { fallback: true }),
	],
	{ outputs: { ticket: "{{ .outputs.notify_big.ticket // null }}" } },
);

describe("dry runs", () => {
	it("reports the path, each condition's values, the rendered requests and the outputs", () => {
		const { report, expectations } = reportOf(
			play(deploy, {
				inputs: { amount: 500, env: "prod" },
				responses: { notify_big: { status: 201, body: { ticket: "T-1" } } },
				expect: {
					path: ["trigger", "check", "notify_big"],
					outputs: { ticket: "T-1" },
					requests: {
						notify_big: {
							method: "POST",
							headers: { "x-env": "prod" },
							// Only the fields named are compared.
							body: { note: "big 500" },
						},
					},
				},
			}),
		);
		expect(report.result).toBe("SUCCESS");
		expect(report.path).toEqual(["trigger", "check", "notify_big"]);
		expect(report.conditions).toEqual([
			{
				node: "check",
				option: "big",
				evaluated: [{ identifier: "big", expression: ".inputs.amount > 100", value: true }],
			},
		]);
		expect(report.requests).toHaveLength(1);
		expect(report.requests[0]).toMatchObject({
			node: "notify_big",
			attempt: 1,
			method: "POST",
			url: "https://api.example.com/hook/notify_big",
			body: { amount: 500, note: "big 500" },
			answeredBy: "notify_big",
		});
		expect(report.requests[0]?.headers["Idempotency-Key"]).toBe("dry-run:notify_big");
		expect(report.outputs).toEqual({ ticket: "T-1" });
		expect(report.nodes.notify_small?.result).toBe("SKIPPED");
		expect(report.connections.notTaken).toContain("check__notify_small_fallback");
		expect(expectations).toEqual({
			checked: ["result", "path", "outputs", "requests.notify_big"],
			failures: [],
		});
	});

	it("evaluates options in order up to the one that matched, and the fallback when none did", () => {
		const { report } = reportOf(play(deploy, { inputs: { amount: 5 } }));
		expect(report.conditions[0]).toEqual({
			node: "check",
			option: null,
			evaluated: [
				{ identifier: "big", expression: ".inputs.amount > 100", value: false },
				{ identifier: "medium", expression: ".inputs.amount > 10", value: false },
			],
		});
		expect(report.path).toEqual(["trigger", "check", "notify_small"]);
		// No fixture answer: the default 200 {} answered it, and the report says so.
		expect(report.requests[0]).toMatchObject({ node: "notify_small", answeredBy: null });
	});

	it("names every expectation that failed, with what was expected and what happened", () => {
		const { expectations } = reportOf(
			play(deploy, {
				inputs: { amount: 500 },
				responses: { notify_big: { body: { ticket: "T-2" } } },
				expect: {
					path: ["trigger", "check", "notify_small"],
					outputs: { ticket: "T-1" },
					requests: { notify_big: [{ body: { amount: 1 } }], notify_small: [{}] },
				},
			}),
		);
		expect(expectations.failures.map((f) => f.message)).toEqual([
			"expected the path trigger → check → notify_small, took trigger → check → notify_big",
			'expected outputs {"ticket":"T-1"}, got {"ticket":"T-2"}',
			'notify_big attempt 1: expected body {"amount":1}, sent {"amount":500,"note":"big 500"}',
			"expected notify_small to send 1 request(s), it sent 0",
		]);
		expect(expectations.failures.map((f) => f.check)).toEqual([
			"path",
			"outputs",
			"requests.notify_big[0].body",
			"requests.notify_small",
		]);
	});

	it("answers successive attempts from a list, with the retry backoff on its own clock", () => {
		const def = chain(
			webhook("flaky", { retry: { maxAttempts: 3, initialDelay: "10s", backoff: "constant" } }),
		);
		const { report } = reportOf(
			play(def, {
				responses: { flaky: [{ status: 503 }, { error: "network" }, { status: 200, body: "ok" }] },
			}),
		);
		expect(report.result).toBe("SUCCESS");
		expect(report.requests.map((r) => [r.attempt, r.at])).toEqual([
			[1, "2026-03-01T10:00:00.000Z"],
			[2, "2026-03-01T10:00:10.000Z"],
			[3, "2026-03-01T10:00:20.000Z"],
		]);
		expect(report.nodes.flaky?.output).toMatchObject({ status: 200, data: "ok" });
		expect(report.endedAt).toBe("2026-03-01T10:00:20.000Z");
	});

	it("fails the run as the server would when the retries run out, and a fixture can expect that", () => {
		const def = chain(webhook("down", { retry: { maxAttempts: 2, initialDelay: "1s" } }));
		const { report, expectations } = reportOf(
			play(def, { responses: { down: { status: 500 } }, expect: { result: "FAILED" } }),
		);
		expect(report.result).toBe("FAILED");
		expect(report.error).toMatchObject({ code: "http_error", node: "down" });
		expect(report.path).toEqual(["trigger", "down"]);
		expect(report.requests).toHaveLength(2);
		expect(expectations.failures).toEqual([]);
	});

	it("a fixture expects success unless it says otherwise", () => {
		const def = chain(webhook("down"));
		const { expectations } = reportOf(play(def, { responses: { down: { status: 404 } } }));
		expect(expectations.failures).toHaveLength(1);
		expect(expectations.failures[0]?.message).toMatch(
			/^expected the run to end SUCCESS, it ended FAILED \(http_error: /,
		);
	});

	it("a response slower than the node's timeout times the attempt out", () => {
		const def = chain(webhook("slow", { timeout: "5s" }));
		const { report } = reportOf(play(def, { responses: { slow: { delay: "1m" } } }));
		expect(report.result).toBe("FAILED");
		expect(report.error?.code).toBe("timeout");
		expect(report.endedAt).toBe("2026-03-01T10:00:05.000Z");
	});

	it("answers forEach items by node or by item, each item with its own attempts", () => {
		const def = chain(
			webhook(
				"each",
				{
					forEach: { items: "{{ .inputs.names }}", concurrency: 2 },
					retry: { maxAttempts: 2, initialDelay: "1s" },
				},
				{ method: "POST", body: { name: "{{ .item }}" } },
			),
		);
		const { report } = reportOf(
			play(def, {
				inputs: { names: ["a", "b", "c"] },
				responses: {
					each: [{ status: 500 }, { body: { n: "any" } }],
					"each#1": { body: { n: "b" } },
				},
			}),
		);
		expect(report.result).toBe("SUCCESS");
		const byItem = report.requests.map((r) => `${r.item}/${r.attempt}/${r.answeredBy}`).sort();
		expect(byItem).toEqual(["0/1/each", "0/2/each", "1/1/each#1", "2/1/each", "2/2/each"]);
		expect(report.requests.find((r) => r.item === 1)?.body).toEqual({ name: "b" });
		expect(report.nodes.each?.output).toEqual([
			{ status: 200, headers: { "content-type": "application/json" }, data: { n: "any" } },
			{ status: 200, headers: { "content-type": "application/json" }, data: { n: "b" } },
			{ status: 200, headers: { "content-type": "application/json" }, data: { n: "any" } },
		]);
	});

	it("moves its own clock through delays, from a pinned start", () => {
		const def = {
			...chain(
				delay("wait", { duration: "2h" }),
				webhook("after", {}, { body: { t: "{{ now }}" } }),
			),
		};
		const { report } = reportOf(play(def, { startAt: "2030-01-01T00:00:00Z" }));
		expect(report.startedAt).toBe("2030-01-01T00:00:00.000Z");
		expect(report.requests[0]?.at).toBe("2030-01-01T02:00:00.000Z");
		expect(report.requests[0]?.body).toEqual({ t: Date.parse("2030-01-01T02:00:00Z") / 1000 });
	});

	it("refuses loopback URLs as the server does, unless told they are allowed", () => {
		const def = chain(webhook("local", {}, { url: "http://127.0.0.1:9/hook" }));
		expect(reportOf(play(def, {})).report.error?.code).toBe("url_refused");
		expect(reportOf(play(def, {}, { allowLoopbackTargets: true })).report.result).toBe("SUCCESS");
	});

	it("never reads a secret: each one named renders as a stand-in that says which", () => {
		const def = chain(
			webhook("call", {}, { headers: { "X-Api": "Bearer {{ .secrets.API_TOKEN }}" } }),
		);
		const { report } = reportOf(play(def, {}));
		expect(report.result).toBe("SUCCESS");
		expect(report.requests[0]?.headers["X-Api"]).toBe("Bearer <secret API_TOKEN>");
	});

	it("points at every fixture mistake instead of ignoring it", () => {
		const outcome = play(deploy, {
			inputs: { amount: 1 },
			responses: { notfy: { status: 200 }, check: { status: 200 }, "notify_big#1": {} },
			expect: { path: ["trigger", "nope"], requests: { ghost: [] }, result: "DONE" },
			extra: true,
		});
		expect(outcome.kind).toBe("invalid");
		if (outcome.kind !== "invalid") return;
		expect(outcome.issues.map((i) => [i.pointer, i.code])).toEqual([
			["/expect/result", "invalid_value"],
			["/extra", "unknown_field"],
		]);
		const second = play(deploy, {
			responses: { notfy: { status: 200 }, check: { status: 200 }, "notify_big#1": {} },
			expect: { path: ["trigger", "nope"], requests: { ghost: [] } },
			trigger: "check",
		});
		if (second.kind !== "invalid") throw new Error("expected issues");
		expect(second.issues.map((i) => [i.pointer, i.code])).toEqual([
			["/responses/notfy", "unknown_node"],
			["/responses/check", "node_makes_no_calls"],
			["/responses/notify_big#1", "node_has_no_items"],
			["/expect/path/1", "unknown_node"],
			["/expect/requests/ghost", "unknown_node"],
			["/trigger", "unknown_trigger"],
		]);
	});

	it("checks the inputs with the check it is given, pointing into the fixture", () => {
		const outcome = play(
			deploy,
			{ inputs: {} },
			{
				checkInputs: (form, inputs) =>
					form?.required && !("amount" in inputs)
						? { ok: false, errors: [{ pointer: "/amount", message: "required" }] }
						: { ok: true, inputs },
			},
		);
		expect(outcome).toEqual({
			kind: "invalid",
			issues: [{ pointer: "/inputs/amount", code: "invalid_input", message: "required" }],
		});
	});

	it("is deterministic: the same fixture gives the same report", () => {
		const fixture = { inputs: { amount: 50 }, startAt: "2026-01-01T00:00:00Z" };
		expect(play(deploy, fixture)).toEqual(play(deploy, fixture, { now: NOW + 123_456 }));
	});
});

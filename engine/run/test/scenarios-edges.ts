/** Scenarios at the edges: joins fed by skipped branches, expression errors, limits. */
import { expect } from "vitest";
import { condition, conn, delay, trigger, webhook, workflow } from "./defs";
import type { Scenario } from "./scenario";

const anyJoin = (first: string, second: string) =>
	workflow(
		[
			trigger(),
			condition("check", [[first, "true"]]),
			webhook(first, { startDelay: "1s" }),
			webhook(second),
			webhook("join", { joinStrategy: "any" }),
		],
		[
			conn("trigger", "check"),
			conn("check", first, { sourceOptionIdentifier: first }),
			conn("check", second, { fallback: true }),
			conn(second, "join"),
			conn(first, "join"),
		],
	);

export const edgeScenarios: Scenario[] = [
	{
		name: "join any ignores a branch not taken and starts on the taken one",
		definition: anyJoin("x", "y"),
		expect: {
			result: "SUCCESS",
			nodes: { x: "SUCCESS", y: "SKIPPED", join: "SUCCESS" },
			tookMs: 1_000 + 10 + 10,
		},
	},
	{
		name: "join any with no incoming branch taken is skipped",
		definition: workflow(
			[
				trigger(),
				condition("check", [["never", "false"]]),
				webhook("a"),
				webhook("b"),
				webhook("join", { joinStrategy: "any" }),
			],
			[
				conn("trigger", "check"),
				conn("check", "a", { sourceOptionIdentifier: "never" }),
				conn("check", "b", { sourceOptionIdentifier: "never" }),
				conn("a", "join"),
				conn("b", "join"),
			],
		),
		expect: {
			result: "SUCCESS",
			nodes: { a: "SKIPPED", b: "SKIPPED", join: "SKIPPED" },
			history: [/join skipped: none of its 2 incoming connections was taken/],
		},
	},
	{
		name: "a runIf that fails to evaluate fails the node",
		definition: workflow(
			[trigger(), webhook("a", { runIf: ".inputs.n | ascii_downcase" })],
			[conn("trigger", "a")],
		),
		inputs: { n: 5 },
		expect: {
			result: "FAILED",
			errorCode: "expression_error",
			nodes: { a: "FAILED" },
			requests: 0,
		},
		check: (d) => expect(d.run.error?.message).toMatch(/^runIf: /),
	},
	{
		name: "forEach on a node that is not a WEBHOOK fails with not_supported",
		definition: workflow(
			[trigger(), delay("wait", { duration: "1s" }, { forEach: "[1,2]" })],
			[conn("trigger", "wait")],
		),
		expect: { result: "FAILED", errorCode: "not_supported" },
	},
	{
		name: "maxDelay caps the backoff",
		definition: workflow(
			[
				trigger(),
				webhook("a", { retry: { maxAttempts: 4, initialDelay: "10s", maxDelay: "15s" } }),
			],
			[conn("trigger", "a")],
		),
		script: { a: [{ status: 500 }, { status: 500 }, { status: 500 }, { status: 200 }] },
		expect: {
			result: "SUCCESS",
			requests: 4,
			tookMs: 10 + 10_000 + 10 + 15_000 + 10 + 15_000 + 10,
		},
	},
	{
		name: "a header template rendering to null leaves the header out; a string body is sent as is",
		definition: workflow(
			[
				trigger(),
				webhook(
					"a",
					{},
					{
						headers: { "X-Opt": "{{ .inputs.missing }}", "Content-Type": "text/plain" },
						body: "hello {{ .inputs.who }}",
					},
				),
			],
			[conn("trigger", "a")],
		),
		inputs: { who: "world" },
		expect: { result: "SUCCESS" },
		check: (d) => {
			const request = d.requests[0]?.request;
			expect(request?.body).toBe("hello world");
			expect(request?.headers).toEqual({
				"Content-Type": "text/plain",
				"Idempotency-Key": "run_1:a",
			});
		},
	},
	{
		name: "a non-JSON body with a JSON content type is kept as text with a warning log",
		definition: workflow([trigger(), webhook("a")], [conn("trigger", "a")]),
		script: {
			a: [{ status: 200, body: "not json", headers: { "content-type": "application/json" } }],
		},
		expect: { result: "SUCCESS" },
		check: (d) => {
			expect(d.state?.nodes.a?.output).toMatchObject({ data: "not json" });
			expect(d.state?.nodes.a?.logs[0]).toMatchObject({ level: "warn" });
		},
	},
];

/** Scenarios: forEach items, concurrency, order, failure and limits. */
import { expect } from "vitest";
import { conn, trigger, webhook, workflow } from "./defs";
import type { Scenario } from "./scenario";

const items = (n: number) => Array.from({ length: n }, (_, i) => `i${i}`);

export const forEachScenarios: Scenario[] = [
	{
		name: "forEach: bounded concurrency, .item/.index in templates, output in item order",
		definition: workflow(
			[
				trigger(),
				webhook(
					"each",
					{
						forEach: { items: ".inputs.list", concurrency: 2 },
						retry: { maxAttempts: 2, initialDelay: "100ms" },
						variables: { got: "{{ .response.data.echo }}" },
					},
					{ url: "https://api.example.com/items/{{ .index }}", body: { name: "{{ .item }}" } },
				),
			],
			[conn("trigger", "each")],
		),
		inputs: { list: items(5) },
		script: {
			"each#0": [{ status: 200, body: { echo: "zero" }, latencyMs: 300 }],
			"each#1": [{ status: 200, body: { echo: "one" }, latencyMs: 10 }],
			"each#2": [{ status: 503 }, { status: 200, body: { echo: "two" } }],
			"each#3": [{ status: 200, body: { echo: "three" } }],
			"each#4": [{ status: 200, body: { echo: "four" } }],
		},
		expect: {
			result: "SUCCESS",
			nodes: { each: "SUCCESS" },
			history: [/forEach over 5 items, at most 2 at a time/],
		},
		check: (d) => {
			expect(d.state?.nodes.each?.output).toEqual(
				["zero", "one", "two", "three", "four"].map((got) => ({ got })),
			);
			expect(d.requests.map((r) => r.request.url.split("/").at(-1))).toEqual([
				"0",
				"1",
				"2",
				"2",
				"3",
				"4",
			]);
			expect(d.requests.map((r) => r.idempotencyKey)).toContain("run_1:each:3");
			expect(JSON.parse(d.requests[0]?.request.body ?? "null")).toEqual({ name: "i0" });
			let inFlight = 0;
			let max = 0;
			for (const t of d.transitions) {
				inFlight += t.effects.filter((e) => e.kind === "http_request").length;
				inFlight -= t.history.filter(
					(h) => h.type === "attempt_succeeded" || h.type === "attempt_failed",
				).length;
				max = Math.max(max, inFlight);
			}
			expect(max).toBe(2);
		},
	},
	{
		name: "forEach: an item failing for good fails the node and cancels the open items",
		definition: workflow(
			[trigger(), webhook("each", { forEach: { items: ".inputs.list", concurrency: 2 } })],
			[conn("trigger", "each")],
		),
		inputs: { list: items(4) },
		script: { "each#0": [{ status: 400 }], "each#1": [{ hang: true }] },
		expect: { result: "FAILED", errorCode: "http_error", nodes: { each: "FAILED" }, requests: 2 },
		check: (d) => {
			const results = [0, 1, 2, 3].map((i) => d.state?.items[`each#${i}`]?.result);
			expect(results).toEqual(["FAILED", "CANCELLED", "CANCELLED", "CANCELLED"]);
			expect(d.run.error?.message).toMatch(/^item 0: /);
			expect(Object.keys(d.state?.timers ?? {})).toEqual([]);
		},
	},
	{
		name: "forEach over an empty list succeeds with []",
		definition: workflow(
			[trigger(), webhook("each", { forEach: ".inputs.list" })],
			[conn("trigger", "each")],
		),
		inputs: { list: [] },
		expect: { result: "SUCCESS", requests: 0 },
		check: (d) => expect(d.state?.nodes.each?.output).toEqual([]),
	},
	{
		name: "forEach over more than 1,000 items fails the node",
		definition: workflow(
			[trigger(), webhook("each", { forEach: "[range(1001)]" })],
			[conn("trigger", "each")],
		),
		expect: { result: "FAILED", errorCode: "foreach_too_many_items", requests: 0 },
	},
	{
		name: "forEach over something that is not a list fails the node",
		definition: workflow(
			[trigger(), webhook("each", { forEach: ".inputs.list" })],
			[conn("trigger", "each")],
		),
		inputs: { list: "abc" },
		expect: { result: "FAILED", errorCode: "foreach_not_a_list" },
	},
];

/**
 * The engine's reuse rule on its own, with hand-made `reuse` (not what planRetry would pick):
 * what is reused is taken without evaluating anything, and whatever has no reusable result
 * runs normally. Played by rerun.test.ts like the planned scenarios.
 */
import { expect } from "vitest";
import { conn, trigger, webhook, workflow } from "./defs";
import { gate, later, parallel, type RetryScenario } from "./rerun-scenario";

export const reuseRuleScenarios: RetryScenario[] = [
	{
		name: "engine rule: a reused CONDITION follows the recorded option even where the inputs disagree",
		definition: gate,
		inputs: { n: 10 },
		first: {},
		firstResult: "SUCCESS",
		reuse: {
			rerun: ["big", "small"],
			previous: { check: { result: "SUCCESS", output: { option: null } } },
			retryOf: "run_0",
		},
		expect: {
			result: "SUCCESS",
			nodes: { check: "SUCCESS", big: "SKIPPED", small: "SUCCESS" },
			calls: ["small"],
			reused: ["check"],
			history: [/^check reused the output of run run_0 \(not re-run\): no option had matched$/],
		},
		check: (d) => expect(d.details("condition_evaluated")).toEqual([]),
	},
	{
		name: "a node skipped by runIf is skipped again without evaluating runIf",
		definition: workflow(
			[trigger(), webhook("maybe", { runIf: ".inputs.go" }), webhook("after"), webhook("b")],
			[conn("trigger", "maybe"), conn("maybe", "after"), conn("trigger", "b")],
		),
		inputs: { go: true },
		first: {},
		firstResult: "SUCCESS",
		reuse: {
			rerun: ["b"],
			previous: {
				maybe: { result: "SKIPPED", output: null },
				after: { result: "SKIPPED", output: null },
			},
			retryOf: "run_0",
		},
		expect: {
			result: "SUCCESS",
			nodes: { maybe: "SKIPPED", after: "SKIPPED", b: "SUCCESS" },
			calls: ["b"],
			history: [
				/^maybe skipped: it was skipped in run run_0 too \(not re-run\)$/,
				/^after skipped: its only incoming connection maybe__after was not taken$/,
			],
		},
	},
	{
		name: "engine rule: a FAILED node outside rerun runs normally; a join reuses after it answers",
		definition: parallel(),
		first: {},
		firstResult: "SUCCESS",
		reuse: {
			rerun: [],
			previous: {
				a: { result: "FAILED", output: null },
				b: { result: "SUCCESS", output: { from: "before" } },
				c: { result: "SUCCESS", output: { from: "before" } },
			},
			retryOf: "run_0",
		},
		script: { a: [later(100)] },
		expect: { result: "SUCCESS", calls: ["a"], reused: ["b", "c"], tookMs: 100 },
		check: (d) => {
			// c became ready only when a answered, in a later event than the start.
			const reusedC = d.transitions.findIndex((t) => t.history.some((h) => h.node === "c"));
			expect(reusedC).toBeGreaterThan(0);
			expect(d.state?.nodes.c?.output).toEqual({ from: "before" });
		},
	},
];

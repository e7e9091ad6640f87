/**
 * Retry scenarios planned by `planRetry`: an earlier run is played to its end, planRetry picks
 * what to re-run, and the retry is played with its own script. Played by rerun.test.ts, in
 * memory and rebuilt from storage.
 */
import { expect } from "vitest";
import { chain, conn, delay, type Json, trigger, webhook, workflow } from "./defs";
import { fail, gate, later, parallel, type RetryScenario } from "./rerun-scenario";
import { ok } from "./scenario";

const threeSteps = chain(
	webhook("step1"),
	webhook("step2", {}, { body: { id: "{{ .outputs.step1.data.id }}" } }),
	webhook("step3"),
);

export const retryScenarios: RetryScenario[] = [
	{
		name: "3-step chain, step 2 failed: step 1 is reused (not called), steps 2 and 3 re-run",
		definition: threeSteps,
		first: { step1: [ok({ id: "old" })], step2: [fail()] },
		firstResult: "FAILED",
		// Would answer differently if it were called again.
		script: { step1: [ok({ id: "new" })] },
		expect: {
			restartFrom: ["step2"],
			rerun: ["step2", "step3"],
			result: "SUCCESS",
			calls: ["step2", "step3"],
			reused: ["step1"],
			history: [
				/started by alice via trigger, retrying run run_1: re-running step2, step3; /,
				/^step1 reused the output of run run_1 \(not re-run\)$/,
				/^trigger succeeded: its output is the run's inputs$/,
			],
		},
		check: (d) => {
			expect(d.requests[0]?.request.body).toBe(JSON.stringify({ id: "old" }));
			expect(d.state?.nodes.step1).toMatchObject({
				result: "SUCCESS",
				attempts: [],
				output: { data: { id: "old" } },
				reuse: { kind: "applied" },
			});
		},
	},
	{
		name: "fromNode on a successful run: upstream reused, fromNode and downstream re-run",
		definition: threeSteps,
		first: { step1: [ok({ id: "old" })] },
		firstResult: "SUCCESS",
		fromNode: "step2",
		expect: {
			restartFrom: ["step2"],
			rerun: ["step2", "step3"],
			result: "SUCCESS",
			calls: ["step2", "step3"],
			reused: ["step1"],
		},
		check: (d) => expect(d.requests[0]?.request.body).toBe(JSON.stringify({ id: "old" })),
	},
	{
		name: "fromNode upstream of the failed node re-runs from there",
		definition: threeSteps,
		first: { step2: [fail()] },
		firstResult: "FAILED",
		fromNode: "step1",
		expect: {
			rerun: ["step1", "step2", "step3"],
			result: "SUCCESS",
			calls: ["step1", "step2", "step3"],
		},
	},
	{
		name: "fromNode downstream of the failed node still re-runs the failed node",
		definition: threeSteps,
		first: { step2: [fail()] },
		firstResult: "FAILED",
		fromNode: "step3",
		expect: {
			restartFrom: ["step3"],
			rerun: ["step2", "step3"],
			result: "SUCCESS",
			calls: ["step2", "step3"],
		},
	},
	{
		name: "a CONDITION upstream takes its earlier option without evaluating",
		definition: workflow(
			[...(gate.nodes as Json[]), webhook("notify")],
			[...(gate.connections as Json[]), conn("big", "notify")],
		),
		inputs: { n: 10 },
		first: { notify: [fail()] },
		firstResult: "FAILED",
		expect: {
			rerun: ["notify"],
			result: "SUCCESS",
			nodes: { check: "SUCCESS", big: "SUCCESS", small: "SKIPPED", notify: "SUCCESS" },
			calls: ["notify"],
			reused: ["check", "big"],
			taken: ["big__notify", "check__big_big", "trigger__check"],
			history: [
				/^check reused the output of run run_1 \(not re-run\): option big$/,
				/^check__small_fallback → small not taken: option big matched, so the fallback is not taken$/,
				/^small skipped: its only incoming connection check__small_fallback was not taken$/,
			],
		},
		check: (d) => expect(d.details("condition_evaluated")).toEqual([]),
	},
	{
		name: "parallel branches: the succeeded branch is reused, the failed one re-runs",
		definition: parallel(),
		first: { a: [later(10)], b: [fail(50)] },
		firstResult: "FAILED",
		expect: {
			restartFrom: ["b"],
			rerun: ["b", "c"],
			result: "SUCCESS",
			calls: ["b", "c"],
			reused: ["a"],
			history: [/c started: all 2 incoming branches settled \(2 taken, 0 not taken\)/],
		},
	},
	{
		name: "a branch cancelled by the failure has nothing to reuse: it re-runs too",
		definition: parallel(),
		first: { a: [fail(10)], b: [later(50)] },
		firstResult: "FAILED",
		expect: {
			restartFrom: ["a"],
			rerun: ["a", "b", "c"],
			result: "SUCCESS",
			calls: ["a", "b", "c"],
		},
	},
	{
		name: "several failed nodes (one handled by onError): all restart; their handler is not re-run",
		definition: workflow(
			[trigger(), webhook("a"), webhook("cleanup"), webhook("b", {}), webhook("ok")],
			[
				conn("trigger", "a"),
				conn("a", "cleanup", { onError: true }),
				conn("trigger", "b"),
				conn("trigger", "ok"),
			],
		),
		first: { a: [fail(10)], b: [fail(50)], ok: [later(5)] },
		firstResult: "FAILED",
		expect: {
			restartFrom: ["a", "b"],
			rerun: ["a", "b"],
			result: "SUCCESS",
			// a succeeds this time, so its handler is never reached.
			nodes: { a: "SUCCESS", cleanup: "SKIPPED", b: "SUCCESS", ok: "SUCCESS" },
			calls: ["a", "b"],
			reused: ["ok"],
		},
	},
	{
		name: "a handled failure that fails again: its onError handler takes its earlier output, no call",
		definition: workflow(
			[trigger(), webhook("a"), webhook("cleanup"), webhook("b")],
			[conn("trigger", "a"), conn("a", "cleanup", { onError: true }), conn("trigger", "b")],
		),
		first: { a: [fail()], b: [fail(50)] },
		firstResult: "FAILED",
		script: { a: [fail()] },
		expect: {
			restartFrom: ["a", "b"],
			rerun: ["a", "b"],
			result: "SUCCESS",
			nodes: { a: "FAILED", cleanup: "SUCCESS", b: "SUCCESS" },
			calls: ["a", "b"],
			reused: ["cleanup"],
		},
	},
	{
		name: "an any join that had already fired is reused while the failed branch re-runs",
		definition: workflow(
			[trigger(), webhook("a"), webhook("b"), webhook("j", { joinStrategy: "any" })],
			[conn("trigger", "a"), conn("trigger", "b"), conn("a", "j"), conn("b", "j")],
		),
		first: { a: [later(5)], b: [fail(50)] },
		firstResult: "FAILED",
		expect: {
			restartFrom: ["b"],
			rerun: ["b"],
			result: "SUCCESS",
			calls: ["b"],
			reused: ["a", "j"],
		},
	},
	{
		name: "reused DELAY and startDelay nodes set no timer",
		definition: chain(
			delay("wait", { duration: "1h" }),
			webhook("slow", { startDelay: "10m" }),
			webhook("fin"),
		),
		first: { fin: [fail()] },
		firstResult: "FAILED",
		expect: {
			rerun: ["fin"],
			result: "SUCCESS",
			calls: ["fin"],
			reused: ["wait", "slow"],
			tookMs: 10,
		},
		check: (d) => expect(d.details("timer_fired")).toEqual([]),
	},
	{
		name: "a reused forEach node takes its list output, no item runs",
		definition: chain(
			webhook("each", { forEach: ".inputs.xs" }, { body: { x: "{{ .item }}" } }),
			webhook("after", {}, { body: { n: "{{ .outputs.each | length }}" } }),
		),
		inputs: { xs: [1, 2, 3] },
		first: { after: [fail()] },
		firstResult: "FAILED",
		expect: { rerun: ["after"], result: "SUCCESS", calls: ["after"], reused: ["each"] },
		check: (d, first) => {
			expect(d.state?.items).toEqual({});
			expect(d.state?.nodes.each?.output).toEqual(first.state?.nodes.each?.output);
			expect(d.requests[0]?.request.body).toBe(JSON.stringify({ n: 3 }));
		},
	},
	{
		name: "a workflow timeout restarts from the nodes it interrupted",
		definition: workflow(
			[trigger(), webhook("quick"), webhook("slow"), webhook("end")],
			[conn("trigger", "quick"), conn("trigger", "slow"), conn("slow", "end")],
			{ timeout: "1s" },
		),
		first: { slow: [{ hang: true }] },
		firstResult: "FAILED",
		expect: {
			restartFrom: ["slow"],
			rerun: ["slow", "end"],
			result: "SUCCESS",
			calls: ["slow", "end"],
			reused: ["quick"],
		},
	},
];

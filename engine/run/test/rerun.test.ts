import { describe, expect, it } from "vitest";
import { workflowShapeSchema } from "../../definition";
import { planRetry, prepare, type RunReuse, type RunState } from "../index";
import { chain, conn, type Json, trigger, webhook, workflow } from "./defs";
import { Driver, type Scripted } from "./driver";
import type { RetryScenario } from "./rerun-scenario";
import { retryScenarios } from "./scenarios-rerun";
import { reuseRuleScenarios } from "./scenarios-reuse";

function playFirst(
	definition: Json,
	inputs: RetryScenario["inputs"],
	script: Record<string, Scripted[]>,
) {
	return new Driver(definition, { inputs, script }).start().runToEnd();
}

function reuseFor(s: RetryScenario, first: Driver): { reuse: RunReuse; restartFrom?: string[] } {
	if (s.reuse !== undefined) return { reuse: s.reuse };
	const planned = planRetry(first.plan, first.state as RunState, s.fromNode ?? null);
	if (planned.kind === "refused") throw new Error(`refused: ${planned.reason}`);
	return planned;
}

function playRetry(s: RetryScenario, reuse: RunReuse, persist: boolean): Driver {
	return new Driver(s.definition, {
		inputs: s.inputs,
		script: s.script,
		runId: "run_2",
		reuse,
		persist,
	})
		.start()
		.runToEnd();
}

describe.each([
	["planned by planRetry", retryScenarios],
	["engine reuse rule", reuseRuleScenarios],
])("retry scenarios: %s", (_group, table) => {
	it.each(table.map((s) => [s.name, s] as const))("%s", (_name, s) => {
		const first = playFirst(s.definition, s.inputs, s.first);
		expect(first.run.result, first.details().join("\n")).toBe(s.firstResult);
		const planned = reuseFor(s, first);
		const e = s.expect;
		if (e.restartFrom !== undefined) expect(planned.restartFrom).toEqual(e.restartFrom);
		if (e.rerun !== undefined) expect(planned.reuse.rerun).toEqual(e.rerun);

		const d = playRetry(s, planned.reuse, false);
		expect(d.run.result, d.details().join("\n")).toBe(e.result);
		expect(d.run.retryOf).toBe(planned.reuse.retryOf);
		expect(d.requests.map((r) => r.node)).toEqual(e.calls);
		if (e.nodes !== undefined) expect(d.results()).toMatchObject(e.nodes);
		if (e.reused !== undefined) {
			expect(d.history.filter((h) => h.type === "node_reused").map((h) => h.node)).toEqual(
				e.reused,
			);
		}
		if (e.taken !== undefined) expect(d.taken()).toEqual(e.taken);
		if (e.tookMs !== undefined)
			expect((d.run.endedAt ?? 0) - (d.run.startedAt ?? 0)).toBe(e.tookMs);
		for (const pattern of e.history ?? []) {
			expect(d.details(), `history should match ${pattern}`).toEqual(
				expect.arrayContaining([expect.stringMatching(pattern)]),
			);
		}
		// The trigger still outputs the inputs, and was not reused.
		expect(d.state?.nodes.trigger?.output).toEqual(s.inputs ?? {});
		expect(d.state?.nodes.trigger?.reuse).toBeUndefined();
		s.check?.(d, first);
		for (const node of Object.values(d.state?.nodes ?? {})) expect(node.status).toBe("COMPLETED");
		expect(d.state?.timers).toEqual({});
		expect(d.history.map((h) => h.seq)).toEqual(d.history.map((_, i) => i + 1));

		// Rebuilt from stored rows before every event: the same story and the same state.
		const evicted = playRetry(s, planned.reuse, true);
		expect(evicted.history).toEqual(d.history);
		expect(JSON.parse(JSON.stringify(evicted.state))).toEqual(JSON.parse(JSON.stringify(d.state)));
	});
});

describe("planRetry", () => {
	it("a cancelled run restarts from the nodes that were running when it was cancelled", () => {
		const def = workflow(
			[trigger(), webhook("done"), webhook("hang"), webhook("after")],
			[conn("trigger", "done"), conn("trigger", "hang"), conn("hang", "after")],
		);
		const first = new Driver(def, { script: { hang: [{ hang: true }] } }).start();
		first.step(); // "done" answers; "hang" never does
		first.send({ type: "cancel", by: "bob", reason: null });
		const planned = planRetry(first.plan, first.state as RunState, null);
		expect(planned).toMatchObject({
			kind: "retry",
			restartFrom: ["hang"],
			reuse: { rerun: ["hang", "after"], previous: { done: { result: "SUCCESS" } } },
		});
	});

	it("reuse carries only SUCCESS/SKIPPED results of nodes outside rerun, conditions with their option", () => {
		const def = workflow(
			[
				{ identifier: "trigger", config: { type: "SELF_SERVE_TRIGGER" } },
				{
					identifier: "check",
					config: { type: "CONDITION", options: [{ identifier: "yes", expression: "true" }] },
				},
				webhook("a"),
				webhook("b"),
			],
			[
				{ identifier: "c1", sourceIdentifier: "trigger", targetIdentifier: "check" },
				{
					identifier: "c2",
					sourceIdentifier: "check",
					sourceOptionIdentifier: "yes",
					targetIdentifier: "a",
				},
				{ identifier: "c3", sourceIdentifier: "a", targetIdentifier: "b" },
			],
		);
		const first = playFirst(def, {}, { b: [{ status: 500 }] });
		const planned = planRetry(first.plan, first.state as RunState, null);
		expect(planned).toEqual({
			kind: "retry",
			restartFrom: ["b"],
			reuse: {
				rerun: ["b"],
				retryOf: "run_1",
				previous: {
					check: { result: "SUCCESS", output: { option: "yes" }, option: "yes" },
					a: { result: "SUCCESS", output: expect.objectContaining({ status: 200 }) },
				},
			},
		});
	});
});

type Refusal = {
	name: string;
	script?: Record<string, Scripted[]>;
	fromNode: string | null;
	/** Play only the start event (the run is still waiting on a call). */
	unfinished?: boolean;
	/** Plan the retry against another definition than the one the run used. */
	otherDefinition?: Json;
	definition?: Json;
	reason: RegExp;
};

const steps = chain(webhook("step1"), webhook("step2"));

const refusals: Refusal[] = [
	{
		name: "a successful run without fromNode",
		fromNode: null,
		reason: /^a successful run cannot be retried without fromNode$/,
	},
	{ name: "an unknown fromNode", fromNode: "nope", reason: /^fromNode nope is not a node of wf$/ },
	{
		name: "the trigger as fromNode",
		fromNode: "trigger",
		reason: /^fromNode trigger is a trigger: /,
	},
	{
		name: "a run that has not completed",
		script: { step1: [{ hang: true }] },
		unfinished: true,
		fromNode: "step1",
		reason: /^run run_1 is IN_PROGRESS: only a finished run can be retried$/,
	},
	{
		name: "a run of another version (nodes differ)",
		otherDefinition: chain(webhook("step1"), webhook("step2"), webhook("step3")),
		fromNode: "step2",
		reason: /^run run_1 was not run on this version of wf$/,
	},
	{
		name: "a failed run with no failed or interrupted node (workflow outputs failed)",
		definition: workflow(steps.nodes as Json[], steps.connections as Json[], {
			outputs: { x: '{{ error("boom") }}' },
		}),
		fromNode: null,
		reason:
			/^run run_1 has no failed or interrupted node to restart from \(.*boom.*\); name one with fromNode$/,
	},
];

describe("retry: refused", () => {
	it.each(refusals.map((r) => [r.name, r] as const))("%s", (_name, r) => {
		const d = new Driver(r.definition ?? steps, { script: r.script }).start();
		if (!r.unfinished) d.runToEnd();
		const plan =
			r.otherDefinition === undefined
				? d.plan
				: prepare(workflowShapeSchema.parse(r.otherDefinition));
		const planned = planRetry(plan, d.state as RunState, r.fromNode);
		expect(planned.kind).toBe("refused");
		if (planned.kind === "refused") expect(planned.reason).toMatch(r.reason);
	});
});

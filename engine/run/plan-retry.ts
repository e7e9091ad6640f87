/**
 * `planRetry(plan, previous, fromNode)`: what a retry of a finished run re-runs and what it
 * takes over. Pure; the route calls it with the earlier run's state and its pinned plan,
 * then starts a new run with the same version, trigger and inputs plus `reuse`.
 *
 * Restart nodes: `fromNode` when given; else every node that FAILED (parallel branches can
 * fail together); else, for a run that ended without a failed node (cancelled, workflow
 * timeout), the nodes that were started and then cancelled. `rerun` is those nodes, every
 * node that did not succeed or skip in the earlier run (it has no result worth reusing and
 * runs anyway), and everything downstream of all of them, except nodes that succeeded: an
 * `any` join that had already fired, a failure's onError handler. Their calls were made and
 * answered; running them again would repeat them. (A handler whose failed node succeeds this
 * time is never reached, and is skipped.) With `fromNode` the caller asks for everything after
 * it to run again, so nothing downstream of it is reused.
 */
import { downstreamOf } from "../definition";
import type { PreviousNodeResult, RunReuse } from "./events";
import { type Plan, plannedNode } from "./plan";
import type { NodeRun, RunState } from "./state";

export type RetryPlan =
	| {
			kind: "retry";
			reuse: RunReuse;
			/** The node(s) the retry restarts from, in definition order (for the reply). */
			restartFrom: string[];
	  }
	| { kind: "refused"; reason: string };

export function planRetry(plan: Plan, previous: RunState, fromNode: string | null): RetryPlan {
	const header = previous.header;
	const runId = header.runId;
	if (header.status !== "COMPLETED") {
		return refused(`run ${runId} is ${header.status}: only a finished run can be retried`);
	}
	const mismatch = plan.order.find((id) => previous.nodes[id] === undefined);
	if (header.workflow.identifier !== plan.definition.identifier || mismatch !== undefined) {
		return refused(`run ${runId} was not run on this version of ${plan.definition.identifier}`);
	}
	const restart = restartNodes(plan, previous, fromNode);
	if (restart.kind === "refused") return restart;
	const rerun = rerunSet(plan, previous, restart.nodes, fromNode === null);
	const reused: Record<string, PreviousNodeResult> = {};
	for (const id of plan.order) {
		const run = previous.nodes[id] as NodeRun;
		if (rerun.has(id) || isTrigger(plan, id) || run.result === null) continue;
		reused[id] = previousResult(plan, id, run, run.result);
	}
	return {
		kind: "retry",
		reuse: {
			rerun: plan.order.filter((id) => rerun.has(id)),
			previous: reused,
			retryOf: runId,
		},
		restartFrom: restart.nodes,
	};
}

type Restart = { kind: "nodes"; nodes: string[] } | { kind: "refused"; reason: string };

function restartNodes(plan: Plan, previous: RunState, fromNode: string | null): Restart {
	const { runId, result } = previous.header;
	const name = plan.definition.identifier;
	if (fromNode !== null) {
		if (!plan.nodes.has(fromNode)) {
			return refused(`fromNode ${fromNode} is not a node of ${name}`);
		}
		if (isTrigger(plan, fromNode)) {
			return refused(
				`fromNode ${fromNode} is a trigger: a retry always starts from the earlier run's trigger and inputs; name a node after it`,
			);
		}
		return { kind: "nodes", nodes: [fromNode] };
	}
	if (result === "SUCCESS") return refused("a successful run cannot be retried without fromNode");
	const withResult = (wanted: NodeRun["result"], started: boolean) =>
		plan.order.filter((id) => {
			const run = previous.nodes[id];
			if (run === undefined || isTrigger(plan, id) || run.result !== wanted) return false;
			return !started || run.startedAt !== null;
		});
	const failed = withResult("FAILED", false);
	if (failed.length > 0) return { kind: "nodes", nodes: outermost(plan, failed) };
	// Cancelled or timed out: pick up where it stopped, with the nodes that were running.
	const interrupted = withResult("CANCELLED", true);
	if (interrupted.length > 0) return { kind: "nodes", nodes: outermost(plan, interrupted) };
	const why = previous.header.error?.message ?? `it ended ${result}`;
	return refused(
		`run ${runId} has no failed or interrupted node to restart from (${why}); name one with fromNode`,
	);
}

/**
 * Restart nodes + nodes without a reusable result + everything downstream of them (but for
 * nodes that succeeded, when `keepSucceeded`).
 */
function rerunSet(
	plan: Plan,
	previous: RunState,
	restart: string[],
	keepSucceeded: boolean,
): Set<string> {
	const seeds = new Set(restart);
	for (const id of plan.order) {
		const result = previous.nodes[id]?.result;
		if (!isTrigger(plan, id) && result !== "SUCCESS" && result !== "SKIPPED") seeds.add(id);
	}
	const rerun = new Set(seeds);
	// A seed already reached from another one adds nothing new: its downstream is covered.
	const reached = new Set<string>();
	for (const id of plan.order) {
		if (!seeds.has(id) || reached.has(id)) continue;
		for (const down of downstreamOf(plan.definition, id)) {
			reached.add(down);
			if (!(keepSucceeded && previous.nodes[down]?.result === "SUCCESS")) rerun.add(down);
		}
	}
	return rerun;
}

/** Drops restart nodes downstream of another one (re-running it re-runs them anyway). */
function outermost(plan: Plan, nodes: string[]): string[] {
	const below = new Set<string>();
	for (const id of nodes) for (const down of downstreamOf(plan.definition, id)) below.add(down);
	return nodes.filter((id) => !below.has(id));
}

function previousResult(
	plan: Plan,
	id: string,
	run: NodeRun,
	result: NonNullable<NodeRun["result"]>,
): PreviousNodeResult {
	const entry: PreviousNodeResult = { result, output: run.output };
	const output = run.output;
	const kind = plannedNode(plan, id).kind.kind;
	if ((kind === "condition" || kind === "input") && result === "SUCCESS") {
		// A CONDITION's option, an INPUT's outlet: the path a reused node takes again.
		const option =
			output !== null && typeof output === "object" && !Array.isArray(output)
				? output[kind === "input" ? "outlet" : "option"]
				: undefined;
		if (typeof option === "string" || option === null) entry.option = option;
	}
	return entry;
}

function isTrigger(plan: Plan, id: string): boolean {
	return plannedNode(plan, id).kind.kind === "trigger";
}

function refused(reason: string): { kind: "refused"; reason: string } {
	return { kind: "refused", reason };
}

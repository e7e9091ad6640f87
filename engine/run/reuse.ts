/**
 * Retry, engine side: a retried run is played from its trigger like any run, but a node that
 * is not re-run takes the earlier run's result the moment it becomes ready — no call, no
 * delay, no timer, no runIf or condition evaluated. Its connections then settle exactly as a
 * node that ran would settle them, so joins and dead-path elimination need no special case.
 *
 * The start event's `reuse` is turned into one `NodeReuse` per node row at start, so the
 * decision survives eviction: a node may become ready many events later (after a node that
 * runs normally answers).
 */
import type { Connection } from "../definition";
import { conditionRoute } from "./decisions";
import type { RunReuse } from "./events";
import { nodeRun, nodeSkipped, nodeSucceeded, routeAll } from "./flow";
import { outletRoute } from "./input";
import type { JsonValue } from "./json";
import type { NodeKind, Plan } from "./plan";
import { plannedNode } from "./plan";
import type { NodeReuse, NodeRun } from "./state";
import type { Step } from "./step";

/**
 * Marks the nodes of a new run that will reuse the earlier run's result. Only SUCCESS and
 * SKIPPED are reused; FAILED, CANCELLED, nodes in `rerun`, triggers (their output is always
 * the inputs) and ids that are not nodes of this version are left to run normally.
 */
export function seedReuse(plan: Plan, nodes: Record<string, NodeRun>, reuse: RunReuse): void {
	const rerun = new Set(reuse.rerun);
	for (const [id, previous] of Object.entries(reuse.previous)) {
		const run = nodes[id];
		const planned = plan.nodes.get(id);
		if (run === undefined || planned === undefined || rerun.has(id)) continue;
		if (planned.kind.kind === "trigger") continue;
		const decided = decide(planned.kind.kind, previous);
		if (decided !== null) run.reuse = decided;
	}
}

function decide(
	kind: NodeKind["kind"],
	previous: RunReuse["previous"][string],
): Exclude<NodeReuse, { kind: "applied" }> | null {
	switch (previous.result) {
		case "SKIPPED":
			return { kind: "skip" };
		case "SUCCESS": {
			// An INPUT's approval is reused, not asked again: its responses and its outlet.
			if (kind === "input") {
				const outlet = previous.option ?? outletOf(previous.output);
				return outlet === undefined || outlet === null
					? null
					: { kind: "output", output: previous.output, option: outlet };
			}
			if (kind !== "condition") return { kind: "output", output: previous.output, option: null };
			const option = previous.option !== undefined ? previous.option : optionOf(previous.output);
			// Without a known option the path cannot be replayed: evaluate the condition again.
			return option === undefined ? null : { kind: "output", output: { option }, option };
		}
		case "FAILED":
		case "CANCELLED":
			return null;
		default: {
			const _exhaustive: never = previous.result;
			return _exhaustive;
		}
	}
}

/** A CONDITION's output is `{ option }`; undefined when it is not that shape. */
function optionOf(output: JsonValue): string | null | undefined {
	if (output === null || typeof output !== "object" || Array.isArray(output)) return undefined;
	const option = output.option;
	return typeof option === "string" || option === null ? option : undefined;
}

/** An INPUT's output is `{ outlet, responses }`; undefined when it is not that shape. */
function outletOf(output: JsonValue): string | undefined {
	if (output === null || typeof output !== "object" || Array.isArray(output)) return undefined;
	return typeof output.outlet === "string" ? output.outlet : undefined;
}

/**
 * Called when a node becomes ready. True when the node completed with the earlier run's
 * result (the caller must then not start it); false when it runs normally.
 */
export function applyReuse(step: Step, node: string): boolean {
	const run = nodeRun(step, node);
	const reuse = run.reuse;
	if (reuse === undefined) return false;
	const from = step.state.header.retryOf ?? "the earlier run";
	switch (reuse.kind) {
		case "applied":
			return false;
		case "skip":
			run.reuse = { kind: "applied" };
			nodeSkipped(step, node, `it was skipped in run ${from} too (not re-run)`);
			return true;
		case "output": {
			// Dropped from the row: from here on the output lives in `output` only.
			run.reuse = { kind: "applied" };
			run.startedAt = step.now;
			const kind = plannedNode(step.plan, node).kind.kind;
			const option = reuse.option;
			const took =
				kind === "input" && option !== null
					? `: its responses, leaving through ${option}`
					: kind !== "condition"
						? ""
						: option === null
							? ": no option had matched"
							: `: option ${option}`;
			const router =
				kind === "input" && option !== null
					? (c: Connection) => outletRoute(c, option)
					: kind === "condition"
						? (c: Connection) => conditionRoute(c, option)
						: routeAll(node);
			nodeSucceeded(
				step,
				node,
				reuse.output,
				`${node} reused the output of run ${from} (not re-run)${took}`,
				router,
				"node_reused",
			);
			return true;
		}
		default: {
			const _exhaustive: never = reuse;
			return _exhaustive;
		}
	}
}

/**
 * How finished nodes move the run along: which outgoing connections are taken, how joins
 * count arrivals, and dead-path elimination (a node none of whose incoming branches can
 * still arrive is SKIPPED, never left PENDING). Each connection settles exactly once, so the
 * work over a whole run is O(connections) and a step only touches what it settles.
 */
import type { Connection } from "../definition";
import { recordOutput } from "./context";
import type { JsonValue } from "./json";
import { keptOutput } from "./mask-output";
import { plannedNode } from "./plan";
import type { ErrorInfo, NodeResult, NodeRun } from "./state";
import type { Step } from "./step";

export type Route = { taken: boolean; why: string };
export type Router = (connection: Connection) => Route;

export function nodeRun(step: Step, node: string): NodeRun {
	const run = step.state.nodes[node];
	if (run === undefined) throw new Error(`no node run for ${node}`);
	return run;
}

/** PENDING → IN_PROGRESS (or WAITING), and into the active list. */
export function markStarted(step: Step, node: string, status: "IN_PROGRESS" | "WAITING"): void {
	const run = nodeRun(step, node);
	if (run.status === "PENDING") {
		run.startedAt = step.now;
		step.state.header.active.push(node);
		step.touchHeader();
	}
	run.status = status;
	step.touchNode(node);
}

function finish(step: Step, node: string, result: NodeResult): NodeRun {
	const run = nodeRun(step, node);
	const header = step.state.header;
	if (run.status !== "PENDING") header.active = header.active.filter((id) => id !== node);
	run.status = "COMPLETED";
	run.result = result;
	run.endedAt = step.now;
	header.remaining -= 1;
	step.touchHeader();
	step.touchNode(node);
	return run;
}

/** Default routing on success: every connection except onError ones. */
export function routeAll(node: string): Router {
	return (c) =>
		c.onError === true
			? { taken: false, why: `${node} succeeded, so its onError connection is not taken` }
			: { taken: true, why: `${node} succeeded` };
}

export function nodeSucceeded(
	step: Step,
	node: string,
	output: JsonValue,
	detail: string,
	router: Router = routeAll(node),
	/** node_reused when a retry took the earlier run's output (reuse.ts). */
	type: "node_succeeded" | "node_reused" = "node_succeeded",
): void {
	const kept = keptOutput(step, node, output);
	if (!kept.ok) {
		nodeFailed(step, node, kept.error);
		return;
	}
	const run = finish(step, node, "SUCCESS");
	run.output = kept.value;
	recordOutput(step.state, node, kept.value);
	step.note(type, detail, { node });
	for (const c of plannedNode(step.plan, node).outgoing) settleConnection(step, c, router(c));
}

/**
 * A node failed for good (after its retries). With onError connections the failure is
 * handled and the run goes on along them; without, the run fails.
 */
export function nodeFailed(step: Step, node: string, error: ErrorInfo): void {
	const run = finish(step, node, "FAILED");
	run.error = error;
	run.output = null;
	const outgoing = plannedNode(step.plan, node).outgoing;
	const handlers = outgoing.filter((c) => c.onError === true);
	if (handlers.length === 0) {
		step.note("node_failed", `${node} failed (${error.code}): ${error.message}`, { node });
		step.enqueueFront({ kind: "fail_run", error: { ...error, node } });
		return;
	}
	const names = handlers.map((c) => c.identifier).join(", ");
	step.note(
		"node_failed",
		`${node} failed (${error.code}): ${error.message}; handled by onError connection ${names}`,
		{ node },
	);
	for (const c of outgoing) {
		settleConnection(
			step,
			c,
			c.onError === true
				? { taken: true, why: `${node} failed and ${c.identifier} handles its errors` }
				: { taken: false, why: `${node} failed` },
		);
	}
}

export function nodeSkipped(step: Step, node: string, reason: string): void {
	finish(step, node, "SKIPPED");
	step.note("node_skipped", `${node} skipped: ${reason}`, { node });
	for (const c of plannedNode(step.plan, node).outgoing) {
		settleConnection(step, c, { taken: false, why: `${node} was skipped` });
	}
}

/** Marks a node CANCELLED (the run ended before it finished or started). */
export function nodeCancelled(step: Step, node: string, error: ErrorInfo): void {
	const run = finish(step, node, "CANCELLED");
	run.error = error;
}

function settleConnection(step: Step, c: Connection, route: Route): void {
	if (step.state.connections[c.identifier] !== undefined) return;
	step.state.connections[c.identifier] = route.taken ? "TAKEN" : "NOT_TAKEN";
	step.touchConnection(c.identifier);
	const target = c.targetIdentifier;
	step.note(
		route.taken ? "connection_taken" : "connection_not_taken",
		`${c.identifier} → ${target} ${route.taken ? "taken" : "not taken"}: ${route.why}`,
		{ node: c.sourceIdentifier },
	);
	const run = nodeRun(step, target);
	run.arrivals.settled += 1;
	if (route.taken) run.arrivals.taken += 1;
	step.touchNode(target);
	if (run.status !== "PENDING") return; // an any-join already started it, or the run ended
	const planned = plannedNode(step.plan, target);
	const all = planned.incoming.length;
	const { settled, taken } = run.arrivals;
	if (planned.joinStrategy === "any" && route.taken && taken === 1) {
		step.enqueue({ kind: "start_node", node: target });
	} else if (settled === all && taken > 0 && planned.joinStrategy === "all") {
		step.enqueue({ kind: "start_node", node: target });
	} else if (settled === all && taken === 0) {
		step.enqueue({
			kind: "skip_node",
			node: target,
			reason:
				all === 1
					? `its only incoming connection ${c.identifier} was not taken`
					: `none of its ${all} incoming connections was taken`,
		});
	}
}

/**
 * The run's own transitions: start, success (templated workflow outputs), failure, cancel.
 * Each terminal path goes through `endRun`, which is reached at most once per run because
 * advance() ignores every event once the run is COMPLETED.
 */
import { abandonOpenWork } from "./abandon";
import { MAX_RUN_STORED_BYTES } from "./bounds";
import { contextFor } from "./context";
import type { RunErrorCode } from "./errors";
import type { AdvanceEnv, CancelEvent, StartEvent } from "./events";
import { renderTemplates } from "./expressions";
import { markStarted, nodeCancelled, nodeRun, nodeSucceeded } from "./flow";
import { cancelOpenItems } from "./foreach";
import type { Plan } from "./plan";
import { plannedNode } from "./plan";
import { formatMs } from "./retry";
import { seedReuse } from "./reuse";
import type { ErrorInfo, NodeRun, RunResult, RunState } from "./state";
import type { Step } from "./step";
import { timerKey } from "./timers";

export function newRunState(plan: Plan, event: StartEvent, env: AdvanceEnv): RunState {
	const nodes: Record<string, NodeRun> = {};
	for (const id of plan.order) {
		nodes[id] = {
			node: id,
			type: plannedNode(plan, id).node.config.type,
			status: "PENDING",
			result: null,
			startedAt: null,
			endedAt: null,
			attempts: [],
			output: null,
			error: null,
			logs: [],
			arrivals: { settled: 0, taken: 0 },
			forEach: null,
		};
	}
	if (event.reuse !== undefined) seedReuse(plan, nodes, event.reuse);
	return {
		header: {
			runId: event.runId,
			workflow: { ...event.workflow },
			initiator: event.initiator,
			trigger: null,
			status: "QUEUED",
			result: null,
			inputs: event.inputs,
			outputs: null,
			error: null,
			createdAt: env.now,
			startedAt: null,
			endedAt: null,
			version: 0,
			lastSeq: 0,
			active: [],
			remaining: plan.order.length,
			...(event.reuse !== undefined ? { retryOf: event.reuse.retryOf } : {}),
		},
		nodes,
		items: {},
		connections: {},
		timers: {},
	};
}

/** Runs the trigger (output = inputs) and skips nodes nothing can ever reach. */
export function startRun(step: Step, event: StartEvent): void {
	const { plan, state } = step;
	const header = state.header;
	header.status = "IN_PROGRESS";
	header.startedAt = step.now;
	for (const id of plan.order) step.touchNode(id);
	const trigger = event.trigger ?? defaultTrigger(plan);
	const { identifier, version } = header.workflow;
	const via = trigger ? ` via ${trigger}` : "";
	step.note(
		"run_started",
		`run of ${identifier} v${version} started by ${header.initiator}${via}${retryWording(event)}`,
	);
	if (trigger === null) {
		endRun(step, "FAILED", error("no_trigger", "the workflow has no trigger node"));
		return;
	}
	if (!plan.triggers.includes(trigger)) {
		endRun(
			step,
			"FAILED",
			error("unknown_trigger", `${trigger} is not a trigger node of this workflow`),
		);
		return;
	}
	if (plan.configError !== null) {
		endRun(step, "FAILED", error("invalid_config", plan.configError));
		return;
	}
	header.trigger = trigger;
	if (plan.workflowTimeoutMs !== null) {
		const at = step.now + plan.workflowTimeoutMs;
		step.setTimer(timerKey({ kind: "workflow_timeout" }), { kind: "workflow_timeout", at });
	}
	markStarted(step, trigger, "IN_PROGRESS");
	nodeSucceeded(
		step,
		trigger,
		header.inputs,
		`${trigger} succeeded: its output is the run's inputs`,
	);
	for (const id of plan.order) {
		if (id === trigger || plannedNode(plan, id).incoming.length > 0) continue;
		const reason = plan.triggers.includes(id)
			? `trigger ${trigger} started this run, not ${id}`
			: "it has no incoming connection, so nothing can reach it";
		step.enqueue({ kind: "skip_node", node: id, reason });
	}
}

function retryWording(event: StartEvent): string {
	if (event.reuse === undefined) return "";
	const { rerun, retryOf } = event.reuse;
	const again = rerun.length > 0 ? rerun.join(", ") : "no node";
	return `, retrying run ${retryOf}: re-running ${again}; nodes that succeeded or were skipped there are not re-run`;
}

function defaultTrigger(plan: Plan): string | null {
	const selfServe = plan.triggers.find(
		(id) => plannedNode(plan, id).node.config.type === "SELF_SERVE_TRIGGER",
	);
	return selfServe ?? plan.triggers[0] ?? null;
}

export function succeedRun(step: Step): void {
	const declared = step.plan.definition.outputs;
	if (declared !== undefined) {
		// The run's answer is read by everyone who sees the run: no sealed value in it, opened.
		const rendered = renderTemplates(
			declared,
			contextFor(step.state, {}, step.access("workflow")),
			step.now,
		);
		if (!rendered.ok) {
			failRun(step, {
				code: "output_error",
				message: `workflow outputs: ${rendered.error.message}`,
				node: null,
			});
			return;
		}
		step.state.header.outputs = rendered.value;
	}
	endRun(step, "SUCCESS", null);
}

export function failRun(step: Step, failure: ErrorInfo & { node: string | null }): void {
	endRun(step, "FAILED", failure);
}

export function cancelRun(step: Step, event: CancelEvent): void {
	const by = event.by === null ? "" : ` by ${event.by}`;
	const reason = event.reason === null ? "" : `: ${event.reason}`;
	endRun(step, "CANCELLED", error("cancelled", `the run was cancelled${by}${reason}`));
}

export function workflowTimedOut(step: Step): void {
	const ms = step.plan.workflowTimeoutMs ?? 0;
	failRun(step, {
		code: "workflow_timeout",
		message: `the run did not finish within its timeout of ${formatMs(ms)}`,
		node: null,
	});
}

export function runTooLarge(step: Step, storedBytes: number): void {
	failRun(step, {
		code: "run_too_large",
		message: `the run has stored ${storedBytes} bytes, over the ${MAX_RUN_STORED_BYTES} a run may keep (16 MiB)`,
		node: null,
	});
}

function error(code: RunErrorCode, message: string): ErrorInfo & { node: null } {
	return { code, message, node: null };
}

function endRun(
	step: Step,
	result: RunResult,
	failure: (ErrorInfo & { node: string | null }) | null,
): void {
	const header = step.state.header;
	if (header.status === "COMPLETED") return;
	if (result !== "SUCCESS") {
		const why =
			result === "CANCELLED"
				? (failure?.message ?? "the run was cancelled")
				: `the run failed: ${failure?.message ?? "unknown error"}`;
		closeOpenWork(step, { code: "cancelled", message: why });
	}
	for (const key of Object.keys(step.state.timers)) step.clearTimer(key);
	header.status = "COMPLETED";
	header.result = result;
	header.error = failure === null ? null : { ...failure };
	header.endedAt = step.now;
	header.active = [];
	step.touchHeader();
	const took = formatMs(step.now - (header.startedAt ?? step.now));
	switch (result) {
		case "SUCCESS":
			step.note("run_succeeded", `the run succeeded after ${took}`);
			return;
		case "FAILED":
			step.note("run_failed", `the run failed after ${took}: ${failure?.message ?? ""}`, {
				node: failure?.node ?? undefined,
			});
			return;
		case "CANCELLED":
			step.note("run_cancelled", failure?.message ?? "the run was cancelled");
			return;
		default: {
			const _exhaustive: never = result;
			return;
		}
	}
}

/** Open node runs → CANCELLED (their calls abandoned); finished ones are left as they are. */
function closeOpenWork(step: Step, why: ErrorInfo): void {
	for (const node of [...step.state.header.active]) {
		if (nodeRun(step, node).forEach !== null) cancelOpenItems(step, node, why);
		abandonOpenWork(step, { node, item: null }, why);
		nodeCancelled(step, node, why);
		step.note("node_cancelled", `${node} cancelled: ${why.message}`, { node });
	}
	// Once per run: nodes never reached are closed too, so nothing stays PENDING.
	const never: string[] = [];
	for (const id of step.plan.order) {
		if (nodeRun(step, id).status !== "PENDING") continue;
		nodeCancelled(step, id, why);
		never.push(id);
	}
	if (never.length > 0)
		step.note("node_cancelled", `not started, now cancelled: ${never.join(", ")}`);
}

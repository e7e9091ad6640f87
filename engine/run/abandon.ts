/**
 * Stops caring about a task's open work: ends an in-flight attempt (and tells the shell it
 * may abort the call), drops its retry and timeout timers and anything it waited on outside. Safe to call on a task with
 * nothing open. A response that still arrives later is stale and ignored (tasks.ts).
 */
import { cancelOpenChild } from "./child-run";
import type { ErrorInfo, TaskRef } from "./state";
import type { Step } from "./step";
import { attemptTimeoutKey, retryTimerKey } from "./timers";
import { endWait } from "./waits";

export function abandonOpenWork(step: Step, ref: TaskRef, error: ErrorInfo): void {
	const task = step.task(ref);
	const last = task.attempts[task.attempts.length - 1];
	if (last !== undefined && last.endedAt === null) {
		last.endedAt = step.now;
		last.error = error;
		step.emit({ kind: "abandon_request", node: ref.node, item: ref.item, attempt: last.number });
	}
	step.clearTimer(retryTimerKey(ref));
	step.clearTimer(attemptTimeoutKey(ref));
	cancelOpenChild(step, ref, error.message);
	endWait(step, ref);
	step.touchTask(ref);
}

/** Abandons open work and marks the task CANCELLED (finished tasks are left untouched). */
export function cancelTask(step: Step, ref: TaskRef, error: ErrorInfo): void {
	const task = step.task(ref);
	if (task.status === "COMPLETED") return;
	abandonOpenWork(step, ref, error);
	task.status = "COMPLETED";
	task.result = "CANCELLED";
	task.error = error;
	task.endedAt = step.now;
}

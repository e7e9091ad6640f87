/**
 * Routes attempt events and timers to the right task (a node run or a forEach item) and its
 * verdict to the node (flow.ts) or its forEach (foreach.ts). Every entry point first checks
 * that the event is about the attempt currently open, so duplicates and late arrivals are
 * harmless: they are noted and change nothing else.
 */
import { abandonOpenWork } from "./abandon";
import { callbackTimedOut, checkCallback, concludeCallback, receiveCallback } from "./callback";
import {
	checkChildEnded,
	childTimedOut,
	concludeChildEnd,
	concludeChildStart,
	receiveChildEnd,
	startChildAttempt,
} from "./child-run";
import {
	type AttemptOutcome,
	type AttemptResultEvent,
	type CallbackEvent,
	type ChildAnswerEvent,
	type ChildEndedEvent,
	callKey,
} from "./events";
import { nodeFailed, nodeSucceeded } from "./flow";
import { itemFailed, itemSucceeded, refreshForEachStatus } from "./foreach";
import type { JsonValue } from "./json";
import { plannedNode } from "./plan";
import { type ErrorInfo, type TaskRef, type TaskRun, type TimerPurpose, taskKey } from "./state";
import type { Step } from "./step";
import type { AttemptVerdict } from "./verdicts";
import { concludeAttempt, startAttempt } from "./webhook";

/** Launches attempt 1 of a task; used for a plain WEBHOOK node and for each forEach item. */
export function startTask(step: Step, ref: TaskRef): void {
	launch(step, ref, 1);
}

function launch(step: Step, ref: TaskRef, attempt: number): void {
	const started =
		plannedNode(step.plan, ref.node).kind.kind === "run_workflow"
			? startChildAttempt(step, ref, attempt)
			: startAttempt(step, ref, attempt);
	if (started.kind === "failed") taskFailed(step, ref, started.error);
	else if (ref.item !== null) refreshForEachStatus(step, ref.node);
}

export function onAttemptResult(step: Step, event: AttemptResultEvent): void {
	const ref = { node: event.node, item: event.item };
	const stale = whyStale(step, ref, event.attempt);
	if (stale !== null) {
		step.note("event_ignored", `result of attempt ${event.attempt} ignored: ${stale}`, ref);
		return;
	}
	conclude(step, ref, event.outcome);
}

/** The host answered a RUN_WORKFLOW attempt's `start_child` (child-run.ts). */
export function onChildAnswer(step: Step, event: ChildAnswerEvent): void {
	const ref = { node: event.node, item: event.item };
	const stale = whyStale(step, ref, event.attempt);
	if (stale !== null) {
		step.note("event_ignored", `answer to attempt ${event.attempt} ignored: ${stale}`, ref);
		// A child this run stopped waiting for before it could name it (a cancel, a timeout)
		// would run on for no one: it is cancelled now.
		const { kind } = plannedNode(step.plan, ref.node);
		if (event.answer.kind === "started" && kind.kind === "run_workflow" && kind.wait) {
			step.emit({
				kind: "cancel_child",
				runId: event.answer.runId,
				reason: `its parent stopped waiting for it (${stale})`,
			});
		}
		return;
	}
	applyVerdict(step, ref, concludeChildStart(step, ref, event.answer));
}

/** A child run reported its end: recorded now, acted on when the task's `wait_over` fires. */
export function onChildEnded(step: Step, event: ChildEndedEvent): void {
	const ref = { node: event.node, item: event.item };
	const check = checkChildEnded(findTask(step, ref), event);
	if (check.kind === "repeat") {
		step.note("event_ignored", `run ${event.runId} ended ${event.result}: ${check.why}`, ref);
		return;
	}
	receiveChildEnd(step, ref, check.attempt, event);
}

/** The child of a waiting task ended and the run holds a slot: the attempt ends by it. */
export function onChildWaitOver(step: Step, ref: TaskRef): void {
	const verdict = concludeChildEnd(step, ref);
	if (verdict) applyVerdict(step, ref, verdict);
}

/** The task's child did not end within the node's `timeout`. */
export function onChildTimeout(step: Step, ref: TaskRef): void {
	const task = findTask(step, ref);
	if (task?.status !== "WAITING" || task.waitingOn?.kind !== "child") return;
	applyVerdict(step, ref, childTimedOut(step, ref));
}

export function onRetryDue(step: Step, timer: Extract<TimerPurpose, { kind: "retry" }>): void {
	const ref = { node: timer.node, item: timer.item };
	const task = findTask(step, ref);
	// The timer is keyed by task, so it is the current one unless the task already ended.
	if (task === undefined || task.status === "COMPLETED") return;
	launch(step, ref, timer.attempt);
}

export function onAttemptTimeout(
	step: Step,
	timer: Extract<TimerPurpose, { kind: "attempt_timeout" }>,
	callsInFlight: string[] | undefined,
): void {
	const ref = { node: timer.node, item: timer.item };
	if (whyStale(step, ref, timer.attempt) !== null) return;
	// The shell's own abort normally reports the timeout first. A call the shell no longer has
	// was lost with an earlier instance of the object (a restart mid-call): not a timeout.
	const lost =
		callsInFlight !== undefined &&
		!callsInFlight.includes(callKey(ref.node, ref.item, timer.attempt));
	if (lost) {
		conclude(step, ref, { kind: "interrupted" });
		return;
	}
	step.emit({ kind: "abandon_request", node: ref.node, item: ref.item, attempt: timer.attempt });
	conclude(step, ref, { kind: "timeout" });
}

function conclude(step: Step, ref: TaskRef, outcome: AttemptOutcome): void {
	applyVerdict(step, ref, concludeAttempt(step, ref, outcome));
}

/** An async call's callback: recorded now, acted on when its `wait_over` timer fires. */
export function onCallback(step: Step, event: CallbackEvent): void {
	const check = checkCallback(step.plan, step.state, event);
	if (check.kind !== "take") return;
	receiveCallback(step, event, check.ref, check.matched);
}

/** The callback of a waiting task is in and the run holds a slot: the attempt ends by it. */
export function onCallbackWaitOver(step: Step, ref: TaskRef): void {
	const verdict = concludeCallback(step, ref);
	if (verdict) applyVerdict(step, ref, verdict);
}

/** The task's callback did not come within its `timeout`. */
export function onCallbackTimeout(step: Step, ref: TaskRef): void {
	const task = findTask(step, ref);
	if (task?.status !== "WAITING" || task.waitingOn?.kind !== "callback") return;
	applyVerdict(step, ref, callbackTimedOut(step, ref));
}

function applyVerdict(step: Step, ref: TaskRef, verdict: AttemptVerdict): void {
	switch (verdict.kind) {
		case "succeeded":
			taskSucceeded(step, ref, verdict.output, verdict.detail);
			return;
		case "failed":
			taskFailed(step, ref, verdict.error);
			return;
		case "retrying":
		case "waiting":
			if (ref.item !== null) refreshForEachStatus(step, ref.node);
			return;
		case "resend":
			launch(step, ref, verdict.attempt);
			return;
		default: {
			const _exhaustive: never = verdict;
			return;
		}
	}
}

/** Null when `attempt` is the open attempt of an open task; else why the event is stale. */
function whyStale(step: Step, ref: TaskRef, attempt: number): string | null {
	if (step.state.nodes[ref.node] === undefined) return `${ref.node} is not a node of this run`;
	const task = findTask(step, ref);
	if (task === undefined) return `${taskKey(ref)} has no such forEach item`;
	if (task.status === "COMPLETED") return `${taskKey(ref)} already ended (${task.result})`;
	const last = task.attempts[task.attempts.length - 1];
	if (last === undefined || last.number !== attempt) {
		return `attempt ${attempt} is not the current attempt of ${taskKey(ref)}`;
	}
	if (last.endedAt !== null) return `attempt ${attempt} of ${taskKey(ref)} already ended`;
	if (task.status === "WAITING" && task.waitingOn?.kind === "callback") {
		return `attempt ${attempt} of ${taskKey(ref)} was answered already and waits for its callback`;
	}
	if (task.waitingOn?.kind === "child") {
		return `attempt ${attempt} of ${taskKey(ref)} started its child already and waits for it`;
	}
	return null;
}

function findTask(step: Step, ref: TaskRef): TaskRun | undefined {
	return ref.item === null ? step.state.nodes[ref.node] : step.state.items[taskKey(ref)];
}

function taskSucceeded(step: Step, ref: TaskRef, output: JsonValue, detail: string): void {
	if (ref.item === null) nodeSucceeded(step, ref.node, output, `${ref.node} succeeded: ${detail}`);
	else itemSucceeded(step, { node: ref.node, item: ref.item }, output, startTask);
}

function taskFailed(step: Step, ref: TaskRef, error: ErrorInfo): void {
	abandonOpenWork(step, ref, error);
	if (ref.item === null) nodeFailed(step, ref.node, error);
	else itemFailed(step, { node: ref.node, item: ref.item }, error);
}

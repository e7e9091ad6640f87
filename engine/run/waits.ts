/**
 * A task that waits on the outside (docs/ARCHITECTURE.md#waiting-on-the-outside): an async
 * call's callback, later a person's answer or a child run's end. The mechanism is the same for
 * every kind, only what the answer means differs:
 *
 *   1. `waitOnOutside`: the task is WAITING with `waitingOn` saying what for. A run whose open
 *      tasks all wait is WAITING and gives its tenant slot back (the host's admission rules).
 *   2. Optionally `setWaitTimeout`: a `wait_timeout` timer; the run's alarm fires it.
 *   3. The answer arrives as an engine event through the run's one signal door; its kind's
 *      code records it on the task (history `signal_received`), then calls `waitIsOver`.
 *   4. `waitIsOver` sets a `wait_over` timer due now. A due timer of a run without a slot makes
 *      the host ask its tenant for one, exactly as a DELAY ending does, so an answer never lets a
 *      run work past the tenant's limit. When it fires, the kind's code finishes the task.
 *
 * Recording the answer (3) and acting on it (4) are two transitions: the answer is committed
 * (and the sender told so) even while the tenant has no slot free.
 */
import type { OutsideWait, TaskRef } from "./state";
import type { Step } from "./step";
import { waitOverKey, waitTimeoutKey } from "./timers";

/** The task waits on `wait`: WAITING, holding nothing. */
export function waitOnOutside(step: Step, ref: TaskRef, wait: OutsideWait): void {
	const task = step.task(ref);
	task.waitingOn = wait;
	task.status = "WAITING";
	step.touchTask(ref);
}

/** The waiting task gives up at `at` (its kind decides what that means). */
export function setWaitTimeout(step: Step, ref: TaskRef, at: number): void {
	step.setTimer(waitTimeoutKey(ref), { kind: "wait_timeout", node: ref.node, item: ref.item, at });
}

/** The answer is in: the task finishes as soon as the run holds a slot (a timer due now). */
export function waitIsOver(step: Step, ref: TaskRef): void {
	step.clearTimer(waitTimeoutKey(ref));
	step.setTimer(waitOverKey(ref), {
		kind: "wait_over",
		node: ref.node,
		item: ref.item,
		at: step.now,
	});
}

/** The task stops waiting (finished, timed out or cancelled): its wait and timers go. */
export function endWait(step: Step, ref: TaskRef): void {
	const task = step.task(ref);
	step.clearTimer(waitOverKey(ref));
	step.clearTimer(waitTimeoutKey(ref));
	if (task.waitingOn) {
		task.waitingOn = null;
		step.touchTask(ref);
	}
}

/**
 * Which code finishes each kind of outside wait (waits.ts has the mechanism). A new kind — a
 * child run's end — adds its case to OutsideWait (state.ts), its engine event
 * (events.ts) and one case in each switch here.
 */

import { onInputTimeout, onInputWaitOver } from "./input";
import type { TaskRef, TaskRun, Timer } from "./state";
import { itemKey } from "./state";
import type { Step } from "./step";
import { onCallbackTimeout, onCallbackWaitOver, onChildTimeout, onChildWaitOver } from "./tasks";

type WaitTimer = Extract<Timer, { kind: "wait_over" | "wait_timeout" }>;

export function onWaitTimer(step: Step, timer: WaitTimer): void {
	const ref: TaskRef = { node: timer.node, item: timer.item };
	const task: TaskRun | undefined =
		ref.item === null ? step.state.nodes[ref.node] : step.state.items[itemKey(ref.node, ref.item)];
	const wait = task?.waitingOn;
	// The task ended meanwhile (a cancel, a failed forEach sibling): its timers went with it.
	if (!task || task.status === "COMPLETED" || !wait) return;
	switch (wait.kind) {
		case "callback":
			if (timer.kind === "wait_over") onCallbackWaitOver(step, ref);
			else onCallbackTimeout(step, ref);
			return;
		case "input":
			if (timer.kind === "wait_over") onInputWaitOver(step, ref);
			else onInputTimeout(step, ref);
			return;
		case "child":
			if (timer.kind === "wait_over") onChildWaitOver(step, ref);
			else onChildTimeout(step, ref);
			return;
		default: {
			const unknown: never = wait;
			throw new Error(`unknown wait ${JSON.stringify(unknown)}`);
		}
	}
}

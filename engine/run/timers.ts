/**
 * The run's timers table. Keys are derived from what the timer is for, so setting the
 * same timer twice overwrites it and a due timer is deleted before it is acted on: firing
 * `timer_due` twice at the same instant finds nothing the second time.
 */
import type { RunState, TaskRef, Timer, TimerPurpose } from "./state";
import { taskKey } from "./state";

export function timerKey(purpose: TimerPurpose): string {
	switch (purpose.kind) {
		case "start_delay":
		case "delay":
			return `${purpose.kind}:${purpose.node}`;
		case "retry":
		case "attempt_timeout":
		case "wait_over":
		case "wait_timeout":
			return `${purpose.kind}:${taskKey(purpose)}`;
		case "workflow_timeout":
			return "workflow_timeout";
		default: {
			const _exhaustive: never = purpose;
			return _exhaustive;
		}
	}
}

export function retryTimerKey(ref: TaskRef): string {
	return `retry:${taskKey(ref)}`;
}

export function attemptTimeoutKey(ref: TaskRef): string {
	return `attempt_timeout:${taskKey(ref)}`;
}

export function waitOverKey(ref: TaskRef): string {
	return `wait_over:${taskKey(ref)}`;
}

export function waitTimeoutKey(ref: TaskRef): string {
	return `wait_timeout:${taskKey(ref)}`;
}

/** Due timers, earliest first (ties by key, so the order never depends on storage order). */
export function dueTimers(state: RunState, now: number): Array<[string, Timer]> {
	return Object.entries(state.timers)
		.filter(([, timer]) => timer.at <= now)
		.sort(([ka, a], [kb, b]) => a.at - b.at || (ka < kb ? -1 : ka > kb ? 1 : 0));
}

/** Earliest pending timer. O(timers), and timers are bounded by the work in flight. */
export function nextWake(state: RunState): number | null {
	let earliest: number | null = null;
	for (const timer of Object.values(state.timers)) {
		if (earliest === null || timer.at < earliest) earliest = timer.at;
	}
	return earliest;
}

/** The history line written when a timer fires, before its effect is applied. */
export function timerFiredDetail(timer: Timer, lateByMs: number): string {
	const late = lateByMs > 0 ? ` (fired ${lateByMs}ms after it was due)` : "";
	switch (timer.kind) {
		case "start_delay":
			return `startDelay of ${timer.node} is over${late}`;
		case "delay":
			return `delay of ${timer.node} is over${late}`;
		case "retry":
			return `backoff over: attempt ${timer.attempt} of ${taskKey(timer)} starts${late}`;
		case "attempt_timeout":
			return `attempt ${timer.attempt} of ${taskKey(timer)} reached its timeout${late}`;
		case "workflow_timeout":
			return `the workflow timeout was reached${late}`;
		case "wait_over":
			return `${taskKey(timer)} goes on: the answer it waited for is in${late}`;
		case "wait_timeout":
			return `${taskKey(timer)} stopped waiting: its timeout was reached${late}`;
		default: {
			const _exhaustive: never = timer;
			return _exhaustive;
		}
	}
}

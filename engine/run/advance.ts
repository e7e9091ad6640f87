/**
 * advance(plan, state, event, env) → Transition: the engine's only entry point for events.
 * Handles the event, then drains the work queue so every step that is ready runs now; only
 * real waits (timers) and outgoing calls (effects) are left for later.
 */
import { MAX_RUN_STORED_BYTES } from "./bounds";
import { onDelayDue } from "./decisions";
import { beginWork, startNode } from "./dispatch";
import type { AdvanceEnv, RunEvent, Transition } from "./events";
import { nodeSkipped } from "./flow";
import { checkInputResponse, receiveInputResponse } from "./input";
import {
	cancelRun,
	failRun,
	newRunState,
	runTooLarge,
	startRun,
	succeedRun,
	workflowTimedOut,
} from "./lifecycle";
import { onWaitTimer } from "./outside";
import type { Plan } from "./plan";
import { isTerminal, type RunState, type Timer } from "./state";
import { Step } from "./step";
import {
	onAttemptResult,
	onAttemptTimeout,
	onCallback,
	onChildAnswer,
	onChildEnded,
	onRetryDue,
} from "./tasks";
import { dueTimers, nextWake, timerFiredDetail } from "./timers";

export function advance(
	plan: Plan,
	state: RunState | null,
	event: RunEvent,
	env: AdvanceEnv,
): Transition {
	if (event.type === "start") {
		if (state !== null) return ignored(state, "the run has already started");
		const step = new Step(plan, newRunState(plan, event, env), env);
		startRun(step, event);
		return finish(step);
	}
	if (state === null) throw new Error(`advance: a ${event.type} event needs the run's state`);
	// Exactly one terminal transition: after it, every event (a cancel racing an alarm, a
	// late response) is a no-op that writes nothing, not even history.
	if (isTerminal(state)) return ignored(state, `the run already ended (${state.header.result})`);
	const step = new Step(plan, state, env);
	// A cancel still ends it as cancelled; anything else that would grow it ends it instead.
	if (event.type !== "cancel" && (env.storedBytes ?? 0) > MAX_RUN_STORED_BYTES) {
		runTooLarge(step, env.storedBytes ?? 0);
		return finish(step);
	}
	switch (event.type) {
		case "attempt_result":
			onAttemptResult(step, event);
			break;
		case "timer_due": {
			const due = dueTimers(state, env.now);
			if (due.length === 0) return ignored(state, "no timer is due");
			for (const [key, timer] of due) {
				if (isTerminal(state)) break;
				// Deleted before acting, so a second timer_due for the same instant finds nothing.
				step.clearTimer(key);
				const ref =
					"node" in timer ? { node: timer.node, item: "item" in timer ? timer.item : null } : {};
				step.note("timer_fired", timerFiredDetail(timer, env.now - timer.at), ref);
				fireTimer(step, timer, event.callsInFlight);
				drain(step);
			}
			break;
		}
		case "cancel":
			cancelRun(step, event);
			break;
		case "child_answer":
			onChildAnswer(step, event);
			break;
		case "child_ended":
			onChildEnded(step, event);
			// Checked by the host first; a repeat, or an end nobody waits for, changes nothing.
			if (!step.changedAnything()) return ignored(state, "the child's end was not taken");
			break;
		case "callback":
			onCallback(step, event);
			// Checked by the host first; one that finds nothing to take changes nothing.
			if (!step.changedAnything()) return ignored(state, "the callback was not taken");
			break;
		case "input_response":
			if (checkInputResponse(plan, state, event).kind !== "take")
				return ignored(state, "the response was not taken");
			receiveInputResponse(step, event);
			break;
		default: {
			const _exhaustive: never = event;
			return _exhaustive;
		}
	}
	return finish(step);
}

function fireTimer(step: Step, timer: Timer, callsInFlight: string[] | undefined): void {
	switch (timer.kind) {
		case "start_delay":
			beginWork(step, timer.node);
			return;
		case "delay":
			onDelayDue(step, timer.node, timer.at);
			return;
		case "retry":
			onRetryDue(step, timer);
			return;
		case "attempt_timeout":
			onAttemptTimeout(step, timer, callsInFlight);
			return;
		case "workflow_timeout":
			workflowTimedOut(step);
			return;
		case "wait_over":
		case "wait_timeout":
			onWaitTimer(step, timer);
			return;
		default: {
			const _exhaustive: never = timer;
			return;
		}
	}
}

function drain(step: Step): void {
	while (step.queue.length > 0 && !isTerminal(step.state)) {
		const work = step.queue.shift();
		if (work === undefined) break;
		switch (work.kind) {
			case "start_node":
				startNode(step, work.node);
				break;
			case "skip_node":
				if (step.state.nodes[work.node]?.status === "PENDING")
					nodeSkipped(step, work.node, work.reason);
				break;
			case "fail_run":
				failRun(step, work.error);
				break;
			default: {
				const _exhaustive: never = work;
				return;
			}
		}
	}
}

function finish(step: Step): Transition {
	drain(step);
	const { state } = step;
	const header = state.header;
	const wasOpen = header.status !== "COMPLETED";
	if (wasOpen && header.remaining === 0) succeedRun(step);
	else if (wasOpen && header.active.length === 0) {
		// Cannot happen on a valid (acyclic) definition: every node is reached or skipped.
		failRun(step, {
			code: "stalled",
			message: `nothing left to run but ${header.remaining} nodes never finished`,
			node: null,
		});
	}
	if (header.status !== "COMPLETED") {
		const calling = header.active.some((id) => state.nodes[id]?.status === "IN_PROGRESS");
		const status = calling ? "IN_PROGRESS" : "WAITING";
		if (header.status !== status) {
			header.status = status;
			step.touchHeader();
		}
	}
	header.version += 1;
	step.touchHeader();
	return {
		state,
		effects: step.effects,
		history: step.history,
		changes: step.changes(),
		wakeAt: nextWake(state),
		ended: header.status === "COMPLETED",
		ignored: null,
	};
}

function ignored(state: RunState, why: string): Transition {
	return {
		state,
		effects: [],
		history: [],
		changes: { header: false, nodes: [], items: [], connections: [], timers: [] },
		wakeAt: nextWake(state),
		ended: false,
		ignored: why,
	};
}

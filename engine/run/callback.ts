/**
 * Async WEBHOOK calls (`synchronized: false`): the request carries a callback URL, and the
 * attempt ends when the receiver calls it back, not when it answers the request
 * (docs/ARCHITECTURE.md#waiting-on-the-outside). The callback is armed before the request goes
 * out, in the same commit as "attempt N started", because a quick receiver may call back before
 * its answer to the request arrives.
 *
 * A callback is matched by the hash of its token against the attempts of every task. What it
 * finds decides the answer (`checkCallback`): the open attempt takes it; a repeat for an attempt
 * that already has one changes nothing; anything else is refused.
 */
import { hashToken } from "../crypto/token";
import type { CallbackEvent } from "./events";
import type { JsonObject, JsonValue } from "./json";
import { Masker } from "./masking";
import { type Plan, plannedNode } from "./plan";
import { formatMs } from "./retry";
import {
	type AttemptRecord,
	type ErrorInfo,
	type ReceivedCallback,
	type RunState,
	type TaskRef,
	type TaskRun,
	taskKey,
} from "./state";
import type { Step } from "./step";
import { attemptTimeoutKey } from "./timers";
import { type AttemptVerdict, failAttempt, INTERRUPTED, retryOrFail, succeeded } from "./verdicts";
import { endWait, setWaitTimeout, waitIsOver, waitOnOutside } from "./waits";

/** The header the request carries the callback URL in (also `{{ .callback.url }}`). */
export const CALLBACK_URL_HEADER = "Stepline-Callback-Url";

export type ArmedCallback =
	| { kind: "armed"; url: string; tokenHash: string; masker: Masker }
	| { kind: "failed"; error: ErrorInfo };

/** A fresh callback URL for one attempt; the token's hash is what the run keeps. */
export function mintCallback(step: Step): ArmedCallback {
	const mint = step.env.callbacks;
	if (mint === undefined) {
		return {
			kind: "failed",
			error: {
				code: "callback_unavailable",
				message:
					"this Stepline has no public URL to receive callbacks on (set PUBLIC_URL), so a WEBHOOK with synchronized: false cannot run",
			},
		};
	}
	const { url, token } = mint.mint();
	// The token is a credential: the attempt's record (readable by anyone who sees the run) never
	// holds it, wherever the author's templates put the URL.
	return { kind: "armed", url, tokenHash: hashToken(token), masker: new Masker([token]) };
}

/** Marks the attempt as waiting for its callback; called as the attempt starts. */
export function armCallback(step: Step, ref: TaskRef, record: AttemptRecord, tokenHash: string) {
	record.callback = { tokenHash, receivedAt: null };
	step.task(ref).waitingOn = {
		kind: "callback",
		attempt: record.number,
		since: step.now,
		received: null,
	};
}

/** What a callback finds in the run. */
export type CallbackCheck =
	| { kind: "take"; ref: TaskRef; matched: number }
	/** The attempt already had its callback: nothing changes, the sender is told it is done. */
	| { kind: "repeat" }
	| { kind: "refuse"; reason: "unknown" | "closed" | "unsigned"; message: string };

/**
 * Pure: what the run does with this callback. The host answers from it before advancing, and
 * `advance` checks again, so a callback is taken at most once however often it is delivered.
 */
export function checkCallback(plan: Plan, state: RunState, event: CallbackEvent): CallbackCheck {
	const found = findAttempt(state, event.tokenHash);
	if (found === null) {
		return {
			kind: "refuse",
			reason: "unknown",
			message: "no call of this run has this callback URL",
		};
	}
	const { ref, task, record } = found;
	const name = `${taskKey(ref)} attempt ${record.number}`;
	if (record.callback?.receivedAt != null) return { kind: "repeat" };
	if (state.header.status === "COMPLETED") {
		return {
			kind: "refuse",
			reason: "closed",
			message: `the run already ended (${state.header.result})`,
		};
	}
	if (task.status === "COMPLETED") {
		return {
			kind: "refuse",
			reason: "closed",
			message: `${taskKey(ref)} already ended (${task.result})`,
		};
	}
	const wait = task.waitingOn;
	// An interrupted attempt was sent again as the next one: the same call, so its callback counts.
	const current =
		wait?.kind === "callback" &&
		(wait.attempt === record.number ||
			(record.error?.code === INTERRUPTED && record.number < wait.attempt));
	if (!current || wait?.kind !== "callback" || wait.received !== null) {
		return {
			kind: "refuse",
			reason: "closed",
			message: `${name} is over; no callback is awaited for it`,
		};
	}
	const signature = asyncConfigOf(plan, ref.node)?.signature;
	if (signature !== undefined && event.signature !== "valid") {
		return {
			kind: "refuse",
			reason: "unsigned",
			message: `${ref.node} takes only callbacks signed (Standard Webhooks) with the tenant secret ${signature.secret}`,
		};
	}
	return { kind: "take", ref, matched: record.number };
}

/** The node's callback settings, when it is an async WEBHOOK. */
export function asyncConfigOf(
	plan: Plan,
	node: string,
): { signature?: { type: "STANDARD_WEBHOOKS"; secret: string } } | null {
	const config = plan.nodes.get(node)?.node.config;
	if (config?.type !== "WEBHOOK" || config.synchronized) return null;
	return config.callback ?? {};
}

/** The secret a callback must be signed with, if its node asks for one (the host verifies). */
export function callbackSecretFor(plan: Plan, state: RunState, tokenHash: string): string | null {
	const found = findAttempt(state, tokenHash);
	if (found === null) return null;
	return asyncConfigOf(plan, found.ref.node)?.signature?.secret ?? null;
}

/** Records a callback `checkCallback` said to take. */
export function receiveCallback(step: Step, event: CallbackEvent, ref: TaskRef, matched: number) {
	const task = step.task(ref);
	const wait = task.waitingOn;
	if (wait?.kind !== "callback") return;
	const record = task.attempts.find((a) => a.number === matched);
	if (record?.callback) record.callback.receivedAt = step.now;
	const received = readCallbackBody(step.masker.json(event.body), step.now);
	wait.received = received;
	step.touchTask(ref);
	const via = matched === wait.attempt ? "" : ` (sent to attempt ${matched}, cut off by a restart)`;
	step.note(
		"signal_received",
		`the callback for attempt ${wait.attempt} arrived${via}: ${received.status}`,
		ref,
	);
	// While its request is still in flight the attempt ends with the request's answer.
	if (task.status === "WAITING") waitIsOver(step, ref);
}

/**
 * `{ "status": "SUCCESS" | "FAILED", "output": … }` says how the job ended; any other body is
 * the output of a job that succeeded.
 */
export function readCallbackBody(body: JsonValue, at: number): ReceivedCallback {
	if (body !== null && typeof body === "object" && !Array.isArray(body)) {
		const { status } = body;
		const keys = Object.keys(body);
		const shaped =
			(status === "SUCCESS" || status === "FAILED") &&
			keys.every((k) => k === "status" || k === "output");
		if (shaped) return { at, status, output: (body as JsonObject).output ?? null, body };
	}
	return { at, status: "SUCCESS", output: body, body };
}

/**
 * The request of an async attempt answered 2xx and no callback came yet: the attempt waits,
 * up to the node's `timeout` counted from the attempt's start.
 */
export function awaitCallback(step: Step, ref: TaskRef, record: AttemptRecord): AttemptVerdict {
	const task = step.task(ref);
	const wait = task.waitingOn;
	if (wait?.kind !== "callback") throw new Error(`${taskKey(ref)} arms no callback`);
	step.clearTimer(attemptTimeoutKey(ref));
	waitOnOutside(step, ref, wait);
	const limit = plannedNode(step.plan, ref.node).callbackTimeoutMs;
	const until = limit === null ? null : record.startedAt + limit;
	const call = `${record.request.method} ${record.request.url}`;
	if (until !== null && until <= step.now) return callbackTimedOut(step, ref);
	if (until !== null) setWaitTimeout(step, ref, until);
	const bound =
		until === null
			? "no timeout: until the run's own timeout or a cancel"
			: `until ${new Date(until).toISOString()} (in ${formatMs(until - step.now)})`;
	step.note(
		"node_waiting",
		`${call} answered ${record.responseStatus}; waiting for its callback, ${bound}`,
		ref,
	);
	return { kind: "waiting" };
}

/** The callback is in (and the run holds a slot): the attempt ends by what it said. */
export function concludeCallback(step: Step, ref: TaskRef): AttemptVerdict | null {
	const task = step.task(ref);
	const wait = task.waitingOn;
	if (task.status === "COMPLETED" || wait?.kind !== "callback" || wait.received === null)
		return null;
	const record = currentAttempt(task);
	const received = wait.received;
	record.endedAt = step.now;
	step.clearTimer(attemptTimeoutKey(ref));
	endWait(step, ref);
	step.touchTask(ref);
	const took = formatMs(received.at - record.startedAt);
	if (received.status === "FAILED") {
		// The job itself says it failed: not a transport failure, so it is not retried.
		const why = JSON.stringify(received.output);
		return failAttempt(
			step,
			ref,
			record,
			"callback_failed",
			`the callback reported FAILED after ${took}${received.output === null ? "" : `: ${why.length > 500 ? `${why.slice(0, 500)}…` : why}`}`,
		);
	}
	step.log(ref, "info", `the callback arrived after ${took}: SUCCESS`);
	step.note(
		"attempt_succeeded",
		`the callback for attempt ${record.number} arrived after ${took}`,
		ref,
	);
	const response = { status: record.responseStatus, headers: {}, data: received.body };
	return succeeded(step, ref, response, received.output, "the callback's output");
}

/** The attempt's `timeout` passed without a callback: retried or failed like a timed-out call. */
export function callbackTimedOut(step: Step, ref: TaskRef): AttemptVerdict {
	const task = step.task(ref);
	const record = currentAttempt(task);
	record.endedAt = step.now;
	endWait(step, ref);
	step.touchTask(ref);
	const limit = plannedNode(step.plan, ref.node).callbackTimeoutMs ?? 0;
	const call = `${record.request.method} ${record.request.url} (callback)`;
	return retryOrFail(step, ref, record, { kind: "timeout", timeoutMs: limit }, "timeout", call);
}

function currentAttempt(task: TaskRun): AttemptRecord {
	const record = task.attempts[task.attempts.length - 1];
	if (record === undefined) throw new Error("a callback wait without an attempt");
	return record;
}

function findAttempt(
	state: RunState,
	tokenHash: string,
): { ref: TaskRef; task: TaskRun; record: AttemptRecord } | null {
	for (const task of Object.values(state.nodes)) {
		const record = task.attempts.find((a) => a.callback?.tokenHash === tokenHash);
		if (record) return { ref: { node: task.node, item: null }, task, record };
	}
	for (const task of Object.values(state.items)) {
		const record = task.attempts.find((a) => a.callback?.tokenHash === tokenHash);
		if (record) return { ref: { node: task.node, item: task.index }, task, record };
	}
	return null;
}

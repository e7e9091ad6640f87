/**
 * What goes into `advance` (events, environment) and what comes out (effects, history,
 * changes). Later waits on the outside world (INPUT responses, async webhook callbacks,
 * child runs) add cases to RunEvent / Effect / TimerPurpose; nothing here is reshaped.
 */
import type { ValueSealer } from "../crypto/sealed";
import type { RawHttpResponse } from "./http-response";
import type { JsonObject, JsonValue } from "./json";
import type { RandomSource } from "./retry";
import type { ErrorInfo, RunState } from "./state";

export interface StartEvent {
	type: "start";
	runId: string;
	workflow: { identifier: string; version: number };
	/** User id (or "schedule", "webhook:<id>", …) that started the run. */
	initiator: string;
	/** Already validated against the trigger's userInputs. */
	inputs: JsonObject;
	/** The trigger node that fired; default: the first SELF_SERVE_TRIGGER, else the first trigger. */
	trigger?: string;
	/** Set when this run retries an earlier one (same pinned version, same inputs). */
	reuse?: RunReuse;
}

/** One node's result in the run being retried. */
export interface PreviousNodeResult {
	result: "SUCCESS" | "FAILED" | "CANCELLED" | "SKIPPED";
	output: JsonValue;
	/** The option a CONDITION took (null = none matched); read from `output.option` when absent. */
	option?: string | null;
}

/** What a retry takes over from the earlier run; `planRetry` (plan-retry.ts) builds it. */
export interface RunReuse {
	/** Nodes to run again: the restart node(s) and every node downstream of them. */
	rerun: string[];
	/** The earlier run's node results for nodes NOT in `rerun`, by node id. */
	previous: Record<string, PreviousNodeResult>;
	/** The earlier run's id, for history wording. */
	retryOf: string;
}

/**
 * How one outgoing call ended, as seen by the shell. `interrupted` is the engine's own: at an
 * attempt's timeout the shell said the call was not in flight (its object restarted mid-call),
 * so no answer can come and none was timed out.
 */
export type AttemptOutcome =
	| { kind: "response"; response: RawHttpResponse }
	| { kind: "network_error"; code: string; message: string }
	| { kind: "timeout" }
	| { kind: "interrupted" };

export interface AttemptResultEvent {
	type: "attempt_result";
	node: string;
	/** forEach item index, null for a node without forEach. */
	item: number | null;
	/** The `attempt` of the http_request effect this answers; stale numbers are ignored. */
	attempt: number;
	outcome: AttemptOutcome;
}

/** "Look at your timers and act on whatever is due at `now`." Safe to send any time, twice. */
export interface TimerDueEvent {
	type: "timer_due";
	/**
	 * The calls the shell still has running (`callKey`). An attempt whose timeout is due but
	 * whose call is not among them was lost with an earlier instance of the object: it is sent
	 * again instead of being counted as timed out. Left out, every due attempt is a timeout.
	 */
	callsInFlight?: string[];
}

/** How the shell names one call it performs (an http_request effect) in `callsInFlight`. */
export const callKey = (node: string, item: number | null, attempt: number): string =>
	`${node}:${item ?? ""}:${attempt}`;

export interface CancelEvent {
	type: "cancel";
	by: string | null;
	reason: string | null;
}

/** What came of a RUN_WORKFLOW attempt's `start_child`: the child's id, or why it cannot start. */
export type ChildAnswer =
	| { kind: "started"; runId: string }
	| { kind: "refused"; error: ErrorInfo };

/** The host's answer to a `start_child` effect (docs/ARCHITECTURE.md#child-runs). */
export interface ChildAnswerEvent {
	type: "child_answer";
	node: string;
	item: number | null;
	/** The `attempt` of the start_child effect this answers; stale numbers are ignored. */
	attempt: number;
	answer: ChildAnswer;
}

/**
 * The outside called back an async WEBHOOK attempt (docs/ARCHITECTURE.md#waiting-on-the-outside).
 * The shell hashed the token from the URL and, when the node asks for one, checked the
 * signature; `checkCallback` (callback.ts) says first whether the run takes it.
 */
export interface CallbackEvent {
	type: "callback";
	tokenHash: string;
	/** The callback's body: `{ status, output }`, or anything, taken as the output. */
	body: JsonValue;
	/** The Standard Webhooks signature checked against the node's secret: null = not asked for. */
	signature: "valid" | "invalid" | null;
}

/**
 * A person answers an INPUT node (docs/ARCHITECTURE.md#waiting-on-the-outside). The host
 * validated `inputs` against the node's form; `checkInputResponse` (input.ts) says whether the
 * run takes it: who may answer, one answer per person, the outlet, the request still open.
 */
export interface InputResponseEvent {
	type: "input_response";
	node: string;
	/** The responder's user id and role, from their token. */
	by: string;
	role: "admin" | "member" | "viewer";
	outlet: string;
	inputs: JsonObject;
	comment: string | null;
	/** Idempotency-Key: a response sent again with it is a repeat, not a second answer. */
	key: string | null;
}

/**
 * A RUN_WORKFLOW attempt's child run ended (docs/ARCHITECTURE.md#child-runs): the child's own
 * outbox tells its parent, at least once; a repeat, or one for an attempt that is over, changes
 * nothing.
 */
export interface ChildEndedEvent {
	type: "child_ended";
	node: string;
	item: number | null;
	attempt: number;
	runId: string;
	result: "SUCCESS" | "FAILED" | "CANCELLED";
	outputs: JsonValue;
	error: ErrorInfo | null;
}

export type RunEvent =
	| StartEvent
	| AttemptResultEvent
	| TimerDueEvent
	| CancelEvent
	| ChildAnswerEvent
	| ChildEndedEvent
	| CallbackEvent
	| InputResponseEvent;

export interface OutgoingRequest {
	url: string;
	method: string;
	/** Exactly what to send, unmasked, including Idempotency-Key and Content-Type. */
	headers: Record<string, string>;
	body: string | null;
}

export interface HttpRequestEffect {
	kind: "http_request";
	node: string;
	item: number | null;
	attempt: number;
	request: OutgoingRequest;
	/** Abort the call after this long and report `{ kind: "timeout" }`. */
	timeoutMs: number;
	/** `<runId>:<node>[:<item>]`, the same for every attempt; also in request.headers. */
	idempotencyKey: string;
	/**
	 * Sign before sending (Standard Webhooks): add `webhook-signature` over
	 * `<id>.<timestamp>.<body>` with this secret. request.headers already carry webhook-id and
	 * webhook-timestamp. The secret lives in this effect only, never in the state.
	 */
	signature?: { secret: string; id: string; timestamp: number };
}

/** The engine stopped caring about an in-flight call (cancel, run failure, timeout). */
export interface AbandonRequestEffect {
	kind: "abandon_request";
	node: string;
	item: number | null;
	attempt: number;
}

/**
 * Start a child run of `workflow` for a RUN_WORKFLOW attempt, as this run's initiator, and
 * answer with `child_answer`. Sent at least once: the child's id is derived from (run, node,
 * item, attempt), so a repeat finds the same child.
 */
export interface StartChildEffect {
	kind: "start_child";
	node: string;
	item: number | null;
	attempt: number;
	workflow: string;
	/** Pinned; null = the latest when the child starts. */
	version: number | null;
	/** Rendered, not yet checked against the child trigger's userInputs. */
	inputs: JsonObject;
	/** `wait: true`: the child tells this run when it ends (`child_ended`). */
	wait: boolean;
}

/**
 * Cancel a child run this run no longer waits for (the parent was cancelled, the attempt timed
 * out, a forEach sibling failed the node). Sent at least once; cancelling a run that ended
 * changes nothing.
 */
export interface CancelChildEffect {
	kind: "cancel_child";
	runId: string;
	reason: string;
}

export type Effect =
	| HttpRequestEffect
	| AbandonRequestEffect
	| StartChildEffect
	| CancelChildEffect;

export type HistoryType =
	| "run_started"
	| "run_succeeded"
	| "run_failed"
	| "run_cancelled"
	| "node_started"
	| "node_waiting"
	| "node_succeeded"
	/** Retry: the node took the earlier run's output instead of running (see reuse.ts). */
	| "node_reused"
	| "node_failed"
	| "node_skipped"
	| "node_cancelled"
	/** A forEach node's list was worked out: how many items, how many at a time. */
	| "foreach_started"
	| "connection_taken"
	| "connection_not_taken"
	| "condition_evaluated"
	| "attempt_started"
	| "attempt_succeeded"
	| "attempt_failed"
	| "retry_scheduled"
	/** The outside answered a waiting task (a callback arrived). */
	| "signal_received"
	| "timer_fired"
	| "event_ignored";

export interface HistoryEvent {
	/** 1-based, gapless per run. */
	seq: number;
	time: number;
	type: HistoryType;
	node: string | null;
	item: number | null;
	/** One sentence for people: what happened and why. */
	detail: string;
}

/** Keys of what changed; for each key: present in the state → upsert the row, absent → delete it. */
export interface StateChanges {
	header: boolean;
	nodes: string[];
	items: string[];
	connections: string[];
	timers: string[];
}

export interface Transition {
	/** The same object that was passed in, updated in place (or a new one for `start`). */
	state: RunState;
	effects: Effect[];
	/** New history events only, in seq order. */
	history: HistoryEvent[];
	changes: StateChanges;
	/** Earliest pending timer, null when none: set the alarm there (at least now + 1 ms). */
	wakeAt: number | null;
	/** True on the one transition that ended the run. */
	ended: boolean;
	/** Set when the event changed nothing (no history, no changes); says why. */
	ignored: string | null;
}

/** Everything the engine may not call itself. */
export interface AdvanceEnv {
	now: number;
	/** [0, 1); Math.random in production, scripted in tests. Used for retry jitter only. */
	random: RandomSource;
	/** Allow loopback targets (ALLOW_LOOPBACK_TARGETS, local development only). */
	allowLoopbackTargets?: boolean;
	/**
	 * The tenant secrets of `plan.secretNames`, read from the store for this step (so every
	 * attempt sends the value stored at that moment); absent when the plan names none. The
	 * engine sends them and masks them; it never stores them (docs/ARCHITECTURE.md#secrets).
	 */
	secrets?: SecretValues;
	/**
	 * The tenant's default signing secret, by name, as pinned when the run started: every
	 * WEBHOOK call without a `signature` of its own is signed with it (its value must then be in
	 * `secrets`).
	 */
	signingSecret?: string;
	/**
	 * Seals and opens the values the run keeps encrypted (secret inputs, `maskOutput` outputs;
	 * sealing.ts), bound to the run's tenant. Required when the run has either.
	 */
	sealer?: ValueSealer;
	/**
	 * Mints the callback URL an async WEBHOOK attempt sends; absent, such a node fails with
	 * `callback_unavailable`. `token` is random: the run keeps only its hash (engine/crypto/token.ts).
	 */
	callbacks?: CallbackMint;
	/**
	 * What the run has stored so far, as the host counts it (characters of JSON); past
	 * MAX_RUN_STORED_BYTES the next event fails the run with `run_too_large` instead.
	 */
	storedBytes?: number;
}

export interface CallbackMint {
	mint(): { url: string; token: string };
}

export interface SecretValues {
	/** Plaintext by name; a name of the plan that is not stored is absent. */
	values: ReadonlyMap<string, string>;
	/** Names stored but impossible to decrypt here, with why (their master key left the ring). */
	unreadable?: ReadonlyMap<string, string>;
}

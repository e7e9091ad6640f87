import type { ErrorInfo, JsonObject, JsonValue, RunResult } from "../run";

/**
 * What reaches a run from outside its own alarm and calls (docs/ARCHITECTURE.md#a-signal).
 * Every signal enters through one door, `RunObject.signal`, and takes the host's one loop:
 * decide → persist → carry out the commands. A new way for a run to wait on the outside (an
 * input answered, a callback, a child run ended) is a new kind here and its case in decide.ts.
 */
export type RunSignal =
	/** The tenant freed a slot for this queued or waiting run. Delivered at least once. */
	| { kind: "slot_granted" }
	/** Someone cancels the run. */
	| { kind: "cancel"; by: string | null; reason: string | null }
	/** The sweeper found the run's index entry overdue: act on what is due, rewrite the entry. */
	| { kind: "poke" }
	/** An async WEBHOOK attempt's callback (docs/ARCHITECTURE.md#waiting-on-the-outside). */
	| CallbackSignal
	/** A person's response to an INPUT node. */
	| InputResponseSignal
	/** A child run this run started ended (docs/ARCHITECTURE.md#child-runs). */
	| ChildEndedSignal;

export interface InputResponseSignal {
	kind: "input_response";
	node: string;
	/** The responder: their user id and role, from their credential. */
	by: string;
	role: "admin" | "member" | "viewer";
	outlet: string;
	/** As sent; the host checks them against the node's form (defaults applied) before deciding. */
	inputs: JsonObject;
	comment: string | null;
	/** The request's Idempotency-Key: sent again with it, the response is a repeat. */
	key: string | null;
	/**
	 * Sent through an answer link (docs/ARCHITECTURE.md#response-tokens): the SHA-256 of its token.
	 * The run takes it only while the link is open, and only for the node and person it names.
	 */
	link?: string;
}

/**
 * Sent by a child run's outbox when it ends, to the RUN_WORKFLOW attempt that started it (and
 * waits for it). At least once: a repeat is answered `repeat` and changes nothing.
 */
export interface ChildEndedSignal {
	kind: "child_ended";
	node: string;
	item: number | null;
	attempt: number;
	runId: string;
	result: "SUCCESS" | "FAILED" | "CANCELLED";
	outputs: JsonValue;
	error: ErrorInfo | null;
}

export interface CallbackSignal {
	kind: "callback";
	/** SHA-256 of the token in the callback URL (engine/crypto/token.ts): the run never sees the token. */
	tokenHash: string;
	/** The callback's body, parsed. */
	body: JsonValue;
	/**
	 * The delivery's Standard Webhooks headers and raw body when it carries a signature; the host
	 * checks them against the node's secret, if the node asks for one, before deciding.
	 */
	signed: { headers: Record<string, string>; payload: string } | null;
	/** Filled in by the host: the signature checked against the node's secret (null: not asked). */
	signature?: "valid" | "invalid" | null;
}

/** What a run answers a signal. Every signal may be sent again: a repeat changes nothing. */
export type SignalAnswer =
	/** slot_granted, poke: acted on (or there was nothing left to do). */
	| { kind: "accepted" }
	/** cancel: the run is cancelled now. */
	| { kind: "cancelled" }
	/** cancel: the run had already ended, with this result. */
	| { kind: "already_finished"; result: RunResult | null }
	/** Any signal: no such run (its creation never finished: the object died before storing it). */
	| { kind: "no_such_run" }
	/** An answer from outside (a callback) that was already taken: nothing changed. */
	| { kind: "repeat" }
	/** An answer from outside the run does not take; `reason` says which HTTP answer fits. */
	| {
			kind: "refused";
			reason: RefusalReason;
			message: string;
			/** `invalid`: each field that fails the form (RFC 6901 pointer into the inputs). */
			errors?: Array<{ pointer: string; message: string }>;
	  };

/**
 * Why a run refuses an answer from outside: `unknown` (no such callback, link or input node:
 * 404), `closed` (what it answers is over, or not open yet: 409), `unsigned` (a signature the
 * node asks for is missing or wrong: 401), `forbidden` (this person may not answer: 403),
 * `invalid` (an unknown outlet, inputs that fail the form: 422).
 */
export type RefusalReason = "unknown" | "closed" | "unsigned" | "forbidden" | "invalid";

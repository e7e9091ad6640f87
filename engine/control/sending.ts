import type { ChildAnswer, ErrorInfo, JsonObject, StartChildEffect } from "../run";
import type { Notify } from "./notices";
import type { ChildEndedSignal } from "./signals";

/**
 * What a run sends at least once under a stable id, through its outbox
 * (docs/ARCHITECTURE.md#the-outbox): the message is stored in the same storage transaction as the
 * transition that decided it, sent after the commit, and sent again from the alarm until its
 * answer is in. The receiver makes a repeat harmless (the id names what it creates).
 */
export type OutboxMessage = StartErrorWorkflow | StartChild | TellParent | CancelChild | Notify;

/**
 * A RUN_WORKFLOW attempt asks for its child run (docs/ARCHITECTURE.md#child-runs). The child's id
 * is derived from (run, node, item, attempt), so a second send finds the child the first started.
 */
export interface StartChild {
	kind: "start_child";
	child: StartChildEffect;
}

/** The outbox id of a child start: one per task and attempt. */
export const childMessageId = (child: Pick<StartChildEffect, "node" | "item" | "attempt">) =>
	`child:${child.node}:${child.item ?? ""}:${child.attempt}`;

/**
 * A child run that its parent waits for ended: it tells the parent's attempt how (the parent's
 * `child_ended` signal). One per child run.
 */
export interface TellParent {
	kind: "tell_parent";
	parentRunId: string;
	ended: Omit<ChildEndedSignal, "kind">;
}

export const TELL_PARENT_MESSAGE_ID = "tell-parent";

/** A child run its parent no longer waits for is cancelled (a cancelled parent, a timeout). */
export interface CancelChild {
	kind: "cancel_child";
	runId: string;
	reason: string;
}

export const cancelChildMessageId = (runId: string) => `cancel-child:${runId}`;

/**
 * The run ended FAILED: start the error workflow (its definition's `errorWorkflow`, else the
 * tenant's default) with `{ failedRun }`. The error run's id is derived from the failed run's, so
 * a second send finds the run the first one started.
 */
export interface StartErrorWorkflow {
	kind: "start_error_workflow";
	/** The definition's `errorWorkflow`; null: the tenant's default, if it has one. */
	errorWorkflow: string | null;
	failedRun: FailedRun;
}

/** The error workflow's input, `failedRun`: what failed, where, and how to find it. */
export interface FailedRun {
	id: string;
	workflow: string;
	version: number;
	error: ErrorInfo | null;
	failedNode: string | null;
	inputs: JsonObject;
	initiator: string;
	startedAt: string | null;
	endedAt: string | null;
	/** The run in the API, relative to the Stepline it runs on. */
	url: string;
}

/** What came of a message: each kind's answer (the host's carrier says it). */
export type SendAnswer =
	/** The error run was started (or found: a repeated send). */
	| { kind: "error_run_started"; runId: string; workflow: string }
	/** Neither the definition nor the tenant names an error workflow. */
	| { kind: "no_error_workflow" }
	/** The error workflow could not start (deleted, no self-serve trigger, refuses the input). */
	| { kind: "error_run_refused"; workflow: string; reason: string }
	/** The child run started (or was found), or why it cannot start. */
	| { kind: "child"; answer: ChildAnswer }
	/**
	 * The other run took the message (tell_parent, cancel_child), or had nothing to change: it
	 * had heard it already, had ended, or does not exist. Nothing is left to do either way.
	 */
	| { kind: "delivered" }
	/** A notification's endpoint answered 2xx (any other answer is a failed send, retried). */
	| { kind: "notified"; status: number }
	/** A notification that cannot be sent at all (a refused URL, a missing secret): not retried. */
	| { kind: "not_notified"; reason: string };

/** A message on its way: sent, and sent again at `dueAt` unless its answer came first. */
export interface Sending {
	/** Stable within the run; the receiver's id for what it creates is derived from it. */
	id: string;
	message: OutboxMessage;
	dueAt: number;
	failures: number;
}

/**
 * How long a sent message waits for its answer before it is sent again: long enough for a start
 * to answer on a busy day, short enough that a message lost with its object goes out again soon.
 */
export const SEND_LEASE_MS = 30_000;
const MAX_SEND_RETRY_MS = 60_000;

/** After `failures` failed sends: 1 s, 2 s, 4 s … capped at a minute. */
export const sendRetryDelay = (failures: number): number =>
	Math.min(MAX_SEND_RETRY_MS, 1_000 * 2 ** Math.max(0, failures - 1));

/** A failed run's error-workflow message (none for an error run: its failure starts nothing). */
export const ERROR_WORKFLOW_MESSAGE_ID = "error-workflow";

/**
 * The run state: plain JSON, stored by the shell as rows (one header, one row per node run,
 * per forEach item run, per settled connection and per timer). Every field is data the run
 * view needs or the engine needs to continue after eviction; nothing is derived-only except
 * what `context.ts` rebuilds (the outputs map) on first use.
 */
import type { RunErrorCode } from "./errors";
import type { ResponseExcerpt } from "./http-response";
import type { JsonObject, JsonValue } from "./json";

export type RunStatus = "QUEUED" | "IN_PROGRESS" | "WAITING" | "COMPLETED";
export type RunResult = "SUCCESS" | "FAILED" | "CANCELLED";
export type NodeStatus = "PENDING" | "IN_PROGRESS" | "WAITING" | "COMPLETED";
export type NodeResult = "SUCCESS" | "FAILED" | "CANCELLED" | "SKIPPED";

export interface ErrorInfo {
	/** Stable, machine-readable (errors.ts). */
	code: RunErrorCode;
	message: string;
}

export interface LogEntry {
	level: "info" | "warn" | "error";
	message: string;
	time: number;
}

/** The request as sent, with secret-looking header values masked. */
export interface RecordedRequest {
	method: string;
	url: string;
	headers: Record<string, string>;
	body: JsonValue;
}

export interface AttemptRecord {
	/** 1-based. */
	number: number;
	startedAt: number;
	/** Null while the call is in flight. */
	endedAt: number | null;
	request: RecordedRequest;
	/** HTTP status when a response arrived. */
	responseStatus: number | null;
	/**
	 * The start of the answer, masked like every record (absent while in flight, on attempts
	 * with no answer, and on attempts stored before runs kept it).
	 */
	response?: ResponseExcerpt;
	/** Why this attempt failed (it may still have been retried). */
	error: ErrorInfo | null;
	/**
	 * RUN_WORKFLOW: the child run this attempt started (null until the start is answered) and,
	 * with `wait: true`, how it ended (which may arrive before the start's answer does).
	 */
	child?: { runId: string | null; ended?: ChildEnd };
	/**
	 * An async call's callback (WEBHOOK `synchronized: false`): the hash of the token in the
	 * callback URL it sent, and when the callback arrived. Kept on the attempt so a callback
	 * for an attempt that is over is recognised (repeat: no change; never answered: refused).
	 */
	callback?: { tokenHash: string; receivedAt: number | null };
}

/** What node runs and forEach item runs have in common: the unit that makes calls. */
export interface TaskRun {
	status: NodeStatus;
	/** Set exactly when status is COMPLETED. */
	result: NodeResult | null;
	startedAt: number | null;
	endedAt: number | null;
	attempts: AttemptRecord[];
	output: JsonValue;
	error: ErrorInfo | null;
	logs: LogEntry[];
	/** What the task waits on from outside the run, while it does (waits.ts). */
	waitingOn?: OutsideWait | null;
}

/**
 * What a task waits on from outside the run (docs/ARCHITECTURE.md#waiting-on-the-outside): the
 * run holds no slot meanwhile. When the answer is in, a `wait_over` timer due at once finishes
 * the task as soon as the run holds a slot again.
 */
export type OutsideWait = CallbackWait | InputWait | ChildWait;

/** An async WEBHOOK attempt waits for its callback (callback.ts). */
export interface CallbackWait {
	kind: "callback";
	attempt: number;
	since: number;
	/** Set when the callback arrived; the task finishes from it. */
	received: ReceivedCallback | null;
}

/**
 * An INPUT node waits for people (input.ts): its request is open from `since`, each response is
 * kept, and `decided` is set once enough agree (or a decisive outlet or the timeout decides).
 */
export interface InputWait {
	kind: "input";
	since: number;
	/** The node's title and description as rendered when the request opened (templates filled in). */
	title: string | null;
	description: string | null;
	/** When the request times out through `timeout.outlet`; null: it waits for the run's timeout. */
	dueAt: number | null;
	responses: InputResponse[];
	decided: InputDecision | null;
}

export interface InputResponse {
	/** The responder's user id (the token's subject). */
	by: string;
	at: number;
	outlet: string;
	inputs: JsonObject;
	comment: string | null;
	/** The Idempotency-Key the response came with: the same key again is a repeat. */
	key: string | null;
}

export interface InputDecision {
	outlet: string;
	/** `responses`: numOfResponders agreed; `decisive`: a decisive outlet; `timeout`. */
	by: "responses" | "decisive" | "timeout";
	at: number;
}

/**
 * A RUN_WORKFLOW attempt with `wait: true` waits for its child run to end (child-run.ts); the
 * child's end is recorded on the attempt (`child.ended`), since it may come before this wait.
 */
export interface ChildWait {
	kind: "child";
	attempt: number;
	runId: string;
	since: number;
}

/** How a child run ended, as its own run reported it to its parent. */
export interface ChildEnd {
	at: number;
	result: "SUCCESS" | "FAILED" | "CANCELLED";
	/** The child workflow's `outputs` (null unless it succeeded). */
	outputs: JsonValue;
	error: ErrorInfo | null;
}

export interface ReceivedCallback {
	at: number;
	status: "SUCCESS" | "FAILED";
	/** `output` of a `{ status, output }` body, else the whole body. */
	output: JsonValue;
	/** The body as received: `.response.data` in the node's variables. */
	body: JsonValue;
}

export interface ForEachProgress {
	total: number;
	concurrency: number;
	/** Next item index to launch. */
	nextIndex: number;
	/** Indexes launched and not finished (at most `concurrency`). */
	inFlight: number[];
	succeeded: number;
}

export interface NodeRun extends TaskRun {
	node: string;
	/** config.type, for the run view. */
	type: string;
	/** Incoming connections settled so far and how many of them were taken (joins). */
	arrivals: { settled: number; taken: number };
	/** Set once a forEach node has computed its items. */
	forEach: ForEachProgress | null;
	/** Only on a retry, for nodes that take the earlier run's result instead of running. */
	reuse?: NodeReuse;
}

/**
 * What a retry does with a node that is not re-run, once it becomes ready. Kept on the node
 * row (not only in the start event) because a node can become ready many events later,
 * after an eviction. Once applied, the payload is dropped (the output now lives in
 * `output`), so a reused node's row is no bigger than a normal one.
 */
export type NodeReuse =
	/** Complete with this output (a CONDITION takes `option`, null = none matched). */
	| { kind: "output"; output: JsonValue; option: string | null }
	/** Skip again, as in the earlier run. */
	| { kind: "skip" }
	/** Done: the node completed with the earlier run's result (`header.retryOf`). */
	| { kind: "applied" };

export interface ItemRun extends TaskRun {
	node: string;
	index: number;
	item: JsonValue;
}

export type ConnectionState = "TAKEN" | "NOT_TAKEN";

/** What a timer does when due; keyed in `RunState.timers` by `timerKey` (timers.ts). */
export type TimerPurpose =
	| { kind: "start_delay"; node: string }
	| { kind: "delay"; node: string }
	| { kind: "retry"; node: string; item: number | null; attempt: number }
	| { kind: "attempt_timeout"; node: string; item: number | null; attempt: number }
	| { kind: "workflow_timeout" }
	/** The outside answered a waiting task: finish it once the run holds a slot (waits.ts). */
	| { kind: "wait_over"; node: string; item: number | null }
	/** A task waiting on the outside gives up. */
	| { kind: "wait_timeout"; node: string; item: number | null };

export type Timer = TimerPurpose & { at: number };

export interface RunHeader {
	runId: string;
	workflow: { identifier: string; version: number };
	initiator: string;
	/** The trigger node that started the run. */
	trigger: string | null;
	status: RunStatus;
	result: RunResult | null;
	inputs: JsonObject;
	/** The workflow's templated `outputs`, set when the run succeeds. */
	outputs: JsonValue;
	error: (ErrorInfo & { node: string | null }) | null;
	createdAt: number;
	startedAt: number | null;
	endedAt: number | null;
	/** Grows by one per applied transition; the D1 upsert only accepts a larger one. */
	version: number;
	/** Seq of the last history event written. */
	lastSeq: number;
	/** Nodes started and not finished (IN_PROGRESS or WAITING), in start order. */
	active: string[];
	/** Nodes not COMPLETED yet; the run succeeds when this reaches 0. */
	remaining: number;
	/** Only on a retry: the run it retries (nodes with `reuse` take that run's results). */
	retryOf?: string;
}

export interface RunState {
	header: RunHeader;
	/** Every node of the pinned definition, created PENDING at start. */
	nodes: Record<string, NodeRun>;
	/** forEach item runs, keyed by `itemKey(node, index)`. */
	items: Record<string, ItemRun>;
	/** Connections settled so far (absent = not settled yet). */
	connections: Record<string, ConnectionState>;
	/** Pending timers, keyed by `timerKey`. */
	timers: Record<string, Timer>;
}

export function itemKey(node: string, index: number): string {
	return `${node}#${index}`;
}

/** A node run, or one forEach item of it. */
export interface TaskRef {
	node: string;
	item: number | null;
}

export function taskKey(ref: TaskRef): string {
	return ref.item === null ? ref.node : itemKey(ref.node, ref.item);
}

export function isTerminal(state: RunState): boolean {
	return state.header.status === "COMPLETED";
}

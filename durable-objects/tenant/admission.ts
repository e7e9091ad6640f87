import { type AcquireResult, IDEMPOTENCY_TTL_MS, type WithdrawResult } from "../../engine/control";
import type { JsonValue } from "../../engine/run";

/**
 * The TenantObject's decisions, free of storage and of the runtime: what a request with an
 * Idempotency-Key gets, whether a run may go IN_PROGRESS, which queued runs a freed slot goes
 * to, when a failed notification is retried. The object reads rows, asks here, writes the answer.
 */

/**
 * Keys are kept a day after their response is stored, as a keyed single start's run keeps its
 * key (engine/control/keyed-start.ts).
 */
export { IDEMPOTENCY_TTL_MS };
/**
 * How long a key stays "in flight" without an answer. A request that died between
 * `beginIdempotent` and `completeIdempotent` would otherwise block its key (409) for a day;
 * after the lease a retry may proceed. Starting a run takes well under a second.
 */
export const IN_FLIGHT_LEASE_MS = 60_000;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

export const DEFAULT_MAX_CONCURRENT_RUNS = 5;
export const MIN_CONCURRENT_RUNS = 1;
export const MAX_CONCURRENT_RUNS = 100;

/** How deep child runs may nest (a run started by RUN_WORKFLOW is one deeper than its parent). */
export const DEFAULT_MAX_RUN_DEPTH = 10;
export const MAX_RUN_DEPTH = 50;

export interface TenantSettings {
	maxConcurrentRuns: number;
	/** The workflow a failed run starts when its own definition names no `errorWorkflow`. */
	errorWorkflow: string | null;
	maxRunDepth: number;
}
export type TenantSettingsPatch = Partial<TenantSettings>;
export const DEFAULT_SETTINGS: TenantSettings = {
	maxConcurrentRuns: DEFAULT_MAX_CONCURRENT_RUNS,
	errorWorkflow: null,
	maxRunDepth: DEFAULT_MAX_RUN_DEPTH,
};

// ── idempotency ─────────────────────────────────────────────────────────────────────────────

/** A response as a request stored it under its key (the body is serialised as JSON). */
export interface ResponseToStore {
	status: number;
	body: unknown;
	headers: Record<string, string>;
}

/** A response as read back from its key: the body is the JSON it was stored as. */
export interface StoredResponse extends ResponseToStore {
	body: JsonValue;
}

/** One key's row: taken by a request in flight, or holding the response it produced. */
export type IdempotencyEntry =
	| { state: "in_flight"; fingerprint: string; expiresAt: number }
	| { state: "done"; fingerprint: string; expiresAt: number; response: StoredResponse };

export type BeginResult =
	| { kind: "proceed" }
	| ({ kind: "replay" } & StoredResponse)
	| { kind: "in_flight" }
	| { kind: "mismatch" };

export const isValidIdempotencyKey = (key: string): boolean =>
	key.length >= 1 && key.length <= MAX_IDEMPOTENCY_KEY_LENGTH;

/**
 * What a request with `key` gets. An expired entry counts as absent. A different request under
 * a live key is a mismatch even while the first is in flight: that is the client's bug to fix,
 * and waiting would not change the answer.
 */
export function decideBegin(
	entry: IdempotencyEntry | null,
	fingerprint: string,
	now: number,
): BeginResult {
	if (!entry || entry.expiresAt <= now) return { kind: "proceed" };
	if (entry.fingerprint !== fingerprint) return { kind: "mismatch" };
	switch (entry.state) {
		case "in_flight":
			return { kind: "in_flight" };
		case "done":
			return { kind: "replay", ...entry.response };
		default: {
			const unknown: never = entry;
			throw new Error(`unknown idempotency entry ${JSON.stringify(unknown)}`);
		}
	}
}

/**
 * Whether a finished request's response is stored. The first stored response wins: a request
 * that outlived its lease and finishes after a retry already stored one must not replace it.
 * A response for a key whose lease ran out (and was pruned) is still stored: a run exists.
 */
export function shouldStore(entry: IdempotencyEntry | null, fingerprint: string, now: number) {
	if (!entry || entry.expiresAt <= now) return true;
	return entry.state === "in_flight" && entry.fingerprint === fingerprint;
}

// ── concurrency admission ───────────────────────────────────────────────────────────────────

/** Where a run stands with the tenant: holding one of the IN_PROGRESS slots, or waiting for one. */
export type SlotState = "in_progress" | "queued";

/** The answers a run gets; the run's side of the protocol is engine/control/admission.ts. */
export type { AcquireResult, WithdrawResult };

/** What `acquireSlot` does for a run, given where it stands now (null: nowhere). */
export type AcquireDecision =
	| { kind: "already_granted" }
	| { kind: "already_queued" }
	| { kind: "grant" }
	| { kind: "enqueue" };

/**
 * A run that already holds a slot or a place keeps it, so a repeated call (a retried RPC, a
 * restarted caller) never takes a second slot or loses its turn. A new run takes a free slot
 * only when nobody is queued: otherwise it would jump the queue.
 */
export function decideAcquire(
	current: SlotState | null,
	counts: { inProgress: number; queued: number },
	limit: number,
): AcquireDecision {
	switch (current) {
		case "in_progress":
			return { kind: "already_granted" };
		case "queued":
			return { kind: "already_queued" };
		case null:
			return counts.inProgress < limit && counts.queued === 0
				? { kind: "grant" }
				: { kind: "enqueue" };
		default: {
			const unknown: never = current;
			throw new Error(`unknown slot state ${String(unknown)}`);
		}
	}
}

/**
 * How many of the oldest queued runs free slots go to now. Lowering the limit never takes a
 * slot away: runs above the new limit finish, and nobody is granted until the count is below it.
 */
export function freeSlots(inProgress: number, limit: number): number {
	return Math.max(0, limit - inProgress);
}

/** Why a settings patch cannot be applied, or the settings it gives. */
export type SettingsDecision =
	| { kind: "ok"; settings: TenantSettings }
	| { kind: "invalid"; message: string };

export function applySettingsPatch(
	current: TenantSettings,
	patch: TenantSettingsPatch,
): SettingsDecision {
	// A field sent as undefined (it survives RPC serialization) means "unchanged", like a missing one.
	const n = patch.maxConcurrentRuns ?? current.maxConcurrentRuns;
	if (!Number.isInteger(n) || n < MIN_CONCURRENT_RUNS || n > MAX_CONCURRENT_RUNS) {
		return {
			kind: "invalid",
			message: `maxConcurrentRuns must be an integer from ${MIN_CONCURRENT_RUNS} to ${MAX_CONCURRENT_RUNS}`,
		};
	}
	const depth = patch.maxRunDepth ?? current.maxRunDepth;
	if (!Number.isInteger(depth) || depth < 1 || depth > MAX_RUN_DEPTH) {
		return {
			kind: "invalid",
			message: `maxRunDepth must be an integer from 1 to ${MAX_RUN_DEPTH}`,
		};
	}
	// null clears the default error workflow; undefined leaves it.
	const errorWorkflow =
		patch.errorWorkflow === undefined ? current.errorWorkflow : patch.errorWorkflow;
	return { kind: "ok", settings: { maxConcurrentRuns: n, errorWorkflow, maxRunDepth: depth } };
}

// ── notifications and the alarm ─────────────────────────────────────────────────────────────

/** A failed "your slot is ready" call is retried after 1 s, 2 s, 4 s … capped at a minute. */
export const notificationRetryDelay = (attempts: number): number =>
	Math.min(1000 * 2 ** Math.max(0, attempts - 1), 60_000);

/**
 * Expired keys are deleted by a sweep that reads every key (an index on the expiry would cost a
 * second storage row for every key written). Sweeps are at least this far apart: at most 96 a
 * day, two reads of each key apiece, and a row read is billed at a thousandth of a row written.
 * An expired key is already treated as absent, so a late sweep only keeps a dead row longer.
 */
export const IDEMPOTENCY_SWEEP_INTERVAL_MS = 15 * 60_000;

/** When a key that expires at `expiresAt` is swept: at its expiry, or the next allowed sweep. */
export const sweepTimeFor = (expiresAt: number, nextSweepAllowed: number): number =>
	Math.max(expiresAt, nextSweepAllowed);

/**
 * The one alarm's time: the earliest due timer, at least 1 ms ahead (local workerd sometimes
 * drops an alarm re-armed for "now" from inside alarm(); docs/ARCHITECTURE.md#one-alarm). Null: no alarm.
 */
export function alarmTime(dueTimes: readonly (number | null)[], now: number): number | null {
	const due = dueTimes.filter((t): t is number => t !== null);
	return due.length ? Math.max(Math.min(...due), now + 1) : null;
}

import { indexChanged, indexEntry, type RunHeaderLike, type RunIndexEntry } from "./index-entry";
import type { RunMeta } from "./run-meta";

/**
 * The run's index outbox (docs/ARCHITECTURE.md#the-runs-index): the newest index entry not yet
 * confirmed written to D1, and the last one that was.
 */
export interface OutboxState {
	pending: RunIndexEntry | null;
	flushed: RunIndexEntry | null;
	/** When a failed write is tried again (part of the object's single alarm). */
	retryAt: number | null;
	failures: number;
}

export const EMPTY_OUTBOX: OutboxState = {
	pending: null,
	flushed: null,
	retryAt: null,
	failures: 0,
};

const MAX_RETRY_DELAY_MS = 60_000;

/**
 * Queues an index write only when something the index serves changed (status, result, the
 * wake-up of a waiting run), or when `force`d. A run that goes start → finish without waiting
 * writes D1 once.
 */
export function queueIndexWrite(
	outbox: OutboxState,
	meta: RunMeta,
	header: RunHeaderLike,
	wakeAt: number | null,
	now: number,
	force = false,
): OutboxState {
	const entry = indexEntry(meta, header, wakeAt, now);
	if (!force && !indexChanged(outbox.pending ?? outbox.flushed, entry)) return outbox;
	return { ...outbox, pending: entry };
}

/**
 * `written` reached D1. A newer entry queued while it was written stays pending: only the entry
 * that was written is cleared.
 */
export function indexWritten(outbox: OutboxState, written: RunIndexEntry): OutboxState {
	const { pending } = outbox;
	return {
		pending: pending && sameEntry(pending, written) ? null : pending,
		flushed: written,
		retryAt: null,
		failures: 0,
	};
}

/** The write failed: try again after 1 s, 2 s, 4 s … capped at a minute. */
export function indexWriteFailed(outbox: OutboxState, now: number): OutboxState {
	const failures = outbox.failures + 1;
	const delay = Math.min(MAX_RETRY_DELAY_MS, 1000 * 2 ** (failures - 1));
	return { ...outbox, failures, retryAt: now + delay };
}

const sameEntry = (a: RunIndexEntry, b: RunIndexEntry) =>
	a.indexVersion === b.indexVersion && a.updatedAt === b.updatedAt;

import { indexChanged, indexEntry, type RunHeaderLike, writeIndexEntry } from "./run-index";
import type { RunMeta } from "./run-meta";
import type { OutboxState } from "./run-store";

const MAX_RETRY_DELAY_MS = 60_000;

/**
 * The outbox decision for one committed transition: queue an index write only when something
 * the index serves changed (status, result, the wake-up of a waiting run). A run that goes
 * start → finish without waiting writes D1 twice.
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

export type FlushOutcome =
	| { kind: "flushed"; outbox: OutboxState }
	| { kind: "failed"; outbox: OutboxState; error: string };

/**
 * Writes the pending entry. `current()` is re-read after the write because a newer transition
 * may have queued a newer entry meanwhile: only the entry that was written is cleared.
 */
export async function flushOutbox(
	db: D1Database,
	current: () => OutboxState,
	now: () => number,
): Promise<FlushOutcome> {
	const entry = current().pending;
	if (!entry) return { kind: "flushed", outbox: current() };
	try {
		await writeIndexEntry(db, entry);
		const latest = current();
		return {
			kind: "flushed",
			outbox: {
				pending: latest.pending && sameEntry(latest.pending, entry) ? null : latest.pending,
				flushed: entry,
				retryAt: null,
				failures: 0,
			},
		};
	} catch (err) {
		const latest = current();
		const failures = latest.failures + 1;
		const delay = Math.min(MAX_RETRY_DELAY_MS, 1000 * 2 ** (failures - 1));
		return {
			kind: "failed",
			outbox: { ...latest, failures, retryAt: now() + delay },
			error: String(err),
		};
	}
}

const sameEntry = (
	a: { indexVersion: number; updatedAt: number },
	b: { indexVersion: number; updatedAt: number },
) => a.indexVersion === b.indexVersion && a.updatedAt === b.updatedAt;

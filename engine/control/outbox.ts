import { indexChanged, indexEntry, type RunHeaderLike, type RunIndexEntry } from "./index-entry";
import type { InputRequestEntry } from "./input-requests";
import type { RunMeta } from "./run-meta";
import { type OutboxMessage, SEND_LEASE_MS, type Sending, sendRetryDelay } from "./sending";

/**
 * The run's outbox (docs/ARCHITECTURE.md#the-outbox): what the run must tell the outside at least
 * once, kept with the transitions that decide it. Its index entry (docs/ARCHITECTURE.md#the-runs-index):
 * the newest not yet confirmed written to D1, and the last one that was; and its messages
 * (sending.ts), each sent until its answer is in.
 */
export interface OutboxState {
	pending: RunIndexEntry | null;
	flushed: RunIndexEntry | null;
	/** When a failed write is tried again (part of the object's single alarm). */
	retryAt: number | null;
	failures: number;
	/** Messages sent and not answered yet, oldest first (absent in outboxes stored before them). */
	sending?: Sending[];
}

export const EMPTY_OUTBOX: OutboxState = {
	pending: null,
	flushed: null,
	retryAt: null,
	failures: 0,
	sending: [],
};

/** Adds a message to send now, unless one with its id is already on its way or was sent. */
export function enqueue(
	outbox: OutboxState,
	id: string,
	message: OutboxMessage,
	now: number,
): { outbox: OutboxState; send: Sending | null } {
	if ((outbox.sending ?? []).some((s) => s.id === id)) return { outbox, send: null };
	const send: Sending = { id, message, dueAt: now + SEND_LEASE_MS, failures: 0 };
	return { outbox: { ...outbox, sending: [...(outbox.sending ?? []), send] }, send };
}

/** The messages due to be sent again at `now`, leased for another round. */
export function resendDue(
	outbox: OutboxState,
	now: number,
): { outbox: OutboxState; due: Sending[] } {
	const due: Sending[] = [];
	const sending = (outbox.sending ?? []).map((s) => {
		if (s.dueAt > now) return s;
		const leased = { ...s, dueAt: now + SEND_LEASE_MS };
		due.push(leased);
		return leased;
	});
	return due.length === 0 ? { outbox, due } : { outbox: { ...outbox, sending }, due };
}

/** The message's answer is in: it leaves the outbox (a late repeat finds nothing). */
export function sent(outbox: OutboxState, id: string): OutboxState {
	return { ...outbox, sending: (outbox.sending ?? []).filter((s) => s.id !== id) };
}

/** Sending failed: send again after 1 s, 2 s, 4 s … capped at a minute. */
export function sendFailed(outbox: OutboxState, id: string, now: number): OutboxState {
	const sending = (outbox.sending ?? []).map((s) =>
		s.id === id
			? { ...s, failures: s.failures + 1, dueAt: now + sendRetryDelay(s.failures + 1) }
			: s,
	);
	return { ...outbox, sending };
}

/** The earliest time a message is due to be sent again, for the one alarm. */
export const nextSendAt = (outbox: OutboxState): number | null =>
	(outbox.sending ?? []).reduce<number | null>(
		(at, s) => (at === null || s.dueAt < at ? s.dueAt : at),
		null,
	);

const MAX_RETRY_DELAY_MS = 60_000;

/**
 * Queues an index write only when something the listing shows changed (status, result), or
 * when `force`d. A run that goes start → finish without waiting
 * writes D1 once.
 */
export function queueIndexWrite(
	outbox: OutboxState,
	meta: RunMeta,
	header: RunHeaderLike,
	wakeAt: number | null,
	now: number,
	force = false,
	inputRequests?: InputRequestEntry[],
): OutboxState {
	const entry = indexEntry(meta, header, wakeAt, now, inputRequests);
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
		...outbox,
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

import { type AcquireResult, decideAcquire, freeSlots, type WithdrawResult } from "./admission";
import type { TenantStore } from "./tenant-store";

/**
 * Concurrency admission over the tenant's rows: who holds one of the IN_PROGRESS slots, who
 * waits, and in which order. Each function reads and writes synchronously; the object runs one
 * call at a time, so no other call sees a half-made decision. None reads the whole queue: the
 * counts are kept by the store, and a grant reads only the oldest queued rows it hands slots to,
 * so taking and giving back a slot costs the same with a thousand runs queued as with none.
 */

/**
 * A granted run is told at once; if that call has not succeeded within this time (the object
 * was evicted mid-call, say), the alarm tells it again.
 */
const NOTIFY_GRACE_MS = 10_000;

/**
 * A run that took a slot itself is asked once, this long after, whether it stored the grant:
 * one whose object died between the tenant's answer and its own first write is never stored,
 * and nothing else would give that slot back. A run that gives its slot back sooner (most do)
 * deletes the check with its row; a stored run answers the check and keeps the slot.
 */
export const CHECK_HOLDER_AFTER_MS = 60_000;

export function acquire(store: TenantStore, runId: string, now: number): AcquireResult {
	return applyAcquire(store, runId, acquireDecision(store, runId), now);
}

/** Where the run stands and what acquiring a slot for it decides, from the store's rows. */
function acquireDecision(store: TenantStore, runId: string) {
	const slot = store.slotOf(runId);
	const counts = { inProgress: store.countInProgress(), queued: store.countQueued() };
	const decision = decideAcquire(slot?.state ?? null, counts, store.settings().maxConcurrentRuns);
	return { slot, decision };
}

function applyAcquire(
	store: TenantStore,
	runId: string,
	{ slot, decision }: ReturnType<typeof acquireDecision>,
	now: number,
): AcquireResult {
	switch (decision.kind) {
		case "already_granted":
			// The run asked and learned it holds the slot: a pending notification is redundant.
			store.clearNotification(runId);
			return { kind: "granted" };
		case "grant":
			store.addHolder(runId, { kind: "check", at: now + CHECK_HOLDER_AFTER_MS });
			return { kind: "granted" };
		case "enqueue":
			store.enqueue(runId);
			return { kind: "queued", position: store.countQueued() };
		case "already_queued":
			// The one read that grows with the queue: a queued run asking again counts who is ahead.
			return { kind: "queued", position: store.queuePosition(slot?.seq ?? 0) };
		default: {
			const unknown: never = decision;
			throw new Error(`unknown acquire decision ${JSON.stringify(unknown)}`);
		}
	}
}

/**
 * `acquire` and `release` in one call, for a run whose first step gives the slot straight back
 * (it ends, or waits, and calls nothing): granted whenever `acquire` would grant at once, and
 * then nothing is written, since the slot would be freed before anyone could see it taken.
 * Otherwise the run queues exactly as `acquire` queues it (and later takes a slot as usual).
 */
export function admitAndRelease(
	store: TenantStore,
	runId: string,
	now: number,
): { answer: AcquireResult; freedSlot: boolean } {
	const decided = acquireDecision(store, runId);
	switch (decided.decision.kind) {
		case "grant":
			return { answer: { kind: "granted" }, freedSlot: false };
		case "already_granted":
			// It holds a slot from an earlier call (an acquire before a crash): give it back now.
			release(store, runId, now);
			return { answer: { kind: "granted" }, freedSlot: true };
		default:
			// Queued now, or already: exactly as acquire does it.
			return { answer: applyAcquire(store, runId, decided, now), freedSlot: false };
	}
}

/**
 * Frees the run's slot (or its place in the queue) and hands free slots on. Deleting what is
 * not there is a no-op, so a repeated release changes nothing. A holder's pending notification
 * goes with its row.
 */
export function release(store: TenantStore, runId: string, now: number): void {
	store.transaction(() => {
		if (!store.deleteHolder(runId)) store.deleteQueued(runId);
		grantQueued(store, now);
	});
}

export function withdraw(store: TenantStore, runId: string): WithdrawResult {
	const state = store.slotOf(runId)?.state ?? null;
	switch (state) {
		case "queued":
			store.deleteQueued(runId);
			return { kind: "withdrawn" };
		case "in_progress":
			return { kind: "holds_slot" };
		case null:
			return { kind: "unknown" };
		default: {
			const unknown: never = state;
			throw new Error(`unknown slot state ${String(unknown)}`);
		}
	}
}

/**
 * Moves the oldest queued runs into free slots, each with a notification to deliver. Called
 * inside the transaction that freed the slots, so a grant and its notification land together.
 */
export function grantQueued(store: TenantStore, now: number): string[] {
	const free = freeSlots(store.countInProgress(), store.settings().maxConcurrentRuns);
	if (free === 0 || store.countQueued() === 0) return [];
	const granted = store.oldestQueued(free);
	for (const { runId } of granted) {
		store.deleteQueued(runId);
		store.addHolder(runId, { kind: "tell", retryAt: now + NOTIFY_GRACE_MS });
	}
	return granted.map((g) => g.runId);
}

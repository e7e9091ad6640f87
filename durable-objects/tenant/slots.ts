import { type AcquireResult, decideAcquire, runsToGrant, type WithdrawResult } from "./admission";
import type { TenantStore } from "./tenant-store";

/**
 * Concurrency admission over the tenant's rows: who holds one of the IN_PROGRESS slots, who
 * waits, and in which order. Each function reads and writes synchronously; the object runs one
 * call at a time, so no other call sees a half-made decision.
 */

/**
 * A granted run is told at once; if that call has not succeeded within this time (the object
 * was evicted mid-call, say), the alarm tells it again.
 */
const NOTIFY_GRACE_MS = 10_000;

export function acquire(store: TenantStore, runId: string, now: number): AcquireResult {
	const counts = {
		inProgress: store.countSlots("in_progress"),
		queued: store.countSlots("queued"),
	};
	const limit = store.settings().maxConcurrentRuns;
	const decision = decideAcquire(store.slotState(runId), counts, limit);
	switch (decision.kind) {
		case "already_granted":
			// The run asked and learned it holds the slot: a pending notification is redundant.
			store.deleteNotifications(runId);
			return { kind: "granted" };
		case "grant":
			store.insertSlot(runId, "in_progress", now);
			return { kind: "granted" };
		case "enqueue":
			store.insertSlot(runId, "queued", now);
			return { kind: "queued", position: store.queuePosition(runId) };
		case "already_queued":
			return { kind: "queued", position: store.queuePosition(runId) };
		default: {
			const unknown: never = decision;
			throw new Error(`unknown acquire decision ${JSON.stringify(unknown)}`);
		}
	}
}

/**
 * Frees the run's slot (or its place in the queue) and hands free slots on. Deleting what is
 * not there is a no-op, so a repeated release changes nothing.
 */
export function release(store: TenantStore, runId: string, now: number): void {
	store.transaction(() => {
		store.deleteSlot(runId);
		store.deleteNotifications(runId);
		grantQueued(store, now);
	});
}

export function withdraw(store: TenantStore, runId: string): WithdrawResult {
	const state = store.slotState(runId);
	switch (state) {
		case "queued":
			store.deleteSlot(runId, "queued");
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
 * Moves the oldest queued runs into free slots, each with a notification row to deliver.
 * Called inside the transaction that freed the slots, so a grant and its row land together.
 */
export function grantQueued(store: TenantStore, now: number): string[] {
	const granted = runsToGrant(
		store.runs("queued"),
		store.countSlots("in_progress"),
		store.settings().maxConcurrentRuns,
	);
	for (const runId of granted) {
		store.markInProgress(runId, now);
		store.addNotification(runId, now + NOTIFY_GRACE_MS);
	}
	return granted;
}

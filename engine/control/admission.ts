import type { RunState, RunStatus, Transition } from "../run";
import type { OutboxState } from "./outbox";

/**
 * The run's side of tenant admission (docs/ARCHITECTURE.md#admission), stored beside the engine
 * state. A run holds one of the tenant's slots while it is IN_PROGRESS; WAITING and COMPLETED
 * runs give theirs back, and a waiting run takes one again before it resumes.
 */
export interface Admission {
	holdsSlot: boolean;
	/** Queued at the tenant: for the first start, or to resume after a wait. */
	waitingForSlot: "start" | "resume" | null;
	/** Cancelled while still queued: the engine never ran. */
	cancelledBeforeStart: { by: string | null; at: number } | null;
	/** A slot release that failed; retried from the alarm so the tenant's count never leaks. */
	releaseRetryAt: number | null;
}

/**
 * A run as created: it waits for its first slot. Nothing stores this value — a run object
 * with a creation record and no stored admission is in it — so creating a run writes one row.
 */
export const NEW_ADMISSION: Admission = {
	holdsSlot: false,
	waitingForSlot: "start",
	cancelledBeforeStart: null,
	releaseRetryAt: null,
};

/** A failed slot release is tried again this long after. */
export const RELEASE_RETRY_MS = 1_000;

/**
 * A run waiting for a slot to resume asks its tenant again this long after it asked: the ask is
 * sent after the commit that decided it, so a restart can cut it off (and the index write that
 * would let the sweeper find the run), and the tenant answers a repeated ask as the first (a
 * queued run keeps its place, a granted one is granted again).
 */
export const RESUME_ASK_AGAIN_MS = 60_000;

/** The tenant's answer to a run asking for a slot (TenantObject `acquireSlot`, `admitAndRelease`). */
export type AcquireResult = { kind: "granted" } | { kind: "queued"; position: number };

/** The tenant's answer to a queued run that withdraws (TenantObject `withdraw`). */
export type WithdrawResult = { kind: "withdrawn" } | { kind: "holds_slot" } | { kind: "unknown" };

/**
 * Does a run in `status` give its slot back? One that holds a slot and stopped working (it
 * waits, or ended), and a finished run still queued (cancelled while waiting to resume).
 */
export const stopsWorking = (admission: Admission, status: RunStatus): boolean =>
	(admission.holdsSlot && (status === "WAITING" || status === "COMPLETED")) ||
	(status === "COMPLETED" && admission.waitingForSlot !== null);

/**
 * Does a run's first transition need no slot? It ends the run or parks it (a delay, an input)
 * and calls nothing, so a slot taken for it would be given back in the same commit.
 */
export const needsNoSlot = (first: Transition): boolean =>
	first.effects.length === 0 && first.state.header.status !== "IN_PROGRESS";

/**
 * Was a created run's admission never answered? Not started, not queued (that writes its
 * index entry), not cancelled: new, or the object went away while the tenant was answering.
 */
export const admissionUnanswered = (
	admission: Admission,
	state: RunState | null,
	outbox: OutboxState,
): boolean =>
	state === null &&
	admission.waitingForSlot === "start" &&
	admission.cancelledBeforeStart === null &&
	outbox.pending === null &&
	outbox.flushed === null;

/** The admission once the slot is given back (and the run out of any queue). */
export const released = (admission: Admission): Admission => ({
	...admission,
	holdsSlot: false,
	waitingForSlot: null,
	releaseRetryAt: null,
});

/** The admission once the tenant granted the slot the run waited for. */
export const granted = (admission: Admission): Admission => ({
	...admission,
	holdsSlot: true,
	waitingForSlot: null,
});

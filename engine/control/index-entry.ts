import type { RunHeader } from "../run";
import { type InputRequestEntry, inputRequestsChanged } from "./input-requests";
import { entityOf, type RunMeta, type RunTrigger, triggerOf } from "./run-meta";

/**
 * A run's entry in the D1 runs index, as its object last decided it (worker/db/runs.repo.ts
 * writes it against the drizzle schema, so a renamed column fails to compile there).
 */
export interface RunIndexEntry {
	id: string;
	tenantId: string;
	workflowId: string;
	workflowIdentifier: string;
	workflowTitle: string;
	version: number;
	status: string;
	result: string | null;
	initiatedBy: string;
	requestedBy: string;
	entityId: string | null;
	parentRunId: string | null;
	createdAt: number;
	startedAt: number | null;
	endedAt: number | null;
	wakeAt: number | null;
	updatedAt: number;
	indexVersion: number;
	/** How the run started (`trigger.type` is also a column of its own, for the filter). */
	triggerType: RunTrigger["type"];
	trigger: RunTrigger;
	/** Only for a run whose plan has INPUT nodes: its input requests D1 must learn of (input-requests.ts). */
	inputRequests?: InputRequestEntry[];
}

/** The part of a run header the index reads; a run the engine has not started makes one up. */
export type RunHeaderLike = Pick<
	RunHeader,
	"status" | "result" | "startedAt" | "endedAt" | "version"
>;

/** A run queued behind its tenant's limit before its first step. */
export const QUEUED_HEADER: RunHeaderLike = {
	status: "QUEUED",
	result: null,
	startedAt: null,
	endedAt: null,
	version: 0,
};

/** A run cancelled while still queued: it ends without ever starting. */
export const cancelledBeforeStartHeader = (at: number): RunHeaderLike => ({
	status: "COMPLETED",
	result: "CANCELLED",
	startedAt: null,
	endedAt: at,
	version: 1,
});

export function indexEntry(
	meta: RunMeta,
	header: RunHeaderLike,
	wakeAt: number | null,
	now: number,
	inputRequests?: InputRequestEntry[],
): RunIndexEntry {
	return {
		id: meta.runId,
		tenantId: meta.tenantId,
		workflowId: meta.workflow.id,
		workflowIdentifier: meta.workflow.identifier,
		workflowTitle: meta.workflow.title,
		version: meta.workflow.version,
		status: header.status,
		result: header.result,
		initiatedBy: meta.initiator,
		requestedBy: meta.requestedBy,
		entityId: entityOf(meta),
		parentRunId: meta.parent?.runId ?? null,
		createdAt: meta.createdAt,
		startedAt: header.startedAt,
		endedAt: header.endedAt,
		// A started, unfinished run always has a time by which it should have acted again; the
		// sweeper looks for runs past it. Finished runs need nothing, and a queued run waits for
		// its tenant's grant (the TenantObject retries that from its own alarm), so both are null.
		wakeAt: header.status === "COMPLETED" || header.status === "QUEUED" ? null : (wakeAt ?? now),
		updatedAt: now,
		indexVersion: header.version,
		triggerType: triggerOf(meta).type,
		trigger: triggerOf(meta),
		...(inputRequests ? { inputRequests } : {}),
	};
}

/**
 * Which header changes are worth an index write: what the listing shows and filters by (status,
 * result). A new wake-up time alone is not: only the sweeper reads it, and a stale one costs at
 * most one poke, after which the run rewrites its entry (docs/ARCHITECTURE.md#the-runs-index),
 * where writing it would cost a row every time a waiting run's next timer moves.
 */
export function indexChanged(previous: RunIndexEntry | null, next: RunIndexEntry): boolean {
	if (!previous) return true;
	return (
		previous.status !== next.status ||
		previous.result !== next.result ||
		inputRequestsChanged(previous.inputRequests, next.inputRequests)
	);
}

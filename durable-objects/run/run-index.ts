import type { RunHeader } from "../../engine/run";
import { entityOf, type RunMeta } from "./run-meta";

/** The D1 index row a run object writes (see `runs` in worker/db/schema.ts). */
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
	createdAt: number;
	startedAt: number | null;
	endedAt: number | null;
	wakeAt: number | null;
	updatedAt: number;
	indexVersion: number;
}

/** The part of a run header the index reads; queued runs (no engine state yet) make one up. */
export type RunHeaderLike = Pick<
	RunHeader,
	"status" | "result" | "startedAt" | "endedAt" | "version"
>;

export function indexEntry(
	meta: RunMeta,
	header: RunHeaderLike,
	wakeAt: number | null,
	now: number,
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
		createdAt: meta.createdAt,
		startedAt: header.startedAt,
		endedAt: header.endedAt,
		// A started, unfinished run always has a time by which it should have acted again; the
		// sweeper looks for runs past it. Finished runs need nothing, and a queued run waits for
		// its tenant's grant (the TenantObject retries that from its own alarm), so both are null.
		wakeAt: header.status === "COMPLETED" || header.status === "QUEUED" ? null : (wakeAt ?? now),
		updatedAt: now,
		indexVersion: header.version,
	};
}

/**
 * The guarded upsert: a flush that arrives late (an older version after a newer one, or a
 * retry after a crash) changes nothing, so flushing is safe to repeat in any order. The row's
 * key is (tenant_id, created_at, id): created_at is fixed when the run is created, so every
 * flush of a run lands on the same row. Only status, result and wake_at feed an index, so an
 * update rewrites index entries only when one of them changes.
 */
const UPSERT = `
INSERT INTO runs (id, tenant_id, workflow_id, workflow_identifier, workflow_title, version, status, result,
  initiated_by, requested_by, entity_id, created_at, started_at, ended_at, wake_at, updated_at,
  index_version)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)
ON CONFLICT (tenant_id, created_at, id) DO UPDATE SET
  status = excluded.status, result = excluded.result, started_at = excluded.started_at,
  ended_at = excluded.ended_at, wake_at = excluded.wake_at, updated_at = excluded.updated_at,
  index_version = excluded.index_version
WHERE excluded.index_version >= runs.index_version`;

/** Returns the rows D1 reports written (index entries included, as billed). */
export async function writeIndexEntry(db: D1Database, e: RunIndexEntry): Promise<number> {
	const { meta } = await db
		.prepare(UPSERT)
		.bind(
			e.id,
			e.tenantId,
			e.workflowId,
			e.workflowIdentifier,
			e.workflowTitle,
			e.version,
			e.status,
			e.result,
			e.initiatedBy,
			e.requestedBy,
			e.entityId,
			e.createdAt,
			e.startedAt,
			e.endedAt,
			e.wakeAt,
			e.updatedAt,
			e.indexVersion,
		)
		.run();
	return meta.rows_written;
}

/** Which header changes are worth an index write: what list filters and the sweeper read. */
export function indexChanged(previous: RunIndexEntry | null, next: RunIndexEntry): boolean {
	if (!previous) return true;
	return (
		previous.status !== next.status ||
		previous.result !== next.result ||
		(next.status === "WAITING" && previous.wakeAt !== next.wakeAt)
	);
}

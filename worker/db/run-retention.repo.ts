import { and, asc, eq, gt, gte, lt, sql } from "drizzle-orm";
import type { Database } from "./client";
import { inputRequests, jobCursors, runs, tenants } from "./schema";

/**
 * The D1 side of run retention (docs/ARCHITECTURE.md#quotas-and-retention). Like the sweeper,
 * the purge works across tenants, but every read of runs names one tenant and seeks on the
 * runs table's key (tenant_id, created_at, id): finding the next tenant is one seek, and a
 * tenant's expired runs are a range of its oldest rows.
 */

/** The next tenant after `after` that has runs, and its retention setting (null: the default). */
export async function nextTenantWithRuns(
	db: Database,
	after: string | null,
): Promise<{ tenantId: string; retentionDays: number | null } | null> {
	const row = await db
		.select({
			tenantId: runs.tenantId,
			retentionDays: sql<
				number | null
			>`(SELECT json_extract(${tenants.settings}, '$.runRetentionDays') FROM ${tenants} WHERE ${tenants.id} = ${runs.tenantId})`,
		})
		.from(runs)
		.where(after === null ? undefined : gt(runs.tenantId, after))
		.orderBy(asc(runs.tenantId))
		.limit(1)
		.get();
	return row ?? null;
}

/** A run's key in the index: what its row is deleted by. */
export interface RunKey {
	id: string;
	createdAt: number;
}

/**
 * The tenant's runs that ended before `endedBefore`, oldest first. A run ends after it is
 * created, so only rows created before the cutoff are read.
 */
export async function expiredRuns(
	db: Database,
	tenantId: string,
	endedBefore: number,
	limit: number,
): Promise<RunKey[]> {
	return db
		.select({ id: runs.id, createdAt: runs.createdAt })
		.from(runs)
		.where(
			and(
				eq(runs.tenantId, tenantId),
				lt(runs.createdAt, endedBefore),
				eq(runs.status, "COMPLETED"),
				lt(runs.endedAt, endedBefore),
			),
		)
		.orderBy(asc(runs.createdAt), asc(runs.id))
		.limit(limit)
		.all();
}

/**
 * Deletes the D1 rows of purged runs in one batch: each run's index row (one key seek) and its
 * input requests (ids `<runId>/<node…>`: a range of the table's key (tenant_id, id), '0' being
 * the character after '/').
 */
export async function deleteRunRows(db: Database, tenantId: string, keys: RunKey[]): Promise<void> {
	const [first, ...rest] = keys.flatMap((key) => [
		db
			.delete(runs)
			.where(
				and(eq(runs.tenantId, tenantId), eq(runs.createdAt, key.createdAt), eq(runs.id, key.id)),
			),
		db
			.delete(inputRequests)
			.where(
				and(
					eq(inputRequests.tenantId, tenantId),
					gte(inputRequests.id, `${key.id}/`),
					lt(inputRequests.id, `${key.id}0`),
				),
			),
	]);
	if (first) await db.batch([first, ...rest]);
}

export async function jobPosition(db: Database, job: string): Promise<string | null> {
	const row = await db
		.select({ position: jobCursors.position })
		.from(jobCursors)
		.where(eq(jobCursors.job, job))
		.get();
	return row?.position ?? null;
}

export async function saveJobPosition(
	db: Database,
	job: string,
	position: string | null,
	now: number,
): Promise<void> {
	await db
		.insert(jobCursors)
		.values({ job, position, updatedAt: now })
		.onConflictDoUpdate({ target: jobCursors.job, set: { position, updatedAt: now } })
		.run();
}

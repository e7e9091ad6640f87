import { and, count, eq, isNull, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { DEFAULT_MAX_VERSIONS_PER_WORKFLOW, DEFAULT_MAX_WORKFLOWS } from "../quotas/tenant-limits";
import type { Database } from "./client";
import { runs, tenants, workflows, workflowVersions } from "./schema";

/**
 * The D1 side of the tenant quotas kept in D1 (docs/ARCHITECTURE.md#quotas-and-retention): each
 * check reads its count and the tenant's setting in one query, or runs inside the write's batch.
 */

const setting = (tenantId: string, name: string) =>
	sql`(SELECT json_extract(${tenants.settings}, ${`$.${name}`}) FROM ${tenants} WHERE ${tenants.id} = ${tenantId})`;

/** The tenant's live workflows and the most it may have, in one read. */
export async function workflowQuota(
	db: Database,
	tenantId: string,
): Promise<{ count: number; max: number }> {
	const row = await db
		.select({
			count: count(),
			max: sql<number>`coalesce(${setting(tenantId, "maxWorkflows")}, ${DEFAULT_MAX_WORKFLOWS})`,
		})
		.from(workflows)
		.where(and(eq(workflows.tenantId, tenantId), isNull(workflows.deletedAt)))
		.get();
	return { count: row?.count ?? 0, max: row?.max ?? DEFAULT_MAX_WORKFLOWS };
}

/**
 * For the batch that stores version `newVersion`: deletes the versions older than the newest
 * `maxVersionsPerWorkflow` (the tenant's setting, read in the statement), except any version a
 * run that has not ended was started on (the runs index's unfinished rows, read through its
 * partial index on unfinished runs). Such a version is deleted by a later save, once its runs
 * have ended. A run keeps its own copy of the definition, so deleting a version never changes
 * a run.
 */
export function pruneVersions(
	db: Database,
	tenantId: string,
	workflowId: string,
	newVersion: number,
): BatchItem<"sqlite"> {
	const keep = sql`coalesce(${setting(tenantId, "maxVersionsPerWorkflow")}, ${DEFAULT_MAX_VERSIONS_PER_WORKFLOW})`;
	return db
		.delete(workflowVersions)
		.where(
			and(
				eq(workflowVersions.tenantId, tenantId),
				eq(workflowVersions.workflowId, workflowId),
				sql`${workflowVersions.version} <= ${newVersion} - ${keep}`,
				sql`${workflowVersions.version} NOT IN (SELECT ${runs.version} FROM ${runs} WHERE ${runs.tenantId} = ${tenantId} AND ${runs.workflowId} = ${workflowId} AND ${runs.status} <> 'COMPLETED')`,
			),
		);
}

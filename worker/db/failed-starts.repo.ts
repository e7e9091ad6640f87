import { eq, inArray, lt } from "drizzle-orm";
import type { Database } from "./client";
import { type FailedStartRow, failedStarts } from "./schema";
import { type TimelineCursor, timelinePage } from "./timeline-page";

/** How long a failed start is listed. */
export const FAILED_START_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;
export const FAILED_START_SCAN_BUDGET = 2_000;

/** The insert of one failed start, for the caller to batch with other writes. */
export const failedStartInsert = (db: Database, tenantId: string, row: FailedStartRow) =>
	db.insert(failedStarts).values({ ...row, tenantId });

/** Newest first; `actor`: only that caller's (null: everyone's, for an admin). */
export function listFailedStarts(
	db: Database,
	tenantId: string,
	filter: { actor: string | null },
	page: { limit: number; after?: TimelineCursor; now: number; budget?: number },
) {
	return timelinePage(
		db,
		failedStarts,
		"failed_starts_tenant_at",
		tenantId,
		{
			from: page.now - FAILED_START_RETENTION_MS,
			checks: filter.actor === null ? undefined : eq(failedStarts.actor, filter.actor),
		},
		{ limit: page.limit, after: page.after, budget: page.budget ?? FAILED_START_SCAN_BUDGET },
	);
}

/** Deletes up to `batch` failed starts past the retention, oldest first, across tenants. */
export async function purgeFailedStarts(db: Database, now: number, batch: number) {
	const expired = db
		.select({ id: failedStarts.id })
		.from(failedStarts)
		.where(lt(failedStarts.at, now - FAILED_START_RETENTION_MS))
		.orderBy(failedStarts.at)
		.limit(batch);
	const { meta } = await db.delete(failedStarts).where(inArray(failedStarts.id, expired)).run();
	return meta.changes;
}

export type { FailedStartRow };

import { and, desc, eq, gte, inArray, lt, ne, or, type SQL, sql } from "drizzle-orm";
import type { Database } from "./client";
import { type RunIndexRow, runs } from "./schema";

export interface RunFilter {
	workflowIdentifiers?: string[];
	status?: string;
	result?: string;
	initiatedBy?: string;
	entityId?: string;
	/** Epoch ms, inclusive. */
	startedAfter?: number;
	/** Epoch ms, exclusive. */
	startedBefore?: number;
	search?: string;
	/** Only runs this user may see (null: an admin sees all). */
	visibleTo: string | null;
	/** Only unfinished runs (bulk cancel). */
	unfinished?: boolean;
}

/** Keyset position: newest first by (created_at, id). */
export interface RunCursor {
	createdAt: number;
	id: string;
}

const likeContains = (text: string) => `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;

/**
 * Every condition leads with tenant_id, and each single filter has an index that starts
 * (tenant_id, <filter>, created_at): SQLite picks one and checks the rest row by row.
 */
function where(tenantId: string, f: RunFilter, after?: RunCursor): SQL | undefined {
	const conditions: (SQL | undefined)[] = [
		eq(runs.tenantId, tenantId),
		f.workflowIdentifiers?.length
			? inArray(runs.workflowIdentifier, f.workflowIdentifiers)
			: undefined,
		f.status ? eq(runs.status, f.status) : undefined,
		f.result ? eq(runs.result, f.result) : undefined,
		f.initiatedBy ? eq(runs.initiatedBy, f.initiatedBy) : undefined,
		f.entityId ? eq(runs.entityId, f.entityId) : undefined,
		f.startedAfter !== undefined ? gte(runs.createdAt, f.startedAfter) : undefined,
		f.startedBefore !== undefined ? lt(runs.createdAt, f.startedBefore) : undefined,
		f.unfinished ? ne(runs.status, "COMPLETED") : undefined,
		f.search
			? or(
					sql`${runs.workflowIdentifier} LIKE ${likeContains(f.search)} ESCAPE '\\'`,
					sql`${runs.workflowTitle} LIKE ${likeContains(f.search)} ESCAPE '\\'`,
				)
			: undefined,
		f.visibleTo !== null
			? or(
					eq(runs.initiatedBy, f.visibleTo),
					eq(runs.requestedBy, f.visibleTo),
					eq(runs.visibleToAll, true),
				)
			: undefined,
		after
			? or(
					lt(runs.createdAt, after.createdAt),
					and(eq(runs.createdAt, after.createdAt), lt(runs.id, after.id)),
				)
			: undefined,
	];
	return and(...conditions);
}

export function listRuns(
	db: Database,
	tenantId: string,
	filter: RunFilter,
	page: { limit: number; after?: RunCursor },
): Promise<RunIndexRow[]> {
	return db
		.select()
		.from(runs)
		.where(where(tenantId, filter, page.after))
		.orderBy(desc(runs.createdAt), desc(runs.id))
		.limit(page.limit)
		.all();
}

/** The SQL a listing runs, for query-plan checks in tests. */
export function listRunsQuery(db: Database, tenantId: string, filter: RunFilter, limit: number) {
	return db
		.select()
		.from(runs)
		.where(where(tenantId, filter, { createdAt: Date.now(), id: "run_" }))
		.orderBy(desc(runs.createdAt), desc(runs.id))
		.limit(limit)
		.toSQL();
}

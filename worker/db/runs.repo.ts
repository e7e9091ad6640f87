import { and, eq, getTableColumns, gte, inArray, lt, ne, or, type SQL, sql } from "drizzle-orm";
import { SQLiteSyncDialect } from "drizzle-orm/sqlite-core";
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

const UNFINISHED_STATUSES = ["QUEUED", "IN_PROGRESS", "WAITING"];

/**
 * Where a listing reads from. Every source is ordered (tenant_id, [key,] created_at, id), so
 * each range (one per workflow or per status) yields its runs newest first and stops after a
 * page; several ranges are merged. `index: null` is the table itself (its primary key).
 */
interface AccessPath {
	index: string | null;
	ranges: SQL[];
}

/**
 * The planner is told which index to use (INDEXED BY), not left to guess: without statistics
 * it takes the primary key's `tenant_id = ?` for selective and would walk a whole tenant to
 * find a rare workflow. A partial index is only usable when the query repeats its condition
 * as written, hence the literal `status <> 'COMPLETED'` (a bound value would not match).
 * Filters without an index of their own (initiator, entity, result, search, COMPLETED, a
 * member's visibility) are checked row by row along the path: quick while matches are common,
 * a walk through the tenant's runs when none match (two index rows per run buy one ordering
 * besides time, and workflow is it). With a workflow and an unfinished status both given, the
 * status index wins: unfinished runs stay few while a workflow's history keeps growing.
 */
function accessPath(f: RunFilter): AccessPath {
	const unfinished = sql`${runs.status} <> 'COMPLETED'`;
	if (f.status && UNFINISHED_STATUSES.includes(f.status))
		return {
			index: "runs_unfinished_tenant_status_created",
			ranges: [and(eq(runs.status, f.status), unfinished) as SQL],
		};
	if (f.workflowIdentifiers?.length)
		return {
			index: "runs_tenant_workflow_created",
			ranges: [...new Set(f.workflowIdentifiers)].map((w) => eq(runs.workflowIdentifier, w)),
		};
	if (f.unfinished && f.status === undefined)
		return {
			index: "runs_unfinished_tenant_status_created",
			ranges: UNFINISHED_STATUSES.map((s) => and(eq(runs.status, s), unfinished) as SQL),
		};
	return { index: null, ranges: [sql`1`] };
}

const likeContains = (text: string) => `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;

/**
 * The conditions checked row by row along the access path; those the path already implies
 * are harmless repeats. created_at bounds and the cursor are ranges on every path.
 */
function rowFilter(tenantId: string, f: RunFilter, after?: RunCursor): SQL | undefined {
	return and(
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
		// A row value, so SQLite seeks straight to the cursor instead of reading up to it.
		after ? sql`(${runs.createdAt}, ${runs.id}) < (${after.createdAt}, ${after.id})` : undefined,
	);
}

/** One SELECT per range of the access path, each newest first and at most `limit` rows. */
function listStatements(tenantId: string, filter: RunFilter, limit: number, after?: RunCursor) {
	const path = accessPath(filter);
	const source = path.index
		? sql`${runs} INDEXED BY ${sql.identifier(path.index)}`
		: sql`${runs} NOT INDEXED`;
	const conditions = rowFilter(tenantId, filter, after);
	return path.ranges.map(
		(range) =>
			sql`SELECT * FROM ${source} WHERE ${range} AND ${conditions} ORDER BY ${runs.createdAt} DESC, ${runs.id} DESC LIMIT ${limit}`,
	);
}

const dialect = new SQLiteSyncDialect();
const columns = Object.entries(getTableColumns(runs));

/** Maps a raw D1 row (snake_case, booleans as 0/1) to the drizzle row type. */
function fromDriver(raw: Record<string, unknown>): RunIndexRow {
	const row: Record<string, unknown> = {};
	for (const [key, column] of columns) {
		const value = raw[column.name];
		row[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
	}
	return row as RunIndexRow;
}

const newestFirst = (a: RunIndexRow, b: RunIndexRow) =>
	b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

export async function listRuns(
	db: Database,
	tenantId: string,
	filter: RunFilter,
	page: { limit: number; after?: RunCursor },
): Promise<RunIndexRow[]> {
	if (filter.unfinished && filter.status === "COMPLETED") return [];
	// Straight to D1: drizzle's batch cannot run raw statements. Several ranges (workflows,
	// statuses) travel in one batch, and they never overlap.
	const d1 = db.$client;
	const statements = listStatements(tenantId, filter, page.limit, page.after).map((s) => {
		const { sql, params } = dialect.sqlToQuery(s);
		return d1.prepare(sql).bind(...params);
	});
	const pages =
		statements.length === 1
			? [await (statements[0] as D1PreparedStatement).all<Record<string, unknown>>()]
			: await d1.batch<Record<string, unknown>>(statements);
	return pages
		.flatMap((p) => p.results)
		.map(fromDriver)
		.sort(newestFirst)
		.slice(0, page.limit);
}

/** The statements a listing runs (one per range), for query-plan checks in tests. */
export function listRunsQueries(tenantId: string, filter: RunFilter, limit: number) {
	return listStatements(tenantId, filter, limit, { createdAt: Date.now(), id: "run_" }).map((s) =>
		dialect.sqlToQuery(s),
	);
}

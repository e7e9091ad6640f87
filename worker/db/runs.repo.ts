import { and, eq, getTableColumns, gte, inArray, lt, ne, or, type SQL, sql } from "drizzle-orm";
import { type SQLiteColumn, SQLiteSyncDialect } from "drizzle-orm/sqlite-core";
import type { RunIndexEntry } from "../../engine/control";
import { type Database, database } from "./client";
import { type RunIndexRow, runs } from "./schema";
import { likeContains } from "./workflows.repo";

/**
 * The D1 runs index, in one module (docs/ARCHITECTURE.md#the-runs-index): the run objects'
 * guarded upsert, the listings and the sweeper's query, all written against the drizzle schema,
 * so a renamed column fails to compile here.
 */

export interface RunFilter {
	workflowIdentifiers?: string[];
	status?: string;
	result?: string;
	initiatedBy?: string;
	triggerType?: string;
	entityId?: string;
	/** Only the child runs of this run. */
	parentRunId?: string;
	/** Epoch ms, inclusive. */
	startedAfter?: number;
	/** Epoch ms, exclusive. */
	startedBefore?: number;
	/** Substring of the workflow's identifier or title as the run has them. */
	search?: string;
	/** Workflows the search also finds by their current title or description (workflowsForRunListing). */
	describedWorkflowIds?: string[];
	/** Exactly this run (a run id pasted into search): its key, read from the run itself. */
	run?: RunCursor;
	/** Only runs this user may see (null: an admin sees all). */
	visibleTo: string | null;
	/** With visibleTo: the workflows that share their runs with everyone, as they are now. */
	sharedWorkflowIds?: string[];
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
 * Index rows one listing page may examine, at most (split across the ranges of its access
 * path, each range reading at least a page). Filters checked row by row (below) cost nothing
 * while matches are common, but when almost nothing matches a page would otherwise read the
 * whole tenant. A page that spends its budget returns the matches found so far and a cursor
 * after the last row examined, like DynamoDB's Limit and LastEvaluatedKey. Such a page reads
 * its rows three times, the pages after it twice (see listRunsPage): 15,000 rows read, tens of
 * milliseconds locally, where a tenant of 1,000,000 runs walked whole took hundreds. 5,000
 * still fills a 20-run page in one request for a filter that matches one run in 250.
 */
export const PAGE_SCAN_BUDGET = 5_000;

/**
 * Where a listing reads from. Every source is ordered (tenant_id, [key,] created_at, id), so
 * each range (one per workflow or per status) yields its runs newest first and stops after a
 * page; several ranges are merged. `index: null` is the table itself (its primary key).
 * `serves` says which filters the ranges already apply, so they are not checked again.
 */
interface AccessPath {
	index: string | null;
	ranges: SQL[];
	serves: "status" | "workflows" | "unfinished" | "parent" | null;
}

/**
 * The planner is told which index to use (INDEXED BY), not left to guess: without statistics
 * it takes the primary key's `tenant_id = ?` for selective and would walk a whole tenant to
 * find a rare workflow. A partial index is only usable when the query repeats its condition
 * as written, hence the literal `status <> 'COMPLETED'` (a bound value would not match).
 * Filters without an index of their own (initiator, entity, result, search, COMPLETED, a
 * member's visibility) are checked row by row along the path: quick while matches are common,
 * bounded by PAGE_SCAN_BUDGET per page when none match (two index rows per run buy one
 * ordering besides time, and workflow is it). With a workflow and an unfinished status both
 * given, the status index wins: unfinished runs stay few while a workflow's history keeps
 * growing.
 */
function accessPath(f: RunFilter): AccessPath {
	const unfinished = sql`${runs.status} <> 'COMPLETED'`;
	// A run's children are few, and only child runs are in this index.
	if (f.parentRunId)
		return {
			index: "runs_children_tenant_parent_created",
			ranges: [
				and(eq(runs.parentRunId, f.parentRunId), sql`${runs.parentRunId} IS NOT NULL`) as SQL,
			],
			serves: "parent",
		};
	if (f.status && UNFINISHED_STATUSES.includes(f.status))
		return {
			index: "runs_unfinished_tenant_status_created",
			ranges: [and(eq(runs.status, f.status), unfinished) as SQL],
			serves: "status",
		};
	if (f.workflowIdentifiers?.length)
		return {
			index: "runs_tenant_workflow_created",
			ranges: [...new Set(f.workflowIdentifiers)].map((w) => eq(runs.workflowIdentifier, w)),
			serves: "workflows",
		};
	if (f.unfinished && f.status === undefined)
		return {
			index: "runs_unfinished_tenant_status_created",
			ranges: UNFINISHED_STATUSES.map((s) => and(eq(runs.status, s), unfinished) as SQL),
			serves: "unfinished",
		};
	return { index: null, ranges: [sql`1`], serves: null };
}

/** The conditions every source seeks by: tenant, created_at bounds and the cursor. */
function seekConditions(tenantId: string, f: RunFilter, after?: RunCursor): SQL | undefined {
	return and(
		eq(runs.tenantId, tenantId),
		f.startedAfter !== undefined ? gte(runs.createdAt, f.startedAfter) : undefined,
		f.startedBefore !== undefined ? lt(runs.createdAt, f.startedBefore) : undefined,
		f.run ? and(eq(runs.createdAt, f.run.createdAt), eq(runs.id, f.run.id)) : undefined,
		// A row value, so SQLite seeks straight to the cursor instead of reading up to it.
		after ? sql`(${runs.createdAt}, ${runs.id}) < (${after.createdAt}, ${after.id})` : undefined,
	);
}

/**
 * The run's workflow is one of `ids` (undefined: none is). The ids travel as one delimited
 * string: `IN (subquery)` and long `IN` lists are looked up in a temporary b-tree, and D1 counts
 * (and bills) every lookup as a row read, which doubled the rows a page read. Workflow ids are
 * UUIDs, so the delimiter cannot occur in one.
 */
function workflowAmong(ids: string[] | undefined): SQL | undefined {
	if (!ids?.length) return undefined;
	return sql`instr(${`|${ids.join("|")}|`}, '|' || ${runs.workflowId} || '|') > 0`;
}

/** The conditions checked row by row along the access path (undefined: none, the path is exact). */
function rowChecks(f: RunFilter, path: AccessPath): SQL | undefined {
	return and(
		f.workflowIdentifiers?.length && path.serves !== "workflows"
			? inArray(runs.workflowIdentifier, f.workflowIdentifiers)
			: undefined,
		f.status && path.serves !== "status" ? eq(runs.status, f.status) : undefined,
		f.result ? eq(runs.result, f.result) : undefined,
		f.initiatedBy ? eq(runs.initiatedBy, f.initiatedBy) : undefined,
		f.triggerType ? eq(runs.triggerType, f.triggerType) : undefined,
		f.entityId ? eq(runs.entityId, f.entityId) : undefined,
		f.parentRunId && path.serves !== "parent" ? eq(runs.parentRunId, f.parentRunId) : undefined,
		f.unfinished && path.serves !== "unfinished" && path.serves !== "status"
			? ne(runs.status, "COMPLETED")
			: undefined,
		f.search
			? or(
					sql`${runs.workflowIdentifier} LIKE ${likeContains(f.search)} ESCAPE '\\'`,
					sql`${runs.workflowTitle} LIKE ${likeContains(f.search)} ESCAPE '\\'`,
					workflowAmong(f.describedWorkflowIds),
				)
			: undefined,
		visibleRuns(f),
	);
}

/** The runs `visibleTo` may see: their own, and those of workflows that share their runs. */
export function visibleRuns(
	f: Pick<RunFilter, "visibleTo" | "sharedWorkflowIds">,
): SQL | undefined {
	return f.visibleTo !== null
		? or(
				eq(runs.initiatedBy, f.visibleTo),
				eq(runs.requestedBy, f.visibleTo),
				workflowAmong(f.sharedWorkflowIds),
			)
		: undefined;
}

interface RangeRead {
	/** At most `limit` matching rows of the range, newest first. */
	page: SQL;
	/** The row at position `budget` (where a page that found too few stopped), if it exists. */
	stop: SQL | null;
}

/**
 * One read per range of the access path. With a `budget` and row checks, the page reads the
 * range in a subquery that stops after `budget` rows (it still seeks by the cursor in the named
 * index), and the outer query keeps the matches. Only when that finds fewer than `limit` does
 * the caller ask, with `stop`, where the budget ran out: a window function numbering the rows
 * could tell in the same statement, but its buffer makes D1 count (and bill) every row read
 * three times, on every page, to answer a question most pages never ask.
 */
function listStatements(
	tenantId: string,
	filter: RunFilter,
	limit: number,
	after: RunCursor | undefined,
	budget: number | null,
): RangeRead[] {
	const path = accessPath(filter);
	const source = path.index
		? sql`${runs} INDEXED BY ${sql.identifier(path.index)}`
		: sql`${runs} NOT INDEXED`;
	const seek = seekConditions(tenantId, filter, after);
	const checks = rowChecks(filter, path);
	const newestFirst = sql`ORDER BY ${runs.createdAt} DESC, ${runs.id} DESC`;
	if (budget === null || checks === undefined)
		return path.ranges.map((range) => ({
			page: sql`SELECT * FROM ${source} WHERE ${range} AND ${and(seek, checks)} ${newestFirst} LIMIT ${limit}`,
			stop: null,
		}));
	const perRange = Math.max(limit, Math.ceil(budget / path.ranges.length));
	// The subquery runs as a co-routine handing rows over in its order (the plan tests pin this
	// shape), so the outer LIMIT keeps the newest matches.
	return path.ranges.map((range) => ({
		page: sql`SELECT * FROM (SELECT *, ${checks} AS matches FROM ${source} WHERE ${range} AND ${seek} ${newestFirst} LIMIT ${perRange}) WHERE matches LIMIT ${limit}`,
		stop: sql`SELECT ${runs.createdAt}, ${runs.id} FROM ${source} WHERE ${range} AND ${seek} ${newestFirst} LIMIT 1 OFFSET ${perRange - 1}`,
	}));
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

const compareNewestFirst = (a: RunCursor, b: RunCursor) =>
	b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
const newestFirst = (a: RunIndexRow, b: RunIndexRow) => compareNewestFirst(a, b);
const keyOf = (row: RunIndexRow): RunCursor => ({ createdAt: row.createdAt, id: row.id });

/** Runs the statements in one round trip (several ranges travel in one batch). */
async function run(db: Database, statements: SQL[]) {
	if (statements.length === 0) return [];
	// Straight to D1: drizzle's batch cannot run raw statements.
	const d1 = db.$client;
	const prepared = statements.map((s) => {
		const { sql, params } = dialect.sqlToQuery(s);
		return d1.prepare(sql).bind(...params);
	});
	const results =
		prepared.length === 1
			? [await (prepared[0] as D1PreparedStatement).all<Record<string, unknown>>()]
			: await d1.batch<Record<string, unknown>>(prepared);
	return results.map((r) => r.results);
}

/** Every matching run up to `limit`, however many rows that reads (bulk cancel). */
export async function listRuns(
	db: Database,
	tenantId: string,
	filter: RunFilter,
	page: { limit: number; after?: RunCursor },
): Promise<RunIndexRow[]> {
	if (filter.unfinished && filter.status === "COMPLETED") return [];
	const statements = listStatements(tenantId, filter, page.limit, page.after, null);
	// The ranges never overlap: merging is a sort.
	return (
		await run(
			db,
			statements.map((s) => s.page),
		)
	)
		.flat()
		.map(fromDriver)
		.sort(newestFirst)
		.slice(0, page.limit);
}

export interface RunPage {
	rows: RunIndexRow[];
	/** Where the next page starts; null when every matching run has been returned. */
	next: RunCursor | null;
	/** The budget ran out before the page filled: matches are sparse here. */
	short: boolean;
}

/**
 * One listing page that examines at most about `budget` index rows (PAGE_SCAN_BUDGET; tests
 * pass a small one). When the budget runs out before `limit` matches are found, the page holds
 * the matches so far (maybe none) and `next` is the last row examined, so paging on sees every
 * match exactly once, in order. With several ranges each stops at its own row; the page ends at
 * the newest of those stops (everything newer has been examined in every range), and matches
 * read beyond it are left for the next page. `short`: the previous page ran out of budget, so
 * this one likely will too and reads its stop in the first round trip.
 */
export async function listRunsPage(
	db: Database,
	tenantId: string,
	filter: RunFilter,
	page: { limit: number; after?: RunCursor; budget?: number; short?: boolean },
): Promise<RunPage> {
	if (filter.unfinished && filter.status === "COMPLETED")
		return { rows: [], next: null, short: false };
	// One more than the page, to know whether a full page is the last.
	const wanted = page.limit + 1;
	const statements = listStatements(
		tenantId,
		filter,
		wanted,
		page.after,
		page.budget ?? PAGE_SCAN_BUDGET,
	);
	const straightToStop = page.short === true && statements.every((s) => s.stop);
	const firstTry = straightToStop
		? statements.map(() => [])
		: await run(
				db,
				statements.map((s) => s.page),
			);
	// Ranges that found too few: read again with the row where the budget ran out, both in one
	// batch (one snapshot), so a run leaving the range between round trips (an unfinished
	// status finishing) cannot move that row past one the page never examined.
	const short = statements.flatMap((s, i) =>
		s.stop && (firstTry[i]?.length ?? 0) < wanted ? [{ i, page: s.page, stop: s.stop }] : [],
	);
	const again = await run(
		db,
		short.flatMap((s) => [s.page, s.stop]),
	);
	const pages = firstTry.map((raws) => raws.map(fromDriver));
	const stops: RunCursor[] = [];
	for (const [j, { i }] of short.entries()) {
		pages[i] = (again[2 * j] ?? []).map(fromDriver);
		const row = again[2 * j + 1]?.[0];
		if (row) stops.push({ createdAt: Number(row.created_at), id: String(row.id) });
	}
	for (const matches of pages)
		if (matches.length >= wanted) stops.push(keyOf(matches[wanted - 1] as RunIndexRow));
	// The page ends where the range that read least far stopped: everything newer has been
	// examined in every range; matches beyond it are the next page's.
	const stop = stops.sort(compareNewestFirst)[0];
	const examined = pages
		.flat()
		.filter((row) => !stop || compareNewestFirst(row, stop) <= 0)
		.sort(newestFirst);
	if (examined.length > page.limit) {
		const rows = examined.slice(0, page.limit);
		return { rows, next: keyOf(rows.at(-1) as RunIndexRow), short: false };
	}
	return { rows: examined, next: stop ?? null, short: stop !== undefined };
}

/**
 * What a listing page may run, per range of its access path: the page read, and the read of
 * where its budget ran out (null when nothing is checked row by row). For query-plan checks.
 */
export function listRunsQueries(tenantId: string, filter: RunFilter, limit: number) {
	const after = { createdAt: Date.now(), id: "run_" };
	return listStatements(tenantId, filter, limit + 1, after, PAGE_SCAN_BUDGET).map((s) => ({
		page: dialect.sqlToQuery(s.page),
		stop: s.stop ? dialect.sqlToQuery(s.stop) : null,
	}));
}

// ── the run objects' writes ─────────────────────────────────────────────────────────────────

const excluded = (column: SQLiteColumn) => sql.raw(`excluded."${column.name}"`);
const upserts = new WeakMap<Database, ReturnType<typeof prepareUpsert>>();

/**
 * The guarded upsert: a write that arrives late (an older version after a newer one, or a
 * retry after a crash) changes nothing, so writing is safe to repeat in any order. The row's
 * key is (tenant_id, created_at, id): created_at is fixed when the run is created, so every
 * write of a run lands on the same row. Only status, result and wake_at feed an index, so an
 * update rewrites index entries only when one of them changes.
 */
function prepareUpsert(db: Database) {
	const value = (name: keyof RunIndexEntry) => sql.placeholder(name);
	return db
		.insert(runs)
		.values({
			id: value("id"),
			tenantId: value("tenantId"),
			workflowId: value("workflowId"),
			workflowIdentifier: value("workflowIdentifier"),
			workflowTitle: value("workflowTitle"),
			version: value("version"),
			status: value("status"),
			result: value("result"),
			initiatedBy: value("initiatedBy"),
			requestedBy: value("requestedBy"),
			entityId: value("entityId"),
			parentRunId: value("parentRunId"),
			createdAt: value("createdAt"),
			startedAt: value("startedAt"),
			endedAt: value("endedAt"),
			wakeAt: value("wakeAt"),
			updatedAt: value("updatedAt"),
			indexVersion: value("indexVersion"),
			triggerType: value("triggerType"),
			trigger: value("trigger"),
		})
		.onConflictDoUpdate({
			target: [runs.tenantId, runs.createdAt, runs.id],
			set: {
				status: excluded(runs.status),
				result: excluded(runs.result),
				startedAt: excluded(runs.startedAt),
				endedAt: excluded(runs.endedAt),
				wakeAt: excluded(runs.wakeAt),
				updatedAt: excluded(runs.updatedAt),
				indexVersion: excluded(runs.indexVersion),
			},
			setWhere: sql`${excluded(runs.indexVersion)} >= ${runs.indexVersion}`,
		})
		.prepare();
}

/** Writes a run's index entry; returns the rows D1 reports written (index entries included, as billed). */
export async function writeRunIndexEntry(d1: D1Database, entry: RunIndexEntry): Promise<number> {
	const db = database(d1);
	let upsert = upserts.get(db);
	if (!upsert) {
		upsert = prepareUpsert(db);
		upserts.set(db, upsert);
	}
	// The entry is a row of the table as drizzle types it (a column it lacks fails here).
	const row: typeof runs.$inferInsert = entry;
	const { meta } = await upsert.run(row);
	return meta.rows_written;
}

// ── the sweeper's query ─────────────────────────────────────────────────────────────────────

/**
 * Unfinished runs past their wake-up time, across tenants (the one query that reads no single
 * tenant: the sweeper serves them all), most overdue first. It reads every unfinished run
 * through the status listings' partial index (finished runs, the vast majority, are not in it):
 * rows read cost a thousandth of rows written, and an index by wake-up time would cost every
 * run listed while it works one more row written (docs/ARCHITECTURE.md#the-runs-index). The
 * condition repeats the partial index's own (`status <> 'COMPLETED'`, as a literal) so SQLite
 * may read it.
 */
const dueRuns = (before: unknown, limit: unknown) =>
	dialect.sqlToQuery(
		sql`SELECT ${runs.id}, ${runs.tenantId} FROM ${runs} INDEXED BY ${sql.identifier("runs_unfinished_tenant_status_created")} WHERE ${runs.status} <> 'COMPLETED' AND ${runs.wakeAt} < ${before} ORDER BY ${runs.wakeAt} LIMIT ${limit}`,
	);

/** The sweeper's query as SQL (for query-plan checks); it binds (before, limit). */
export const DUE_RUNS_SQL = dueRuns(0, 0).sql;

export async function findDueRuns(
	d1: D1Database,
	before: number,
	limit: number,
): Promise<{ id: string; tenantId: string }[]> {
	const { sql: query, params } = dueRuns(before, limit);
	const { results } = await d1
		.prepare(query)
		.bind(...params)
		.all<{ id: string; tenant_id: string }>();
	return results.map((row) => ({ id: row.id, tenantId: row.tenant_id }));
}

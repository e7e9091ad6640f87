import { and, eq, getTableColumns, gte, lt, type SQL, sql } from "drizzle-orm";
import { type SQLiteColumn, SQLiteSyncDialect, type SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Database } from "./client";

/** Keyset position in a newest-first timeline: (at, id). */
export interface TimelineCursor {
	at: number;
	id: string;
}

/** A table of a tenant's time-ordered records (the audit log, failed starts). */
type Timeline = SQLiteTable & { tenantId: SQLiteColumn; at: SQLiteColumn; id: SQLiteColumn };

export interface TimelineQuery {
	/** Nothing older than this is read (the table's retention). Epoch ms, inclusive. */
	from: number;
	/** Epoch ms, exclusive. */
	before?: number;
	/** Conditions checked row by row (undefined: none). */
	checks?: SQL;
	/** A condition the index seeks by between tenant_id and at (its own column there), if any. */
	range?: SQL;
}

const dialect = new SQLiteSyncDialect();

/**
 * One newest-first page of a tenant's records in `table`, through `index` (tenant_id, at,
 * id). Filters that the index cannot narrow are checked row by row, within a budget of rows
 * examined per page, as the runs listing does (docs/ARCHITECTURE.md#the-runs-index): when the
 * budget runs out before the page fills, the page holds the matches so far and `next` is the
 * last row examined, so paging on sees every match once, in order, and no page reads a whole
 * tenant's history. Both reads travel in one batch (one snapshot).
 */
export async function timelinePage<T extends Timeline>(
	db: Database,
	table: T,
	index: string,
	tenantId: string,
	query: TimelineQuery,
	page: { limit: number; after?: TimelineCursor; budget: number },
): Promise<{ rows: T["$inferSelect"][]; next: TimelineCursor | null }> {
	const seek = and(
		eq(table.tenantId, tenantId),
		query.range,
		gte(table.at, query.from),
		query.before === undefined ? undefined : lt(table.at, query.before),
		page.after ? sql`(${table.at}, ${table.id}) < (${page.after.at}, ${page.after.id})` : undefined,
	);
	const source = sql`${table} INDEXED BY ${sql.identifier(index)}`;
	const newestFirst = sql`ORDER BY ${table.at} DESC, ${table.id} DESC`;
	const wanted = page.limit + 1;
	const statements = query.checks
		? [
				sql`SELECT * FROM (SELECT *, ${query.checks} AS matches FROM ${source} WHERE ${seek} ${newestFirst} LIMIT ${page.budget}) WHERE matches LIMIT ${wanted}`,
				sql`SELECT ${table.at}, ${table.id} FROM ${source} WHERE ${seek} ${newestFirst} LIMIT 1 OFFSET ${page.budget - 1}`,
			]
		: [sql`SELECT * FROM ${source} WHERE ${seek} ${newestFirst} LIMIT ${wanted}`];
	const d1 = db.$client;
	const results = await d1.batch<Record<string, unknown>>(
		statements.map((s) => {
			const { sql: text, params } = dialect.sqlToQuery(s);
			return d1.prepare(text).bind(...params);
		}),
	);
	const rows = (results[0]?.results ?? []).map((raw) => fromDriver<T["$inferSelect"]>(table, raw));
	const keyOf = (row: Record<string, unknown>) => ({ at: Number(row.at), id: String(row.id) });
	if (rows.length > page.limit) {
		const shown = rows.slice(0, page.limit);
		return { rows: shown, next: keyOf(shown.at(-1) as Record<string, unknown>) };
	}
	const stop = results[1]?.results[0];
	return { rows, next: stop ? keyOf(stop) : null };
}

/** A raw D1 row (snake_case) as the drizzle row type. */
function fromDriver<R>(table: SQLiteTable, raw: Record<string, unknown>): R {
	const row: Record<string, unknown> = {};
	for (const [key, column] of Object.entries(getTableColumns(table))) {
		const value = raw[column.name];
		row[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
	}
	return row as R;
}

import { sql } from "drizzle-orm";
import type { Database } from "./client";
import { type InputRequestRow, inputRequests } from "./schema";
import { type TimelineCursor, timelinePage } from "./timeline-page";

/**
 * The D1 table of input requests (docs/ARCHITECTURE.md#input-requests): the run objects' guarded
 * upsert and the listing behind `GET /v1/inputs`.
 */

export type InputRequestInsert = typeof inputRequests.$inferInsert;
export type { InputRequestRow };

/** Requests one listing page may examine, at most, for the checks made row by row. */
export const INPUT_REQUESTS_SCAN_BUDGET = 2_000;

const excluded = (name: string) => sql.raw(`excluded."${name}"`);

/**
 * Writes a run's requests as its index entry has them. Like the runs index, a write that arrives
 * late (an older index_version after a newer one, a retry after a crash) changes nothing, so it
 * is safe to repeat in any order. What a request asks (form, buttons, responders, when it
 * opened) is fixed when it opens, so an update rewrites only what changes with responses.
 */
export async function writeInputRequests(
	db: Database,
	rows: InputRequestInsert[],
): Promise<number> {
	if (rows.length === 0) return 0;
	const t = inputRequests;
	const upserts = rows.map((row) =>
		db
			.insert(t)
			.values(row)
			.onConflictDoUpdate({
				target: [t.tenantId, t.id],
				set: {
					status: excluded(t.status.name),
					closedAt: excluded(t.closedAt.name),
					responses: excluded(t.responses.name),
					respondedBy: excluded(t.respondedBy.name),
					decided: excluded(t.decided.name),
					indexVersion: excluded(t.indexVersion.name),
				},
				setWhere: sql`${excluded(t.indexVersion.name)} >= ${t.indexVersion}`,
			}),
	);
	const results = await db.batch(upserts as [(typeof upserts)[number], ...typeof upserts]);
	return results.reduce((sum, r) => sum + (r.meta.rows_written ?? 0), 0);
}

export type InputRequestStatus = "pending" | "answered" | "closed";

export interface InputRequestFilter {
	status: InputRequestStatus;
	/** Only the requests this principal may answer (pending) or was asked (answered, closed); null: all. */
	assignedTo: { subject: string; role: string } | null;
}

/**
 * `who` is one of the request's responders: a role or user it names, and not the run's initiator
 * where the node forbids that (as the run itself checks a response).
 */
function asks(who: { subject: string; role: string }) {
	const t = inputRequests;
	return sql`((EXISTS (SELECT 1 FROM json_each(${t.mayRoles}) WHERE value = ${who.role}) OR EXISTS (SELECT 1 FROM json_each(${t.mayUsers}) WHERE value = ${who.subject})) AND NOT (${t.allowInitiator} = 0 AND ${t.initiatedBy} = ${who.subject}))`;
}

const answeredBy = (subject: string) =>
	sql`EXISTS (SELECT 1 FROM json_each(${inputRequests.respondedBy}) WHERE value = ${subject})`;

/**
 * One newest-first page of the tenant's requests in a status. Pending requests are few, but the
 * closed ones pile up, so "mine" is checked row by row within a scan budget like the other
 * listings: a page may come back short, with a cursor to go on from.
 */
export function listInputRequests(
	db: Database,
	tenantId: string,
	filter: InputRequestFilter,
	page: { limit: number; after?: TimelineCursor; budget?: number },
) {
	const who = filter.assignedTo;
	const checks =
		who === null
			? undefined
			: filter.status === "pending"
				? sql`(${asks(who)} AND NOT ${answeredBy(who.subject)})`
				: sql`(${asks(who)} OR ${answeredBy(who.subject)})`;
	return timelinePage(
		db,
		inputRequests,
		"input_requests_tenant_status_at",
		tenantId,
		{ from: 0, range: sql`${inputRequests.status} = ${filter.status}`, checks },
		{ limit: page.limit, after: page.after, budget: page.budget ?? INPUT_REQUESTS_SCAN_BUDGET },
	);
}

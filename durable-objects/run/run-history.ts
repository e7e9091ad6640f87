import type { HistoryEvent } from "../../engine/run";

/** The key of the `run` table's log rows (run-store.ts); named rows never use it. */
export const LOG = "log";

/**
 * History pages from a run's log rows (see run-store.ts): events with seq > after, at most
 * `limit`, in order. One row holds all the events of one commit.
 */
export function historyAfter(sql: SqlStorage, after: number, limit: number): HistoryEvent[] {
	const events: HistoryEvent[] = [];
	// Start at the row holding seq after+1 (a primary-key seek), so paging deep into a long
	// history costs the same as reading its first page.
	let rows = sql
		.exec<{ first_seq: number; version: number; events: string }>(
			`SELECT seq AS first_seq, version, events FROM run
			 WHERE key = ?1 AND seq >= (SELECT coalesce(max(seq), 0) FROM run WHERE key = ?1 AND seq <= ?2)
			 ORDER BY seq, version LIMIT ?3`,
			LOG,
			after + 1,
			limit,
		)
		.toArray();
	while (rows.length > 0) {
		for (const row of rows) {
			for (const event of JSON.parse(row.events) as HistoryEvent[]) {
				if (event.seq <= after) continue;
				events.push(event);
				if (events.length >= limit) return events;
			}
		}
		// Only rows without events (none today) leave the page short: read on past them.
		const last = rows.at(-1) as { first_seq: number; version: number };
		rows =
			rows.length < limit
				? []
				: sql
						.exec<{ first_seq: number; version: number; events: string }>(
							`SELECT seq AS first_seq, version, events FROM run
				 WHERE key = ? AND (seq, version) > (?, ?) ORDER BY seq, version LIMIT ?`,
							LOG,
							last.first_seq,
							last.version,
							limit,
						)
						.toArray();
	}
	return events;
}

import type { HistoryEvent } from "../../engine/run";

/**
 * History pages from a run's `run_log` (see run-store.ts): events with seq > after, at most
 * `limit`, in order.
 */
export function historyAfter(sql: SqlStorage, after: number, limit: number): HistoryEvent[] {
	const events: HistoryEvent[] = [];
	// Start at the row holding seq after+1 (a primary-key seek), so paging deep into a long
	// history costs the same as reading its first page.
	let rows = sql
		.exec<{ first_seq: number; version: number; events: string }>(
			`SELECT first_seq, version, events FROM run_log
			 WHERE first_seq >= (SELECT coalesce(max(first_seq), 0) FROM run_log WHERE first_seq <= ?)
			 ORDER BY first_seq, version LIMIT ?`,
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
							`SELECT first_seq, version, events FROM run_log
				 WHERE (first_seq, version) > (?, ?) ORDER BY first_seq, version LIMIT ?`,
							last.first_seq,
							last.version,
							limit,
						)
						.toArray();
	}
	return events;
}

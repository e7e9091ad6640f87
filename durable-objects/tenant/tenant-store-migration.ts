/**
 * The first TenantObject layout (tables `idempotency`, `slots`, `notifications`, each a rowid
 * table with a text key and secondary indexes) cost up to three storage rows per write. An
 * object that still has it is moved to the current tables once, inside the constructor's
 * transaction, before anything reads: keys, stored responses, slot holders, the queue's order
 * and pending notifications all carry over, and the old tables are dropped.
 */
export function migrateFirstLayout(sql: SqlStorage): void {
	const old = new Set(
		sql
			.exec<{ name: string }>(
				`SELECT name FROM sqlite_master
				 WHERE type = 'table' AND name IN ('idempotency', 'slots', 'notifications')`,
			)
			.toArray()
			.map((r) => r.name),
	);
	if (old.has("idempotency")) {
		sql.exec(
			`INSERT OR IGNORE INTO idempotency_keys (key, fingerprint, state, expires_at, response)
			 SELECT key, fingerprint, state, expires_at, response FROM idempotency`,
		);
		sql.exec("DROP TABLE idempotency");
	}
	if (old.has("slots")) {
		// A holder's pending notification moves onto its row; the old seq keeps the grant order.
		const notice = old.has("notifications")
			? "(SELECT n.attempts FROM notifications n WHERE n.run_id = s.run_id), (SELECT n.due_at FROM notifications n WHERE n.run_id = s.run_id)"
			: "NULL, NULL";
		sql.exec(
			`INSERT OR IGNORE INTO slot_holders (run_id, grant_seq, notify_attempts, notify_due_at)
			 SELECT s.run_id, s.seq, ${notice} FROM slots s WHERE s.state = 'in_progress'`,
		);
		sql.exec(
			`INSERT OR IGNORE INTO slot_queue (seq, run_id)
			 SELECT seq, run_id FROM slots WHERE state = 'queued'`,
		);
		sql.exec("DROP TABLE slots");
	}
	if (old.has("notifications")) sql.exec("DROP TABLE notifications");
}

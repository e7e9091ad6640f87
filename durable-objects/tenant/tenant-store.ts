import {
	DEFAULT_SETTINGS,
	type IdempotencyEntry,
	type SlotState,
	type StoredResponse,
	type TenantSettings,
} from "./admission";

/**
 * The TenantObject's SQLite storage. Everything the object decides from lives here, never only
 * in memory, so slot counts, the queue's order and stored responses survive restarts and
 * evictions (DESIGN §4 rule 7). Every method is one synchronous statement or a few inside the
 * caller's transaction: the object is single-threaded and nothing interleaves a sync call.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS idempotency (
	key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, state TEXT NOT NULL,
	expires_at INTEGER NOT NULL, response TEXT);
CREATE INDEX IF NOT EXISTS idempotency_expiry ON idempotency (expires_at);
CREATE TABLE IF NOT EXISTS slots (
	run_id TEXT PRIMARY KEY, state TEXT NOT NULL, seq INTEGER NOT NULL, since INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS slots_order ON slots (state, seq);
CREATE TABLE IF NOT EXISTS notifications (
	id INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT NOT NULL UNIQUE,
	attempts INTEGER NOT NULL, due_at INTEGER NOT NULL);
`;

type Row = Record<string, SqlStorageValue>;

export interface PendingNotification {
	id: number;
	runId: string;
	attempts: number;
	dueAt: number;
}

export class TenantStore {
	constructor(private readonly storage: DurableObjectStorage) {
		storage.sql.exec(SCHEMA);
	}

	private all<T extends Row>(query: string, ...bindings: SqlStorageValue[]): T[] {
		return this.storage.sql.exec<T>(query, ...bindings).toArray();
	}

	private one<T extends Row>(query: string, ...bindings: SqlStorageValue[]): T | undefined {
		return this.all<T>(query, ...bindings)[0];
	}

	transaction<T>(body: () => T): T {
		return this.storage.transactionSync(body);
	}

	// ── meta ──

	getMeta<T>(key: string): T | null {
		const row = this.one<{ value: string }>("SELECT value FROM meta WHERE key = ?", key);
		return row ? (JSON.parse(row.value) as T) : null;
	}

	putMeta(key: string, value: unknown): void {
		this.storage.sql.exec(
			"INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
			key,
			JSON.stringify(value),
		);
	}

	settings(): TenantSettings {
		return { ...DEFAULT_SETTINGS, ...this.getMeta<Partial<TenantSettings>>("settings") };
	}

	// ── idempotency ──

	idempotencyEntry(key: string): IdempotencyEntry | null {
		const row = this.one<{
			fingerprint: string;
			state: string;
			expires_at: number;
			response: string | null;
		}>("SELECT fingerprint, state, expires_at, response FROM idempotency WHERE key = ?", key);
		if (!row) return null;
		const base = { fingerprint: row.fingerprint, expiresAt: row.expires_at };
		if (row.state === "done" && row.response !== null) {
			return { state: "done", ...base, response: JSON.parse(row.response) as StoredResponse };
		}
		return { state: "in_flight", ...base };
	}

	putInFlight(key: string, fingerprint: string, expiresAt: number): void {
		this.storage.sql.exec(
			`INSERT OR REPLACE INTO idempotency (key, fingerprint, state, expires_at, response)
			 VALUES (?, ?, 'in_flight', ?, NULL)`,
			key,
			fingerprint,
			expiresAt,
		);
	}

	putDone(key: string, fingerprint: string, expiresAt: number, response: StoredResponse): void {
		this.storage.sql.exec(
			`INSERT OR REPLACE INTO idempotency (key, fingerprint, state, expires_at, response)
			 VALUES (?, ?, 'done', ?, ?)`,
			key,
			fingerprint,
			expiresAt,
			JSON.stringify(response),
		);
	}

	/** Forgets a key only while it is in flight: a stored response is never dropped early. */
	deleteInFlight(key: string): void {
		this.storage.sql.exec("DELETE FROM idempotency WHERE key = ? AND state = 'in_flight'", key);
	}

	pruneIdempotency(now: number): void {
		this.storage.sql.exec("DELETE FROM idempotency WHERE expires_at <= ?", now);
	}

	nextIdempotencyExpiry(): number | null {
		return (
			this.one<{ t: number | null }>("SELECT MIN(expires_at) AS t FROM idempotency")?.t ?? null
		);
	}

	// ── slots ──

	slotState(runId: string): SlotState | null {
		const row = this.one<{ state: string }>("SELECT state FROM slots WHERE run_id = ?", runId);
		return (row?.state as SlotState | undefined) ?? null;
	}

	countSlots(state: SlotState): number {
		return (
			this.one<{ n: number }>("SELECT COUNT(*) AS n FROM slots WHERE state = ?", state)?.n ?? 0
		);
	}

	/** Run ids in the given state, oldest first (for the queue: the order they will start in). */
	runs(state: SlotState): string[] {
		return this.all<{ run_id: string }>(
			"SELECT run_id FROM slots WHERE state = ? ORDER BY seq",
			state,
		).map((r) => r.run_id);
	}

	/** 1-based place in the queue: how many queued runs are ahead of this one, plus one. */
	queuePosition(runId: string): number {
		return (
			this.one<{ n: number }>(
				`SELECT COUNT(*) AS n FROM slots WHERE state = 'queued'
				 AND seq <= (SELECT seq FROM slots WHERE run_id = ?)`,
				runId,
			)?.n ?? 0
		);
	}

	/** A new row goes after every existing one: seq only grows among the rows that exist. */
	insertSlot(runId: string, state: SlotState, now: number): void {
		this.storage.sql.exec(
			`INSERT INTO slots (run_id, state, seq, since)
			 VALUES (?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM slots), ?)`,
			runId,
			state,
			now,
		);
	}

	markInProgress(runId: string, now: number): void {
		this.storage.sql.exec(
			"UPDATE slots SET state = 'in_progress', since = ? WHERE run_id = ?",
			now,
			runId,
		);
	}

	deleteSlot(runId: string, onlyIn?: SlotState): void {
		if (onlyIn) {
			this.storage.sql.exec("DELETE FROM slots WHERE run_id = ? AND state = ?", runId, onlyIn);
		} else {
			this.storage.sql.exec("DELETE FROM slots WHERE run_id = ?", runId);
		}
	}

	// ── notifications ──

	/**
	 * A run's pending "your slot is ready" call. A new grant replaces an older row with a new id,
	 * so a delivery that finishes late deletes only the row it delivered, never a newer one.
	 */
	addNotification(runId: string, dueAt: number): void {
		this.deleteNotifications(runId);
		this.storage.sql.exec(
			"INSERT INTO notifications (run_id, attempts, due_at) VALUES (?, 0, ?)",
			runId,
			dueAt,
		);
	}

	/** In grant order (ids only grow). */
	notifications(): PendingNotification[] {
		return this.all<{ id: number; run_id: string; attempts: number; due_at: number }>(
			"SELECT id, run_id, attempts, due_at FROM notifications ORDER BY id",
		).map((r) => ({ id: r.id, runId: r.run_id, attempts: r.attempts, dueAt: r.due_at }));
	}

	deleteNotification(id: number): void {
		this.storage.sql.exec("DELETE FROM notifications WHERE id = ?", id);
	}

	deleteNotifications(runId: string): void {
		this.storage.sql.exec("DELETE FROM notifications WHERE run_id = ?", runId);
	}

	postponeNotification(id: number, attempts: number, dueAt: number): void {
		this.storage.sql.exec(
			"UPDATE notifications SET attempts = ?, due_at = ? WHERE id = ?",
			attempts,
			dueAt,
			id,
		);
	}

	nextNotificationDue(): number | null {
		return this.one<{ t: number | null }>("SELECT MIN(due_at) AS t FROM notifications")?.t ?? null;
	}
}

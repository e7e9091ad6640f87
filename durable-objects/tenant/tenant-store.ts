import {
	DEFAULT_SETTINGS,
	type IdempotencyEntry,
	type ResponseToStore,
	type SlotState,
	type StoredResponse,
	type TenantSettings,
} from "./admission";
import { migrateFirstLayout } from "./tenant-store-migration";

/**
 * The TenantObject's SQLite storage. Everything the object decides from lives here, never only
 * in memory, so slots, the queue's order and stored responses survive restarts and evictions
 * (docs/ARCHITECTURE.md#memory-is-disposable); the few counts kept in memory are rebuilt from these rows on load.
 *
 * Rows are laid out for the storage rows each run writes (billed per row, and every index is a
 * row of its own): the per-key and per-slot tables are WITHOUT ROWID with no second index, so
 * taking a key, storing its response, taking a slot and giving it back write one row each.
 * Only the queue, which must be found both by run and in order, pays for a second index.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS idempotency_keys (
	key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, state TEXT NOT NULL,
	expires_at INTEGER NOT NULL, response TEXT) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS slot_holders (
	run_id TEXT PRIMARY KEY, grant_seq INTEGER NOT NULL,
	notify_attempts INTEGER, notify_due_at INTEGER) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS slot_queue (seq INTEGER PRIMARY KEY, run_id TEXT NOT NULL UNIQUE);
`;

type Row = Record<string, SqlStorageValue>;

/** Where a run stands with the tenant; `seq` orders the queue and tells grants apart. */
export interface SlotRow {
	state: SlotState;
	seq: number;
}

/** A granted run not yet told, keyed by the grant it is about. */
export interface PendingNotification {
	runId: string;
	grantSeq: number;
	attempts: number;
	dueAt: number;
	/**
	 * The run took this slot itself (it asked and was answered): the call, once due, only
	 * checks that the run stored the grant (see slots.ts, CHECK_HOLDER_AFTER_MS).
	 */
	check: boolean;
}

/** How a new slot holder is to be told: a queued run at once, a run that asked later, as a check. */
export type HolderNotice = { kind: "tell"; retryAt: number } | { kind: "check"; at: number };

interface SlotCounts {
	inProgress: number;
	queued: number;
	/** Above every seq in either table: seq only grows among the rows that exist. */
	nextSeq: number;
}

export class TenantStore {
	/** A cache of the slot tables' sizes; null until first needed and after a failed write. */
	private counts: SlotCounts | null = null;
	/** The next seq handed out before the counts were last dropped: seqs never go back. */
	private seqFloor = 1;

	constructor(private readonly storage: DurableObjectStorage) {
		storage.transactionSync(() => {
			storage.sql.exec(SCHEMA);
			migrateFirstLayout(storage.sql);
		});
	}

	private all<T extends Row>(query: string, ...bindings: SqlStorageValue[]): T[] {
		return this.storage.sql.exec<T>(query, ...bindings).toArray();
	}

	private one<T extends Row>(query: string, ...bindings: SqlStorageValue[]): T | undefined {
		return this.all<T>(query, ...bindings)[0];
	}

	/** Rows written by one statement (a DELETE that matched nothing writes none). */
	private write(query: string, ...bindings: SqlStorageValue[]): number {
		const cursor = this.storage.sql.exec(query, ...bindings);
		cursor.toArray();
		return cursor.rowsWritten;
	}

	/** All or nothing; a body that throws also drops the cached counts, rebuilt on next use. */
	transaction<T>(body: () => T): T {
		try {
			return this.storage.transactionSync(body);
		} catch (err) {
			this.seqFloor = Math.max(this.seqFloor, this.counts?.nextSeq ?? 0);
			this.counts = null;
			throw err;
		}
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
		}>("SELECT fingerprint, state, expires_at, response FROM idempotency_keys WHERE key = ?", key);
		if (!row) return null;
		const base = { fingerprint: row.fingerprint, expiresAt: row.expires_at };
		if (row.state === "done" && row.response !== null) {
			return { state: "done", ...base, response: JSON.parse(row.response) as StoredResponse };
		}
		return { state: "in_flight", ...base };
	}

	putInFlight(key: string, fingerprint: string, expiresAt: number): void {
		this.storage.sql.exec(
			`INSERT OR REPLACE INTO idempotency_keys (key, fingerprint, state, expires_at, response)
			 VALUES (?, ?, 'in_flight', ?, NULL)`,
			key,
			fingerprint,
			expiresAt,
		);
	}

	putDone(key: string, fingerprint: string, expiresAt: number, response: ResponseToStore): void {
		this.storage.sql.exec(
			`INSERT OR REPLACE INTO idempotency_keys (key, fingerprint, state, expires_at, response)
			 VALUES (?, ?, 'done', ?, ?)`,
			key,
			fingerprint,
			expiresAt,
			JSON.stringify(response),
		);
	}

	/** Forgets a key only while it is in flight: a stored response is never dropped early. */
	deleteInFlight(key: string): void {
		this.storage.sql.exec(
			"DELETE FROM idempotency_keys WHERE key = ? AND state = 'in_flight'",
			key,
		);
	}

	/**
	 * Deletes expired keys and returns the earliest expiry left (null: no keys). There is no
	 * index on the expiry (it would be a second row for every key written), so this reads every
	 * key: the object calls it from the alarm, at most once per sweep interval.
	 */
	sweepIdempotency(now: number): number | null {
		this.storage.sql.exec("DELETE FROM idempotency_keys WHERE expires_at <= ?", now);
		return (
			this.one<{ t: number | null }>("SELECT MIN(expires_at) AS t FROM idempotency_keys")?.t ?? null
		);
	}

	// ── slots ──

	private slotCounts(): SlotCounts {
		if (this.counts) return this.counts;
		type Size = { n: number; top: number | null };
		const holders = this.one<Size>("SELECT COUNT(*) AS n, MAX(grant_seq) AS top FROM slot_holders");
		const queue = this.one<Size>("SELECT COUNT(*) AS n, MAX(seq) AS top FROM slot_queue");
		this.counts = {
			inProgress: holders?.n ?? 0,
			queued: queue?.n ?? 0,
			nextSeq: Math.max(holders?.top ?? 0, queue?.top ?? 0, this.seqFloor - 1) + 1,
		};
		return this.counts;
	}

	countInProgress(): number {
		return this.slotCounts().inProgress;
	}

	countQueued(): number {
		return this.slotCounts().queued;
	}

	slotOf(runId: string): SlotRow | null {
		const holder = this.one<{ seq: number }>(
			"SELECT grant_seq AS seq FROM slot_holders WHERE run_id = ?",
			runId,
		);
		if (holder) return { state: "in_progress", seq: holder.seq };
		const queued = this.one<{ seq: number }>("SELECT seq FROM slot_queue WHERE run_id = ?", runId);
		return queued ? { state: "queued", seq: queued.seq } : null;
	}

	/** Run ids holding a slot, in grant order (at most the limit: a short read). */
	inProgressRuns(): string[] {
		return this.all<{ run_id: string }>("SELECT run_id FROM slot_holders ORDER BY grant_seq").map(
			(r) => r.run_id,
		);
	}

	/** The whole queue, oldest first (inspection only: it reads every queued row). */
	queuedRuns(): string[] {
		return this.oldestQueued(-1).map((r) => r.runId);
	}

	/** The `limit` oldest queued runs (limit -1: all), read in queue order from the seq key. */
	oldestQueued(limit: number): { seq: number; runId: string }[] {
		return this.all<{ seq: number; run_id: string }>(
			"SELECT seq, run_id FROM slot_queue ORDER BY seq LIMIT ?",
			limit,
		).map((r) => ({ seq: r.seq, runId: r.run_id }));
	}

	/**
	 * 1-based place in the queue of the run queued as `seq`. Counts the rows ahead of it along the
	 * seq key; only a run asking again while queued needs this (a new run is last: `countQueued`).
	 */
	queuePosition(seq: number): number {
		return (
			this.one<{ n: number }>("SELECT COUNT(*) AS n FROM slot_queue WHERE seq <= ?", seq)?.n ?? 0
		);
	}

	/** Puts the run at the end of the queue. */
	enqueue(runId: string): void {
		const counts = this.slotCounts();
		this.write("INSERT INTO slot_queue (seq, run_id) VALUES (?, ?)", counts.nextSeq, runId);
		counts.nextSeq++;
		counts.queued++;
	}

	/**
	 * Gives the run a slot. A run that waited in the queue is told at once (again at `retryAt`
	 * if that fails); one that asked is answered now and checked on at `at`. The notice lives
	 * on the holder's row (a check is the row with a due time and no attempts). The grant's seq
	 * is new, so a notification delivered late for an older grant never clears this one.
	 */
	addHolder(runId: string, notice: HolderNotice): void {
		const counts = this.slotCounts();
		this.write(
			`INSERT INTO slot_holders (run_id, grant_seq, notify_attempts, notify_due_at)
			 VALUES (?, ?, ?, ?)`,
			runId,
			counts.nextSeq,
			notice.kind === "tell" ? 0 : null,
			notice.kind === "tell" ? notice.retryAt : notice.at,
		);
		counts.nextSeq++;
		counts.inProgress++;
	}

	/** Frees the run's slot; false when it held none. */
	deleteHolder(runId: string): boolean {
		const counts = this.slotCounts();
		const deleted = this.write("DELETE FROM slot_holders WHERE run_id = ?", runId) > 0;
		if (deleted) counts.inProgress--;
		return deleted;
	}

	/** Takes the run out of the queue; false when it was not queued. */
	deleteQueued(runId: string): boolean {
		const counts = this.slotCounts();
		const deleted = this.write("DELETE FROM slot_queue WHERE run_id = ?", runId) > 0;
		if (deleted) counts.queued--;
		return deleted;
	}

	// ── notifications (kept on the slot holder's row: a grant and its notice are one row) ──

	/** Granted runs not yet told, and holders still to be checked on, in grant order. */
	notifications(): PendingNotification[] {
		return this.all<{
			run_id: string;
			grant_seq: number;
			notify_attempts: number | null;
			notify_due_at: number;
		}>(
			`SELECT run_id, grant_seq, notify_attempts, notify_due_at FROM slot_holders
			 WHERE notify_due_at IS NOT NULL ORDER BY grant_seq`,
		).map((r) => ({
			runId: r.run_id,
			grantSeq: r.grant_seq,
			attempts: r.notify_attempts ?? 0,
			dueAt: r.notify_due_at,
			check: r.notify_attempts === null,
		}));
	}

	/** The run knows it holds its slot: nothing left to tell (a no-op when nothing is pending). */
	clearNotification(runId: string, grantSeq?: number): void {
		this.storage.sql.exec(
			`UPDATE slot_holders SET notify_attempts = NULL, notify_due_at = NULL
			 WHERE run_id = ? AND notify_due_at IS NOT NULL AND (? IS NULL OR grant_seq = ?)`,
			runId,
			grantSeq ?? null,
			grantSeq ?? null,
		);
	}

	postponeNotification(n: PendingNotification, attempts: number, dueAt: number): void {
		this.storage.sql.exec(
			`UPDATE slot_holders SET notify_attempts = ?, notify_due_at = ?
			 WHERE run_id = ? AND grant_seq = ? AND notify_due_at IS NOT NULL`,
			attempts,
			dueAt,
			n.runId,
			n.grantSeq,
		);
	}

	nextNotificationDue(): number | null {
		return (
			this.one<{ t: number | null }>("SELECT MIN(notify_due_at) AS t FROM slot_holders")?.t ?? null
		);
	}
}

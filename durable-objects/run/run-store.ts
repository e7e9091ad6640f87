import {
	type ConnectionState,
	type HistoryEvent,
	type ItemRun,
	type NodeRun,
	type RowWrite,
	type RunHeader,
	type RunState,
	type Timer,
	type Transition,
	transitionWrites,
} from "../../engine/run";
import type { RunIndexEntry } from "./run-index";
import type { RunMeta } from "./run-meta";

/**
 * The run's own SQLite storage: one row per node run, item run, settled connection and timer,
 * so a step writes only what changed. History is stored one row per transition (a batch of
 * events with consecutive seqs): a step's several events cost one row write, not one each.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS header (id INTEGER PRIMARY KEY CHECK (id = 1), value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS nodes (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS items (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS connections (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS timers (key TEXT PRIMARY KEY, at INTEGER NOT NULL, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS history (first_seq INTEGER PRIMARY KEY, last_seq INTEGER NOT NULL, events TEXT NOT NULL);
`;

/** The outbox: the newest index entry not yet confirmed written to D1, and the last one that was. */
export interface OutboxState {
	pending: RunIndexEntry | null;
	flushed: RunIndexEntry | null;
	/** When a failed flush is retried (part of the object's single alarm). */
	retryAt: number | null;
	failures: number;
}

export const EMPTY_OUTBOX: OutboxState = {
	pending: null,
	flushed: null,
	retryAt: null,
	failures: 0,
};

export class RunStore {
	constructor(private readonly storage: DurableObjectStorage) {
		storage.sql.exec(SCHEMA);
	}

	private get sql() {
		return this.storage.sql;
	}

	getMeta<T>(key: string): T | null {
		const row = this.sql
			.exec<{ value: string }>("SELECT value FROM meta WHERE key = ?", key)
			.toArray()[0];
		return row ? (JSON.parse(row.value) as T) : null;
	}

	putMeta(key: string, value: unknown): void {
		this.sql.exec(
			"INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
			key,
			JSON.stringify(value),
		);
	}

	runMeta(): RunMeta | null {
		return this.getMeta<RunMeta>("run");
	}

	outbox(): OutboxState {
		return this.getMeta<OutboxState>("outbox") ?? EMPTY_OUTBOX;
	}

	/** Rebuilds the engine state from rows: the same shape the engine left in memory. */
	loadState(): RunState | null {
		const header = this.sql
			.exec<{ value: string }>("SELECT value FROM header WHERE id = 1")
			.toArray()[0];
		if (!header) return null;
		const state: RunState = {
			header: JSON.parse(header.value) as RunHeader,
			nodes: {},
			items: {},
			connections: {},
			timers: {},
		};
		for (const row of this.sql.exec<{ key: string; value: string }>(
			"SELECT key, value FROM nodes",
		)) {
			state.nodes[row.key] = JSON.parse(row.value) as NodeRun;
		}
		for (const row of this.sql.exec<{ key: string; value: string }>(
			"SELECT key, value FROM items",
		)) {
			state.items[row.key] = JSON.parse(row.value) as ItemRun;
		}
		for (const row of this.sql.exec<{ key: string; value: string }>(
			"SELECT key, value FROM connections",
		)) {
			state.connections[row.key] = JSON.parse(row.value) as ConnectionState;
		}
		for (const row of this.sql.exec<{ key: string; value: string }>(
			"SELECT key, value FROM timers",
		)) {
			state.timers[row.key] = JSON.parse(row.value) as Timer;
		}
		return state;
	}

	/**
	 * Writes one transition: only the rows the engine says changed, the new history batch and
	 * the outbox. The caller runs this inside `transactionSync`, so all of it lands or none.
	 */
	persist(transition: Transition, outbox: OutboxState | null): void {
		const writes = transitionWrites(transition);
		if (writes.header) {
			this.sql.exec(
				"INSERT OR REPLACE INTO header (id, value) VALUES (1, ?)",
				JSON.stringify(writes.header),
			);
		}
		for (const write of writes.rows) this.writeRow(write);
		const first = writes.history[0];
		const last = writes.history.at(-1);
		if (first && last) {
			this.sql.exec(
				"INSERT INTO history (first_seq, last_seq, events) VALUES (?, ?, ?)",
				first.seq,
				last.seq,
				JSON.stringify(writes.history),
			);
		}
		// Most steps change nothing the index serves: then the outbox row is not rewritten.
		if (outbox) this.putMeta("outbox", outbox);
	}

	private writeRow(write: RowWrite): void {
		const { table, key, value } = write;
		if (value === null) {
			this.sql.exec(`DELETE FROM ${table} WHERE key = ?`, key);
		} else if (table === "timers") {
			this.sql.exec(
				"INSERT OR REPLACE INTO timers (key, at, value) VALUES (?, ?, ?)",
				key,
				value.at,
				JSON.stringify(value),
			);
		} else {
			this.sql.exec(
				`INSERT OR REPLACE INTO ${table} (key, value) VALUES (?, ?)`,
				key,
				JSON.stringify(value),
			);
		}
	}

	/** History events with seq > after, at most `limit`, in order. */
	historyAfter(after: number, limit: number): HistoryEvent[] {
		const events: HistoryEvent[] = [];
		// Start at the batch holding seq after+1 (a primary-key seek), so paging deep into a long
		// history costs the same as reading its first page.
		const rows = this.sql.exec<{ events: string }>(
			`SELECT events FROM history
			 WHERE first_seq >= (SELECT coalesce(max(first_seq), 0) FROM history WHERE first_seq <= ?)
			 ORDER BY first_seq LIMIT ?`,
			after + 1,
			limit,
		);
		for (const row of rows) {
			for (const event of JSON.parse(row.events) as HistoryEvent[]) {
				if (event.seq <= after) continue;
				events.push(event);
				if (events.length >= limit) return events;
			}
		}
		return events;
	}
}

import type { RunMeta } from "../../engine/control";
import {
	applyWrites,
	type HistoryEvent,
	type RowWrite,
	type RunHeader,
	type RunState,
	type Transition,
	transitionWrites,
} from "../../engine/run";
import { historyAfter } from "./run-history";
import {
	DEFAULT_SNAPSHOT_POLICY,
	type LogPosition,
	readSnapshotChunks,
	type Snapshot,
	type SnapshotPolicy,
	snapshotDue,
	writeSnapshotChunks,
} from "./run-snapshot";

/**
 * The run's own SQLite storage, laid out so one transition costs one row write (Durable
 * Objects bill rows written, index entries included):
 *
 * - `run_log`: one row per transition, holding its history batch and the state rows it changed
 *   (plus any control value — admission, outbox — that changed with it). History pages seek
 *   on `first_seq`; the state is the last snapshot plus a replay of the log rows after it.
 * - `run_meta`: the creation record, retries, control values written outside a transition
 *   (each stamped with the transition it follows, so replay never lets an older log row
 *   override a newer direct write), and the snapshot: the whole state at one transition, in
 *   chunks (a row holds at most 2 MB). The snapshot is rewritten only once the log after it
 *   outweighs it, so a long run loads in time proportional to its state and a snapshot costs
 *   a small fraction of a row per transition.
 *
 * Both tables are WITHOUT ROWID: one row per write, not a row plus an index entry (and two
 * tables, not more: creating each one is a row write too). The tables of the earlier layout
 * (`meta`, `header`, `nodes`, …) are refused, not misread.
 *
 * A new run's tables and creation record are written with its first write, in that write's
 * transaction: creating a run is one storage commit (each commit is a WAL sync on local disk),
 * and an object that is only ever read (a lookup of an unknown run id) writes nothing.
 */
const SCHEMA = [
	"CREATE TABLE IF NOT EXISTS run_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
	`CREATE TABLE IF NOT EXISTS run_log (
		first_seq INTEGER NOT NULL, version INTEGER NOT NULL, last_seq INTEGER NOT NULL,
		events TEXT NOT NULL, changes TEXT NOT NULL, PRIMARY KEY (first_seq, version)
	) WITHOUT ROWID`,
];

/**
 * Small values the host keeps beside the engine state (its controls: admission, outbox), by
 * name. The store only keeps them; what they mean is the host's.
 */
type Values = Record<string, unknown>;

/** What one transition's log row holds besides its history batch. */
interface LoggedChanges<C extends object> {
	header: RunHeader | null;
	rows: RowWrite[];
	controls: C;
	/** Too large to log: the snapshot at this transition holds its changes (never replayed). */
	inSnapshot?: true;
	/** Characters in the log before this row, plus this row's events (its changes are added on load). */
	logChars?: number;
}

const IN_SNAPSHOT = JSON.stringify({
	header: null,
	rows: [],
	controls: {},
	inSnapshot: true,
} satisfies LoggedChanges<Values>);

/** Everything stored, as of the newest committed transition. */
export interface LoadedRun<C extends object> {
	state: RunState | null;
	controls: C;
}

/** `C`: the controls' names and values, as the host stores them (all optional). */
export class RunStore<C extends object = Values> {
	private position: LogPosition | undefined;
	private readonly policy: SnapshotPolicy;

	/**
	 * The object had no tables when this store opened: a run being created, with nothing to
	 * read back (the host then skips the reads a load would make).
	 */
	readonly fresh: boolean;
	/** No tables yet: reads find nothing, and the first write creates them. */
	private schemaPending: boolean;
	/** The creation record given to `stageCreation`, and whether a write has stored it yet. */
	private creation: { meta: RunMeta; stored: boolean } | null = null;

	constructor(
		private readonly storage: DurableObjectStorage,
		policy: Partial<SnapshotPolicy> = {},
	) {
		this.policy = { ...DEFAULT_SNAPSHOT_POLICY, ...policy };
		const tables = this.storedTables();
		if (tables.includes("meta")) {
			throw new Error(
				"this run was stored in the earlier row-per-node layout, which this version does not read",
			);
		}
		this.fresh = tables.length === 0;
		this.schemaPending = this.fresh;
		// A store left with some of the tables (none is known today) gets the rest at once.
		if (!this.fresh && tables.length < SCHEMA.length) this.createSchema();
	}

	/** Which of this layout's tables, and the earlier layout's `meta`, the object has. */
	private storedTables(): string[] {
		return this.storage.sql
			.exec<{ name: string }>(
				"SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('meta', 'run_meta', 'run_log')",
			)
			.toArray()
			.map((t) => t.name);
	}

	private createSchema(): void {
		// One statement per exec: a cursor reports only its last statement's rows written.
		for (const statement of SCHEMA) this.storage.sql.exec(statement);
		this.schemaPending = false;
	}

	/**
	 * Every write calls this first, inside its own transaction: the tables, then a staged
	 * creation record, land with it or not at all.
	 */
	private beforeWrite(): void {
		if (this.schemaPending) this.createSchema();
		if (this.creation && !this.creation.stored) {
			this.writeMeta("run", this.creation.meta);
			this.creation.stored = true;
		}
	}

	/**
	 * Keeps a new run's creation record in memory until the run's first write, which stores it
	 * in the same transaction (see RunObject.start for why that is safe). Reads see it at once.
	 */
	stageCreation(meta: RunMeta): void {
		this.creation = { meta, stored: false };
	}

	private get sql() {
		return this.storage.sql;
	}

	getMeta<T>(key: string): T | null {
		if (this.schemaPending) return null;
		const row = this.sql
			.exec<{ value: string }>("SELECT value FROM run_meta WHERE key = ?", key)
			.toArray()[0];
		return row ? (JSON.parse(row.value) as T) : null;
	}

	putMeta(key: string, value: unknown): void {
		this.beforeWrite();
		this.writeMeta(key, value);
	}

	private writeMeta(key: string, value: unknown): void {
		this.sql.exec(
			"INSERT OR REPLACE INTO run_meta (key, value) VALUES (?, ?)",
			key,
			JSON.stringify(value),
		);
	}

	runMeta(): RunMeta | null {
		return this.creation?.meta ?? this.getMeta<RunMeta>("run");
	}

	/**
	 * Rebuilds the state and control values: the snapshot, then every log row after it, then
	 * any control written directly after the transition it is stamped with. A store with no
	 * tables yet reads nothing.
	 */
	load(): LoadedRun<C> {
		if (this.schemaPending) {
			this.position = {
				version: 0,
				rowsSinceSnapshot: 0,
				bytesSinceSnapshot: 0,
				snapshotBytes: 0,
				logChars: 0,
			};
			return { state: null, controls: {} as C };
		}
		const { snapshot, bytes } = readSnapshotChunks<C>(this.sql);
		let state = snapshot?.state ?? null;
		// Stored JSON, written from values of type C.
		const controls = { ...snapshot?.controls } as C;
		const controlVersion: Record<string, number> = {};
		for (const name of Object.keys(controls)) controlVersion[name] = snapshot?.version ?? 0;
		const position: LogPosition = {
			version: snapshot?.version ?? 0,
			rowsSinceSnapshot: 0,
			bytesSinceSnapshot: 0,
			snapshotBytes: bytes,
			logChars: snapshot?.logChars ?? 0,
		};
		const rows = this.sql.exec<{ version: number; changes: string }>(
			`SELECT version, changes FROM run_log
			 WHERE first_seq >= ? AND version > ? ORDER BY first_seq, version`,
			(snapshot?.lastSeq ?? 0) + 1,
			position.version,
		);
		for (const row of rows) {
			const changes = JSON.parse(row.changes) as LoggedChanges<C>;
			if (changes.inSnapshot) throw new Error(`log row ${row.version} has no snapshot to load`);
			state = applyWrites(state, { header: changes.header, rows: changes.rows, history: [] });
			Object.assign(controls, changes.controls);
			for (const name of Object.keys(changes.controls)) controlVersion[name] = row.version;
			position.version = row.version;
			position.rowsSinceSnapshot++;
			position.bytesSinceSnapshot += row.changes.length;
			position.logChars = (changes.logChars ?? position.logChars) + row.changes.length;
		}
		for (const row of this.sql.exec<{ key: string; value: string }>(
			"SELECT key, value FROM run_meta WHERE key >= 'control.' AND key < 'control/'",
		)) {
			const name = row.key.slice("control.".length);
			const stored = JSON.parse(row.value) as { stamp: number; value: unknown };
			// Written after transition `stamp` committed: newer than that transition's log row.
			if (stored.stamp >= (controlVersion[name] ?? 0))
				Object.assign(controls, { [name]: stored.value });
		}
		this.position = position;
		return { state, controls };
	}

	/** A control value written outside a transition (its own small transaction). */
	putControl<K extends keyof C & string>(name: K, value: C[K]): void {
		this.putMeta(`control.${name}`, { stamp: this.logPosition().version, value });
	}

	/**
	 * Writes one transition as one log row: the rows the engine says changed, its history batch
	 * and the control values that changed with it. Now and then a snapshot follows (see
	 * `snapshotDue` in run-snapshot.ts); `allControls` is what it records besides the state. The caller runs this
	 * inside `transactionSync`, so all of it lands or none.
	 */
	persist(transition: Transition, changedControls: C, allControls: C): void {
		// Read where the log stands first: a first load must not see this transition's row.
		const position = this.logPosition();
		this.beforeWrite();
		const writes = transitionWrites(transition);
		const { header } = transition.state;
		const events = JSON.stringify(writes.history);
		const changes: LoggedChanges<C> = {
			header: writes.header,
			rows: writes.rows,
			controls: changedControls,
			logChars: position.logChars + events.length,
		};
		const changesJson = JSON.stringify(changes);
		const tooLarge = changesJson.length > this.policy.maxLoggedChangeChars;
		const logged = tooLarge ? IN_SNAPSHOT : changesJson;
		this.sql.exec(
			"INSERT INTO run_log (first_seq, version, last_seq, events, changes) VALUES (?, ?, ?, ?, ?)",
			writes.history[0]?.seq ?? header.lastSeq + 1,
			header.version,
			header.lastSeq,
			events,
			logged,
		);
		position.version = header.version;
		position.rowsSinceSnapshot++;
		position.bytesSinceSnapshot += changesJson.length;
		position.logChars += events.length + logged.length;
		if (tooLarge || snapshotDue(position, this.policy))
			this.writeSnapshot(transition.state, allControls);
	}

	/** Records the whole state as of the newest transition; later loads replay only the log rows after it. */
	private writeSnapshot(state: RunState, controls: C): void {
		const position = this.logPosition();
		const snapshot: Snapshot<C> = {
			version: state.header.version,
			lastSeq: state.header.lastSeq,
			logChars: position.logChars,
			state,
			controls,
		};
		const json = JSON.stringify(snapshot);
		this.beforeWrite();
		writeSnapshotChunks(this.sql, json, this.policy.chunkChars);
		position.version = state.header.version;
		position.rowsSinceSnapshot = 0;
		position.bytesSinceSnapshot = 0;
		position.snapshotBytes = json.length;
	}

	/**
	 * What the run keeps on disk, in characters of JSON: every log row (never shortened) and the
	 * snapshot. The engine fails a run past MAX_RUN_STORED_BYTES (docs/ARCHITECTURE.md#how-a-run-is-stored).
	 */
	storedChars(): number {
		const position = this.logPosition();
		return position.logChars + position.snapshotBytes;
	}

	private logPosition(): LogPosition {
		if (!this.position) this.load();
		return this.position as LogPosition;
	}

	/**
	 * After a failed transaction the position may count a row that never landed, and tables or a
	 * creation record written in it were rolled back: look again at what is stored.
	 */
	forgetPosition(): void {
		this.position = undefined;
		if (!this.fresh) return;
		this.schemaPending = this.storedTables().length === 0;
		if (this.creation) this.creation.stored = this.getMeta("run") !== null;
	}

	/** History events with seq > after, at most `limit`, in order (see run-history.ts). */
	historyAfter(after: number, limit: number): HistoryEvent[] {
		return this.schemaPending ? [] : historyAfter(this.sql, after, limit);
	}
}

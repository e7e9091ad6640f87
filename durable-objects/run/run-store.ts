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
import { historyAfter, LOG } from "./run-history";
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
 * The run's own SQLite storage: ONE `WITHOUT ROWID` table, `run`, laid out so one transition
 * costs one row write (Durable Objects bill rows written; creating a table costs two more):
 *
 * - log rows (`key` = 'log', `seq` = the transition's first history seq, `version`): one per
 *   transition, holding its history batch (`events`) and the state rows it changed, plus any
 *   control value (admission, outbox) that changed with it (`value`). The first one also holds
 *   the run's creation record. History pages seek on `seq`; the state is the last snapshot plus a
 *   replay of the log rows after it.
 * - named rows (`seq` = `version` = 0): the creation record when the run's first write was not a
 *   transition (a queued run), the retries, control values written outside a transition (each
 *   stamped with the transition it follows, so replay never lets an older log row override a
 *   newer direct write), and the snapshot: the whole state at one transition, in chunks (a row
 *   holds at most 2 MB). The snapshot is rewritten only once the log after it outweighs it, so a
 *   long run loads in time proportional to its state and a snapshot costs a small fraction of a
 *   row per transition.
 *
 * The table and creation record are written with the run's first write, in that write's
 * transaction: creating a run and running its first steps is one storage commit of three rows
 * (each commit is a WAL sync on local disk), and an object that is only ever read (a lookup of
 * an unknown run id) writes nothing. The tables of earlier layouts (`meta`, then `run_meta` and
 * `run_log`) are refused, not misread.
 */
const SCHEMA = `CREATE TABLE IF NOT EXISTS run (
	key TEXT NOT NULL, seq INTEGER NOT NULL, version INTEGER NOT NULL,
	events TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (key, seq, version)
) WITHOUT ROWID`;

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
	/** On the run's first log row: its creation record, stored with it. */
	creation?: RunMeta;
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
		if (tables.some((t) => t !== "run")) {
			throw new Error(
				`this run was stored in an earlier layout (${tables.join(", ")}), which this version does not read`,
			);
		}
		this.fresh = tables.length === 0;
		this.schemaPending = this.fresh;
	}

	/** Which of this layout's table and the earlier layouts' tables the object has. */
	private storedTables(): string[] {
		return this.storage.sql
			.exec<{ name: string }>(
				"SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('meta', 'run_meta', 'run_log', 'run')",
			)
			.toArray()
			.map((t) => t.name);
	}

	private createSchema(): void {
		this.storage.sql.exec(SCHEMA);
		this.schemaPending = false;
	}

	/**
	 * Every write calls this first, inside its own transaction: the table, then a staged creation
	 * record, land with it or not at all. A transition's log row carries the record itself
	 * (`creationToLog`); any other first write stores it as a named row.
	 */
	private beforeWrite(): void {
		if (this.schemaPending) this.createSchema();
		if (this.creation && !this.creation.stored) {
			this.writeMeta("run", this.creation.meta);
			this.creation.stored = true;
		}
	}

	/** The staged creation record, taken to ride in the log row being written (then stored). */
	private creationToLog(): RunMeta | undefined {
		if (!this.creation || this.creation.stored) return undefined;
		this.creation.stored = true;
		return this.creation.meta;
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
			.exec<{ value: string }>(
				"SELECT value FROM run WHERE key = ? AND seq = 0 AND version = 0",
				key,
			)
			.toArray()[0];
		return row ? (JSON.parse(row.value) as T) : null;
	}

	putMeta(key: string, value: unknown): void {
		this.beforeWrite();
		this.writeMeta(key, value);
	}

	private writeMeta(key: string, value: unknown): void {
		this.sql.exec(
			"INSERT OR REPLACE INTO run (key, seq, version, events, value) VALUES (?, 0, 0, '', ?)",
			key,
			JSON.stringify(value),
		);
	}

	runMeta(): RunMeta | null {
		return this.creation?.meta ?? this.storedCreation();
	}

	/** The creation record as stored: a named row, or on the first log row. */
	private storedCreation(): RunMeta | null {
		const named = this.getMeta<RunMeta>("run");
		if (named || this.schemaPending) return named;
		const first = this.sql
			.exec<{ value: string }>(
				"SELECT value FROM run WHERE key = ? ORDER BY seq, version LIMIT 1",
				LOG,
			)
			.toArray()[0];
		return first ? ((JSON.parse(first.value) as LoggedChanges<C>).creation ?? null) : null;
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
			`SELECT version, value AS changes FROM run
			 WHERE key = ? AND seq >= ? AND version > ? ORDER BY seq, version`,
			LOG,
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
			"SELECT key, value FROM run WHERE key >= 'control.' AND key < 'control/'",
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
		if (this.schemaPending) this.createSchema();
		const creation = this.creationToLog();
		const writes = transitionWrites(transition);
		const { header } = transition.state;
		const events = JSON.stringify(writes.history);
		const changes: LoggedChanges<C> = {
			header: writes.header,
			rows: writes.rows,
			controls: changedControls,
			logChars: position.logChars + events.length,
			...(creation ? { creation } : {}),
		};
		const changesJson = JSON.stringify(changes);
		const tooLarge = changesJson.length > this.policy.maxLoggedChangeChars;
		// Too large to log: the creation record then needs a row of its own.
		if (tooLarge && creation) this.writeMeta("run", creation);
		const logged = tooLarge ? IN_SNAPSHOT : changesJson;
		this.sql.exec(
			"INSERT INTO run (key, seq, version, events, value) VALUES (?, ?, ?, ?, ?)",
			LOG,
			writes.history[0]?.seq ?? header.lastSeq + 1,
			header.version,
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
		if (this.creation) this.creation.stored = this.storedCreation() !== null;
	}

	/** History events with seq > after, at most `limit`, in order (see run-history.ts). */
	historyAfter(after: number, limit: number): HistoryEvent[] {
		return this.schemaPending ? [] : historyAfter(this.sql, after, limit);
	}
}

/**
 * The storage side of the contract, so the shell (and the test driver) do not re-derive it:
 * which rows one transition writes. State = header + four keyed tables; a transition lists
 * the keys it touched, and a key missing from the state means "delete that row".
 */
import type { HistoryEvent, Transition } from "./events";
import type { ConnectionState, ItemRun, NodeRun, RunHeader, RunState, Timer } from "./state";

export type RowWrite =
	| { table: "nodes"; key: string; value: NodeRun | null }
	| { table: "items"; key: string; value: ItemRun | null }
	| { table: "connections"; key: string; value: ConnectionState | null }
	| { table: "timers"; key: string; value: Timer | null };

export interface TransitionWrites {
	/** The header row to write, null when unchanged. */
	header: RunHeader | null;
	/** Upserts (value) and deletes (null), O(changed). */
	rows: RowWrite[];
	/** Rows to append to the history table. */
	history: HistoryEvent[];
}

/** Everything one transition asks the shell to write, in one storage transaction. */
export function transitionWrites(t: Transition): TransitionWrites {
	if (t.ignored !== null) return { header: null, rows: [], history: [] };
	const s = t.state;
	const rows: RowWrite[] = [];
	for (const key of t.changes.nodes)
		rows.push({ table: "nodes", key, value: s.nodes[key] ?? null });
	for (const key of t.changes.items)
		rows.push({ table: "items", key, value: s.items[key] ?? null });
	for (const key of t.changes.connections) {
		rows.push({ table: "connections", key, value: s.connections[key] ?? null });
	}
	for (const key of t.changes.timers)
		rows.push({ table: "timers", key, value: s.timers[key] ?? null });
	return { header: t.changes.header ? s.header : null, rows, history: t.history };
}

/** Rows as stored, keyed like the state: loading them back IS the state. */
export type StoredRun = RunState;

/** Applies writes to an in-memory copy of the rows (what the test driver's "storage" does). */
export function applyWrites(stored: StoredRun | null, writes: TransitionWrites): StoredRun {
	if (stored === null && writes.header === null)
		throw new Error("the first write must include the header");
	const target: StoredRun = stored ?? {
		header: writes.header as RunHeader,
		nodes: {},
		items: {},
		connections: {},
		timers: {},
	};
	if (writes.header !== null) target.header = writes.header;
	for (const write of writes.rows) {
		const table = target[write.table] as Record<string, unknown>;
		if (write.value === null) delete table[write.key];
		else table[write.key] = write.value;
	}
	return target;
}

import type { RunState } from "../../engine/run";

/**
 * The snapshot half of a run's storage (see run-store.ts): when the whole state is rewritten,
 * and how it is split into named rows of the `run` table and read back. The log half stays in
 * RunStore.
 */

/**
 * When a snapshot is rewritten: once the log after the last one holds `maxReplayRows` rows, or
 * more bytes of state changes than both `minReplayBytes` and twice the snapshot. Each logged byte then pays for
 * at most about one snapshot byte, and a load reads O(state) whatever the run's length.
 */
export interface SnapshotPolicy {
	minReplayBytes: number;
	maxReplayRows: number;
	/** Characters per snapshot row: well under the 2 MB row limit even at 4 bytes a character. */
	chunkChars: number;
	/**
	 * A transition whose changed rows serialise longer than this is not logged row by row (its
	 * log row would risk the 2 MB row limit: a character is up to 3 bytes of UTF-8, and the
	 * row holds the events too): a snapshot at that transition is written instead, in chunks.
	 * Set well above one node's largest output (MAX_OUTPUT_BYTES), so a step that keeps one
	 * such output is logged like any other, and only a step keeping several is snapshotted.
	 */
	maxLoggedChangeChars: number;
}

export const DEFAULT_SNAPSHOT_POLICY: SnapshotPolicy = {
	minReplayBytes: 256 * 1024,
	maxReplayRows: 500,
	chunkChars: 256 * 1024,
	maxLoggedChangeChars: 512 * 1024,
};
const REPLAY_TO_SNAPSHOT_RATIO = 2;

export interface Snapshot<C extends object> {
	version: number;
	lastSeq: number;
	/** Characters in the log up to and including this version (absent on older snapshots). */
	logChars?: number;
	state: RunState;
	controls: C;
}

/** Where the log stands: what the next snapshot decision and stamps need. */
export interface LogPosition {
	/** Version of the newest committed transition (0 before the first). */
	version: number;
	rowsSinceSnapshot: number;
	bytesSinceSnapshot: number;
	snapshotBytes: number;
	/** Characters in every log row so far, events and changes: the log is never shortened. */
	logChars: number;
}

/** Snapshot chunk keys sort in chunk order and below SNAPSHOT_END ('/' follows '.'). */
const snapshotKey = (chunk: number) => `snapshot.${String(chunk).padStart(6, "0")}`;
const SNAPSHOT_END = "snapshot/";

/** Is the log since the last snapshot long enough that the next transition should write one? */
export function snapshotDue(position: LogPosition, policy: SnapshotPolicy): boolean {
	if (position.rowsSinceSnapshot >= policy.maxReplayRows) return true;
	return (
		position.bytesSinceSnapshot >
		Math.max(policy.minReplayBytes, REPLAY_TO_SNAPSHOT_RATIO * position.snapshotBytes)
	);
}

/** Stores a serialised snapshot as `chunkChars`-sized rows (a row holds at most 2 MB). */
export function writeSnapshotChunks(sql: SqlStorage, json: string, chunkChars: number): void {
	let chunks = 0;
	for (let at = 0; at < json.length; at += chunkChars) {
		sql.exec(
			"INSERT OR REPLACE INTO run (key, seq, version, events, value) VALUES (?, 0, 0, '', ?)",
			snapshotKey(chunks++),
			json.slice(at, at + chunkChars),
		);
	}
	// A smaller snapshot than the last one leaves its tail chunks behind: drop them.
	sql.exec("DELETE FROM run WHERE key >= ? AND key < ?", snapshotKey(chunks), SNAPSHOT_END);
}

export function readSnapshotChunks<C extends object>(
	sql: SqlStorage,
): { snapshot: Snapshot<C> | null; bytes: number } {
	const chunks = sql
		.exec<{ value: string }>(
			"SELECT value FROM run WHERE key >= ? AND key < ? ORDER BY key",
			snapshotKey(0),
			SNAPSHOT_END,
		)
		.toArray();
	if (chunks.length === 0) return { snapshot: null, bytes: 0 };
	const json = chunks.map((c) => c.value).join("");
	return { snapshot: JSON.parse(json) as Snapshot<C>, bytes: json.length };
}

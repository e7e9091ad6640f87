// Bytes kept per run on each side, as local workerd keeps them: every Durable Object and every
// Workflows instance is one SQLite database file (plus its WAL while open) under wrangler's
// state folder. Measured once the objects have closed (workerd keeps them open 10–15 s after
// their last call), so each file holds its checkpointed database. A local proxy for what the
// platform bills as stored GB-months; the run objects' own `databaseSize` (bench/worker/
// counters.ts) is the product-side figure the cost table uses, this one the like-for-like.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface StoredFiles {
	/** Databases (`*.sqlite` files) in the folder. */
	objects: number;
	/** Their bytes, WAL files included. */
	bytes: number;
	/** Of those, in WAL files (a database still open, or closed without a checkpoint). */
	walBytes: number;
	bytesPerObject: number;
	/**
	 * The databases' own size (page_count × page_size, the WAL applied), averaged over up to
	 * SAMPLE of them: what `databaseSize` reports for a Durable Object. NaN without the sqlite3
	 * command on PATH.
	 */
	logicalBytesPerObject: number;
}

const SAMPLE = 100;

/** A database's size with its WAL applied, read from a copy (the original may still be open). */
function logicalSize(dir: string, file: string): number {
	const scratch = mkdtempSync(join(tmpdir(), "stepline-size-"));
	try {
		copyFileSync(join(dir, file), join(scratch, "db.sqlite"));
		if (existsSync(join(dir, `${file}-wal`)))
			copyFileSync(join(dir, `${file}-wal`), join(scratch, "db.sqlite-wal"));
		const out = spawnSync(
			"sqlite3",
			[
				join(scratch, "db.sqlite"),
				"SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size();",
			],
			{ encoding: "utf8" },
		);
		return out.status === 0 ? Number(out.stdout.trim()) : Number.NaN;
	} finally {
		rmSync(scratch, { recursive: true, force: true });
	}
}

/** The SQLite files of every folder under `parent` whose name ends with `suffix`. */
export function storedFiles(parent: string, suffix: string): StoredFiles {
	let objects = 0;
	let bytes = 0;
	let walBytes = 0;
	const sampled: number[] = [];
	let folders: string[] = [];
	try {
		folders = readdirSync(parent).filter((name) => name.endsWith(suffix));
	} catch {
		// No such folder: nothing stored there.
	}
	for (const folder of folders) {
		for (const file of readdirSync(join(parent, folder))) {
			if (!/\.sqlite(-wal)?$/.test(file)) continue;
			const size = statSync(join(parent, folder, file)).size;
			if (file.endsWith(".sqlite")) {
				objects++;
				if (sampled.length < SAMPLE) sampled.push(logicalSize(join(parent, folder), file));
			} else walBytes += size;
			bytes += size;
		}
	}
	return {
		objects,
		bytes,
		walBytes,
		bytesPerObject: objects ? Math.round(bytes / objects) : Number.NaN,
		logicalBytesPerObject: sampled.length
			? Math.round(sampled.reduce((a, b) => a + b, 0) / sampled.length)
			: Number.NaN,
	};
}

/** Run objects and Workflows instances of a bench server's state, per database file. */
export function storedPerRun(persistDir: string) {
	return {
		runObject: storedFiles(join(persistDir, "v3", "do"), "-RunObject"),
		workflowInstance: storedFiles(join(persistDir, "v3", "workflows"), ""),
	};
}

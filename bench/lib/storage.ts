// Bytes kept per run on each side, as local workerd keeps them: every Durable Object and every
// Workflows instance is one SQLite database file (plus its WAL while open) under wrangler's
// state folder. Measured once the objects have closed (workerd keeps them open 10–15 s after
// their last call), so each file holds its checkpointed database. A local proxy for what the
// platform bills as stored GB-months; the run objects' own `databaseSize` (bench/worker/
// counters.ts) is the product-side figure the cost table uses, this one the like-for-like.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

export interface StoredFiles {
	/** Databases (`*.sqlite` files) in the folder. */
	objects: number;
	/** Their bytes, WAL files included. */
	bytes: number;
	/** Of those, in WAL files (a database still open, or closed without a checkpoint). */
	walBytes: number;
	bytesPerObject: number;
}

/** The SQLite files of every folder under `parent` whose name ends with `suffix`. */
export function storedFiles(parent: string, suffix: string): StoredFiles {
	let objects = 0;
	let bytes = 0;
	let walBytes = 0;
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
			if (file.endsWith(".sqlite")) objects++;
			else walBytes += size;
			bytes += size;
		}
	}
	return {
		objects,
		bytes,
		walBytes,
		bytesPerObject: objects ? Math.round(bytes / objects) : Number.NaN,
	};
}

/** Run objects and Workflows instances of a bench server's state, per database file. */
export function storedPerRun(persistDir: string) {
	return {
		runObject: storedFiles(join(persistDir, "v3", "do"), "-RunObject"),
		workflowInstance: storedFiles(join(persistDir, "v3", "workflows"), ""),
	};
}

import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

const databases = new WeakMap<D1Database, Database>();

/**
 * One drizzle instance per D1 binding for the isolate's life: building it walks the whole
 * schema (relational config), which is wasted work on every request, and prepared queries
 * (see workflows.repo.ts) are bound to the instance that prepared them.
 */
export function database(d1: D1Database): Database {
	let db = databases.get(d1);
	if (!db) {
		db = drizzle(d1, { schema });
		databases.set(d1, db);
	}
	return db;
}
export type Database = ReturnType<typeof drizzle<typeof schema>>;

/** D1 reports constraint violations only in the message text. */
export const isUniqueViolation = (err: unknown): boolean =>
	/UNIQUE constraint failed|SQLITE_CONSTRAINT/i.test(
		String((err as Error)?.message ?? err) + String((err as { cause?: unknown })?.cause ?? ""),
	);

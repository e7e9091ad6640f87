import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

export const database = (d1: D1Database) => drizzle(d1, { schema });
export type Database = ReturnType<typeof database>;

/** D1 reports constraint violations only in the message text. */
export const isUniqueViolation = (err: unknown): boolean =>
	/UNIQUE constraint failed|SQLITE_CONSTRAINT/i.test(
		String((err as Error)?.message ?? err) + String((err as { cause?: unknown })?.cause ?? ""),
	);

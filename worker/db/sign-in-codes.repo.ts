import { and, eq, lt } from "drizzle-orm";
import type { Database } from "./client";
import { type SignInCodeRow, signInCodes } from "./schema";

/** Stores a new code, clearing the tenant's expired ones in the same batch. */
export async function storeSignInCode(
	db: Database,
	tenantId: string,
	row: Omit<SignInCodeRow, "tenantId">,
): Promise<void> {
	await db.batch([
		db
			.delete(signInCodes)
			.where(and(eq(signInCodes.tenantId, tenantId), lt(signInCodes.expiresAt, row.createdAt))),
		db.insert(signInCodes).values({ ...row, tenantId }),
	]);
}

/**
 * Takes a code out of the table and answers what it held: one statement (DELETE … RETURNING),
 * so of two racing exchanges exactly one gets the row. Read without a tenant on purpose: the
 * code is the credential, and the row names its tenant.
 */
export async function consumeSignInCode(
	db: Database,
	codeHash: string,
): Promise<SignInCodeRow | undefined> {
	return db.delete(signInCodes).where(eq(signInCodes.codeHash, codeHash)).returning().get();
}

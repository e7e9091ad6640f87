import { and, desc, eq, isNull, sql } from "drizzle-orm";
import type { Database } from "./client";
import { type ApiKeyRow, apiKeys } from "./schema";

export async function insertApiKey(db: Database, tenantId: string, row: ApiKeyRow): Promise<void> {
	await db.insert(apiKeys).values({ ...row, tenantId });
}

/** Keyset position: newest first by (created_at, id). */
export interface ApiKeyCursor {
	createdAt: number;
	id: string;
}

export async function listApiKeys(
	db: Database,
	tenantId: string,
	page: { limit: number; after?: ApiKeyCursor },
): Promise<ApiKeyRow[]> {
	return db
		.select()
		.from(apiKeys)
		.where(
			and(
				eq(apiKeys.tenantId, tenantId),
				page.after
					? sql`(${apiKeys.createdAt}, ${apiKeys.id}) < (${page.after.createdAt}, ${page.after.id})`
					: undefined,
			),
		)
		.orderBy(desc(apiKeys.createdAt), desc(apiKeys.id))
		.limit(page.limit)
		.all();
}

export async function getApiKey(
	db: Database,
	tenantId: string,
	id: string,
): Promise<ApiKeyRow | undefined> {
	return db
		.select()
		.from(apiKeys)
		.where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, id)))
		.get();
}

/** Marks the key revoked; a key already revoked keeps its first revocation. */
export async function revokeApiKey(
	db: Database,
	tenantId: string,
	id: string,
	actor: string,
	now: number,
): Promise<void> {
	await db
		.update(apiKeys)
		.set({ revokedAt: now, revokedBy: actor })
		.where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, id), isNull(apiKeys.revokedAt)));
}

/**
 * The key a request presents, by its hash: the one read of D1 without a tenant, because the
 * key is what tells the tenant. The hash is of 256 random bits, so it names one key of one
 * tenant and nothing can be learnt by asking for others.
 */
export async function findApiKeyByHash(
	db: Database,
	keyHash: string,
): Promise<ApiKeyRow | undefined> {
	return db.select().from(apiKeys).where(eq(apiKeys.keyHash, keyHash)).get();
}

export async function recordApiKeyUse(
	db: Database,
	tenantId: string,
	id: string,
	now: number,
): Promise<void> {
	await db
		.update(apiKeys)
		.set({ lastUsedAt: now })
		.where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, id)));
}

import { and, asc, count, eq, gt, inArray, isNull, lt, or, sql } from "drizzle-orm";
import type { SealedSecret } from "../../engine/crypto/secret-box";
import type { Database } from "./client";
import { type SecretRow, secrets, tenants } from "./schema";

/** What a client may ever see of a secret: everything but the value. */
export type SecretMeta = Omit<SecretRow, "keyId" | "ciphertext">;

const metaColumns = {
	tenantId: secrets.tenantId,
	name: secrets.name,
	description: secrets.description,
	version: secrets.version,
	createdAt: secrets.createdAt,
	createdBy: secrets.createdBy,
	updatedAt: secrets.updatedAt,
	updatedBy: secrets.updatedBy,
	lastUsedAt: secrets.lastUsedAt,
};

const one = (tenantId: string, name: string) =>
	and(eq(secrets.tenantId, tenantId), eq(secrets.name, name));

export async function listSecrets(
	db: Database,
	tenantId: string,
	page: { limit: number; afterName?: string },
): Promise<SecretMeta[]> {
	return db
		.select(metaColumns)
		.from(secrets)
		.where(
			and(
				eq(secrets.tenantId, tenantId),
				page.afterName === undefined ? undefined : gt(secrets.name, page.afterName),
			),
		)
		.orderBy(asc(secrets.name))
		.limit(page.limit)
		.all();
}

export async function findSecret(
	db: Database,
	tenantId: string,
	name: string,
): Promise<SecretMeta | undefined> {
	return db.select(metaColumns).from(secrets).where(one(tenantId, name)).get();
}

export interface PutSecretInput {
	sealed: SealedSecret;
	/** undefined keeps the stored description (a new secret has none). */
	description: string | undefined;
	actor: string;
	now: number;
	/** A new name is refused once the tenant holds this many; replacing one always works. */
	maxPerTenant: number;
}

export type PutSecretResult =
	| { kind: "created" | "replaced"; secret: SecretMeta }
	| { kind: "limit_reached" };

/**
 * Creates or replaces a secret in one statement, so the per-tenant cap holds under concurrent
 * writes (D1 runs statements one at a time): the row is inserted only while the tenant is under
 * the cap or already has the name, and a name that exists gets version + 1.
 */
export async function putSecret(
	db: Database,
	tenantId: string,
	name: string,
	input: PutSecretInput,
): Promise<PutSecretResult> {
	const { sealed, description, actor, now } = input;
	// Tenants come into being on their first write (a row without a secret after a failure is harmless).
	await db.insert(tenants).values({ id: tenantId, createdAt: now }).onConflictDoNothing();
	const rows = await db.all<{ version: number }>(sql`
			INSERT INTO ${secrets} (tenant_id, name, description, version, key_id, ciphertext,
				created_at, created_by, updated_at, updated_by)
			SELECT ${tenantId}, ${name}, ${description ?? null}, 1, ${sealed.keyId}, ${sealed.ciphertext},
				${now}, ${actor}, ${now}, ${actor}
			WHERE (SELECT count(*) FROM ${secrets} WHERE ${secrets.tenantId} = ${tenantId}) < ${input.maxPerTenant}
				OR EXISTS (SELECT 1 FROM ${secrets} WHERE ${one(tenantId, name)})
			ON CONFLICT (tenant_id, name) DO UPDATE SET
				description = coalesce(${description ?? null}, ${secrets.description}),
				version = ${secrets.version} + 1,
				key_id = excluded.key_id,
				ciphertext = excluded.ciphertext,
				updated_at = excluded.updated_at,
				updated_by = excluded.updated_by
			RETURNING version`);
	const written = rows[0];
	if (written === undefined) return { kind: "limit_reached" };
	const secret = await findSecret(db, tenantId, name);
	if (secret === undefined) throw new Error(`secret ${name} vanished right after its write`);
	return { kind: written.version === 1 ? "created" : "replaced", secret };
}

export async function deleteSecret(db: Database, tenantId: string, name: string): Promise<boolean> {
	const deleted = await db
		.delete(secrets)
		.where(one(tenantId, name))
		.returning({ name: secrets.name })
		.all();
	return deleted.length > 0;
}

export async function countSecrets(db: Database, tenantId: string): Promise<number> {
	const [row] = await db
		.select({ n: count() })
		.from(secrets)
		.where(eq(secrets.tenantId, tenantId))
		.all();
	return row?.n ?? 0;
}

/** The stored ciphertexts of `names` (those that exist), for decryption by the caller. */
export async function sealedSecrets(
	db: Database,
	tenantId: string,
	names: readonly string[],
): Promise<Pick<SecretRow, "name" | "keyId" | "ciphertext">[]> {
	if (names.length === 0) return [];
	return db
		.select({ name: secrets.name, keyId: secrets.keyId, ciphertext: secrets.ciphertext })
		.from(secrets)
		.where(and(eq(secrets.tenantId, tenantId), inArray(secrets.name, [...names])))
		.all();
}

/** How stale `last_used_at` may get: a run reading a secret on every call writes at most this often. */
export const LAST_USED_RESOLUTION_MS = 60_000;

/** Records that a run read `names` at `now`; rows touched within the last minute are left alone. */
export async function touchSecrets(
	db: Database,
	tenantId: string,
	names: readonly string[],
	now: number,
): Promise<void> {
	if (names.length === 0) return;
	await db
		.update(secrets)
		.set({ lastUsedAt: now })
		.where(
			and(
				eq(secrets.tenantId, tenantId),
				inArray(secrets.name, [...names]),
				or(isNull(secrets.lastUsedAt), lt(secrets.lastUsedAt, now - LAST_USED_RESOLUTION_MS)),
			),
		)
		.run();
}

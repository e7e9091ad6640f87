/**
 * The one way to a tenant secret's plaintext (docs/ARCHITECTURE.md#secrets): read the
 * ciphertext from D1 and decrypt it with the tenant's key. The run object calls it before each
 * step that may send a request (values are read again for every attempt, never kept in the run),
 * and webhook triggers call it to verify a signature. Nothing returned here may be logged.
 */
import { keyRingFrom } from "../../engine/crypto/keyring";
import { decryptSecret, encryptSecret, type SealedSecret } from "../../engine/crypto/secret-box";
import { database } from "../db/client";
import { sealedSecrets, touchSecrets } from "../db/secrets.repo";

/** Secrets named `names` that exist, by name. A name not stored is simply absent. */
export async function readSecretValues(
	env: Pick<Env, "DB" | "SECRETS_MASTER_KEY">,
	tenantId: string,
	names: readonly string[],
	options: { now?: number; recordUse?: boolean } = {},
): Promise<Map<string, string>> {
	const values = new Map<string, string>();
	if (names.length === 0) return values;
	const db = database(env.DB);
	const rows = await sealedSecrets(db, tenantId, names);
	const ring = keyRingFrom(env.SECRETS_MASTER_KEY);
	for (const row of rows) {
		values.set(row.name, await decryptSecret(ring, { tenantId, name: row.name }, row));
	}
	if (options.recordUse !== false && rows.length > 0) {
		await touchSecrets(
			db,
			tenantId,
			rows.map((r) => r.name),
			options.now ?? Date.now(),
		);
	}
	return values;
}

/** One secret's plaintext, or null when the tenant has no secret by that name. */
export async function readSecretValue(
	env: Pick<Env, "DB" | "SECRETS_MASTER_KEY">,
	tenantId: string,
	name: string,
): Promise<string | null> {
	return (await readSecretValues(env, tenantId, [name])).get(name) ?? null;
}

/** Encrypts a value for storage under `name` with the ring's current key. */
export function sealSecretValue(
	env: Pick<Env, "SECRETS_MASTER_KEY">,
	tenantId: string,
	name: string,
	value: string,
): Promise<SealedSecret> {
	return encryptSecret(keyRingFrom(env.SECRETS_MASTER_KEY), { tenantId, name }, value);
}

/**
 * The one way to a tenant secret's plaintext (docs/ARCHITECTURE.md#secrets): read the
 * ciphertext from D1 and decrypt it with the tenant's key. The run object calls it before each
 * step that may send a request (values are read again for every attempt, never kept in the run),
 * and webhook triggers call it to verify a signature. Nothing returned here may be logged.
 */
import { KeyRingError, keyRingFrom } from "../../engine/crypto/keyring";
import {
	decryptSecret,
	encryptSecret,
	type SealedSecret,
	SecretDecryptError,
} from "../../engine/crypto/secret-box";
import { database } from "../db/client";
import { sealedSecrets, touchSecrets } from "../db/secrets.repo";

type SecretsEnv = Pick<Env, "DB" | "SECRETS_MASTER_KEY">;

export interface ReadSecrets {
	/** Plaintext by name; a name that is not stored is absent. */
	values: Map<string, string>;
	/** Names stored but impossible to decrypt with this SECRETS_MASTER_KEY, with why. */
	unreadable: Map<string, string>;
}

/** The secrets named `names` of one tenant. Records their use unless `recordUse` is false. */
export async function readSecrets(
	env: SecretsEnv,
	tenantId: string,
	names: readonly string[],
	options: { now?: number; recordUse?: boolean } = {},
): Promise<ReadSecrets> {
	if (names.length === 0) return { values: new Map(), unreadable: new Map() };
	const db = database(env.DB);
	const read = await openSealedSecrets(env, tenantId, await sealedSecrets(db, tenantId, names));
	if (options.recordUse !== false && read.values.size > 0) {
		await touchSecrets(db, tenantId, [...read.values.keys()], options.now ?? Date.now());
	}
	return read;
}

/**
 * Decrypts rows already read from D1 (a caller that joined them into a query of its own, as a
 * webhook delivery does, saves a round trip). Records nothing: the caller records the use.
 */
export async function openSealedSecrets(
	env: Pick<Env, "SECRETS_MASTER_KEY">,
	tenantId: string,
	rows: readonly (SealedSecret & { name: string })[],
): Promise<ReadSecrets> {
	const read: ReadSecrets = { values: new Map(), unreadable: new Map() };
	if (rows.length === 0) return read;
	let ring: ReturnType<typeof keyRingFrom>;
	try {
		ring = keyRingFrom(env.SECRETS_MASTER_KEY);
	} catch (error) {
		if (!(error instanceof KeyRingError)) throw error;
		for (const row of rows) read.unreadable.set(row.name, error.message);
		return read;
	}
	for (const row of rows) {
		try {
			read.values.set(row.name, await decryptSecret(ring, { tenantId, name: row.name }, row));
		} catch (error) {
			if (!(error instanceof SecretDecryptError)) throw error;
			read.unreadable.set(row.name, error.message);
		}
	}
	return read;
}

/** Plaintext by name of the secrets that exist and decrypt (see readSecrets). */
export async function readSecretValues(
	env: SecretsEnv,
	tenantId: string,
	names: readonly string[],
	options: { now?: number; recordUse?: boolean } = {},
): Promise<Map<string, string>> {
	return (await readSecrets(env, tenantId, names, options)).values;
}

/**
 * One secret's plaintext, or null when the tenant has no secret by that name. Throws
 * SecretDecryptError when it is stored but cannot be decrypted (a master key left the ring).
 */
export async function readSecretValue(
	env: SecretsEnv,
	tenantId: string,
	name: string,
): Promise<string | null> {
	const read = await readSecrets(env, tenantId, [name]);
	const why = read.unreadable.get(name);
	if (why !== undefined) throw new SecretDecryptError(`secret "${name}": ${why}`);
	return read.values.get(name) ?? null;
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

/**
 * Key rotation for stored secrets (README "Secrets", docs/ARCHITECTURE.md#secrets): every
 * value written under another key id than the ring's current one is decrypted and encrypted
 * again under the current key. Pure (rows in, rows out); `npm run secrets:reencrypt` moves
 * the rows between D1 and here.
 */
import type { KeyRing } from "../../engine/crypto/keyring";
import { decryptSecret, encryptSecret, SecretDecryptError } from "../../engine/crypto/secret-box";

export interface StoredSecret {
	tenant_id: string;
	name: string;
	version: number;
	key_id: string;
	ciphertext: string;
}

export interface Reencrypted {
	/** The row as it is now, with the new key id and ciphertext. */
	row: StoredSecret;
	/** The key id it was under: the update applies only if nobody rewrote the row meanwhile. */
	previousKeyId: string;
}

export interface ReencryptPlan {
	updates: Reencrypted[];
	/** Rows that cannot be opened with this ring (their key id is not listed, or tampered). */
	failures: { tenant_id: string; name: string; reason: string }[];
}

export async function reencryptRows(
	ring: KeyRing,
	rows: readonly StoredSecret[],
): Promise<ReencryptPlan> {
	const plan: ReencryptPlan = { updates: [], failures: [] };
	for (const row of rows) {
		if (row.key_id === ring.current) continue;
		const binding = { tenantId: row.tenant_id, name: row.name };
		try {
			const value = await decryptSecret(ring, binding, {
				keyId: row.key_id,
				ciphertext: row.ciphertext,
			});
			const sealed = await encryptSecret(ring, binding, value);
			plan.updates.push({
				row: { ...row, key_id: sealed.keyId, ciphertext: sealed.ciphertext },
				previousKeyId: row.key_id,
			});
		} catch (error) {
			if (!(error instanceof SecretDecryptError)) throw error;
			plan.failures.push({ tenant_id: row.tenant_id, name: row.name, reason: error.message });
		}
	}
	return plan;
}

const literal = (value: string | number) =>
	typeof value === "number" ? String(value) : `'${value.replaceAll("'", "''")}'`;

/** One guarded UPDATE: a secret replaced (new version) or re-encrypted meanwhile is left alone. */
export function updateStatement({ row, previousKeyId }: Reencrypted): string {
	return `UPDATE secrets SET key_id = ${literal(row.key_id)}, ciphertext = ${literal(row.ciphertext)} WHERE tenant_id = ${literal(row.tenant_id)} AND name = ${literal(row.name)} AND version = ${literal(row.version)} AND key_id = ${literal(previousKeyId)};`;
}

/** The next page of rows not under `currentKeyId`, after (tenant, name) in key order. */
export function staleRowsQuery(
	currentKeyId: string,
	after: { tenant_id: string; name: string } | null,
	limit: number,
): string {
	const from = after
		? ` AND (tenant_id, name) > (${literal(after.tenant_id)}, ${literal(after.name)})`
		: "";
	return `SELECT tenant_id, name, version, key_id, ciphertext FROM secrets WHERE key_id <> ${literal(currentKeyId)}${from} ORDER BY tenant_id, name LIMIT ${limit};`;
}

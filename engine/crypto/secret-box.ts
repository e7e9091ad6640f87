/**
 * Encryption at rest for tenant secrets, with Web Crypto only: AES-256-GCM under a per-tenant
 * key derived with HKDF-SHA-256 from a master key of the ring (keyring.ts), a fresh random
 * 96-bit IV per write, and the tenant and the secret's name bound in as additional data, so a
 * ciphertext copied to another row or another tenant fails to decrypt instead of answering
 * with the wrong secret. See docs/ARCHITECTURE.md#secrets.
 */
import { concatBytes, fromBase64, fromUtf8, toBase64, utf8 } from "./bytes";
import type { KeyRing } from "./keyring";

const IV_BYTES = 12;
/** HKDF salt: fixed, so the same master key and tenant always give the same tenant key. */
const SALT = utf8("stepline/secrets/v1");

/** Where a value belongs: it decrypts only there. */
export interface SecretBinding {
	tenantId: string;
	name: string;
}

/** What is stored: the key id it was written under, and base64(IV ‖ ciphertext ‖ GCM tag). */
export interface SealedSecret {
	keyId: string;
	ciphertext: string;
}

/** A stored value that cannot be opened: unknown key id, tampered, or bound to another row. */
export class SecretDecryptError extends Error {
	override readonly name = "SecretDecryptError";
}

export async function encryptSecret(
	ring: KeyRing,
	binding: SecretBinding,
	plaintext: string,
): Promise<SealedSecret> {
	const key = await tenantKey(ring, ring.current, binding.tenantId);
	const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
	const sealed = await crypto.subtle.encrypt(
		{ name: "AES-GCM", iv, additionalData: additionalData(binding) },
		key,
		utf8(plaintext),
	);
	return { keyId: ring.current, ciphertext: toBase64(concatBytes(iv, new Uint8Array(sealed))) };
}

export async function decryptSecret(
	ring: KeyRing,
	binding: SecretBinding,
	sealed: SealedSecret,
): Promise<string> {
	if (!ring.keys.has(sealed.keyId)) {
		throw new SecretDecryptError(
			`the value was encrypted under key id "${sealed.keyId}", which SECRETS_MASTER_KEY no longer lists`,
		);
	}
	const bytes = fromBase64(sealed.ciphertext);
	if (bytes === null || bytes.length < IV_BYTES + 16) {
		throw new SecretDecryptError("the stored ciphertext is malformed");
	}
	const key = await tenantKey(ring, sealed.keyId, binding.tenantId);
	try {
		const plain = await crypto.subtle.decrypt(
			{ name: "AES-GCM", iv: bytes.subarray(0, IV_BYTES), additionalData: additionalData(binding) },
			key,
			bytes.subarray(IV_BYTES),
		);
		return fromUtf8(new Uint8Array(plain));
	} catch {
		throw new SecretDecryptError(
			"the stored value does not decrypt here (tampered, or copied from another row or tenant)",
		);
	}
}

/** JSON, so no tenant id or name can be crafted to collide with another pair. */
const additionalData = (binding: SecretBinding) =>
	utf8(JSON.stringify(["stepline secret v1", binding.tenantId, binding.name]));

/**
 * Tenant keys by ring, key id and tenant. Derivation is cheap but not free, and a run object
 * or a busy Worker asks for the same tenant's key on every read; the cache is bounded so an
 * isolate serving many tenants does not grow without end.
 */
const cache = new WeakMap<KeyRing, Map<string, Promise<CryptoKey>>>();
const MAX_CACHED_KEYS = 1_000;

function tenantKey(ring: KeyRing, keyId: string, tenantId: string): Promise<CryptoKey> {
	let keys = cache.get(ring);
	if (keys === undefined) {
		keys = new Map();
		cache.set(ring, keys);
	}
	const cacheKey = JSON.stringify([keyId, tenantId]);
	let key = keys.get(cacheKey);
	if (key === undefined) {
		if (keys.size >= MAX_CACHED_KEYS) keys.clear();
		key = deriveTenantKey(ring, keyId, tenantId);
		keys.set(cacheKey, key);
	}
	return key;
}

async function deriveTenantKey(ring: KeyRing, keyId: string, tenantId: string) {
	const master = ring.keys.get(keyId);
	if (master === undefined) throw new SecretDecryptError(`no key "${keyId}" in the key ring`);
	const base = await crypto.subtle.importKey("raw", master, "HKDF", false, ["deriveKey"]);
	return crypto.subtle.deriveKey(
		{ name: "HKDF", hash: "SHA-256", salt: SALT, info: utf8(JSON.stringify(["tenant", tenantId])) },
		base,
		{ name: "AES-GCM", length: 256 },
		false,
		["encrypt", "decrypt"],
	);
}

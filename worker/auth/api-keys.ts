import { toBase64Url } from "../../engine/crypto/bytes";
import { findApiKeyByHash, recordApiKeyUse } from "../db/api-keys.repo";
import { database } from "../db/client";
import type { ApiKeyRow } from "../db/schema";
import { sha256Hex } from "../lib/canonical-json";
import { apiKeySubject, type Principal, ROLES, type Role } from "./principal";
import { SCOPES, type Scope } from "./scopes";
import { invalidToken } from "./verify-token";

/**
 * API keys: `stl_` and 43 base64url characters, 256 random bits. Only the SHA-256 of the key is
 * stored; a fast hash is enough (and what lets a request find its key in one indexed read),
 * since the key is random and long, not a password anyone chose.
 */
const KEY_PREFIX = "stl_";
const SECRET_BYTES = 32;
const KEY_FORMAT = /^stl_[A-Za-z0-9_-]{43}$/;
/** How much of a key the listing shows: the prefix and 8 characters (48 of the 256 bits). */
const SHOWN_LENGTH = KEY_PREFIX.length + 8;
/** last_used_at is written at most this often per key, so a busy key does not write D1 per request. */
const LAST_USED_RESOLUTION_MS = 60_000;

export const isApiKey = (token: string): boolean => token.startsWith(KEY_PREFIX);

export const hashApiKey = (key: string): Promise<string> => sha256Hex(key);

const randomHex = (bytes: number) =>
	[...crypto.getRandomValues(new Uint8Array(bytes))]
		.map((b) => b.toString(16).padStart(2, "0"))
		.join("");

/** A new key: the secret (answered once), what is stored of it, and the key's id. */
export async function newApiKey(): Promise<{
	id: string;
	key: string;
	prefix: string;
	keyHash: string;
}> {
	const key = `${KEY_PREFIX}${toBase64Url(crypto.getRandomValues(new Uint8Array(SECRET_BYTES)))}`;
	return {
		id: `key_${randomHex(12)}`,
		key,
		prefix: key.slice(0, SHOWN_LENGTH),
		keyHash: await hashApiKey(key),
	};
}

/**
 * The principal an API key acts as: its own subject (`apikey:<id>`), its tenant, role and
 * scopes, read from D1 on every request, so a revocation holds from the next request on.
 * `later` runs work after the answer (recording when the key was last used).
 */
export async function verifyApiKey(
	env: Env,
	key: string,
	now: number,
	later: (work: Promise<unknown>) => void,
): Promise<Principal> {
	if (!KEY_FORMAT.test(key))
		throw invalidToken("That is not a Stepline API key (stl_ and 43 characters).");
	const db = database(env.DB);
	const row = await findApiKeyByHash(db, await hashApiKey(key));
	if (!row) throw invalidToken("This API key is not valid.");
	if (row.revokedAt !== null) throw invalidToken("This API key was revoked.");
	if (row.expiresAt !== null && row.expiresAt <= now)
		throw invalidToken(`This API key expired at ${new Date(row.expiresAt).toISOString()}.`);
	if (row.lastUsedAt === null || now - row.lastUsedAt >= LAST_USED_RESOLUTION_MS)
		later(recordApiKeyUse(db, row.tenantId, row.id, now));
	return principalOf(row);
}

function principalOf(row: ApiKeyRow): Principal {
	return {
		tenantId: row.tenantId,
		subject: apiKeySubject(row.id),
		role: (ROLES as readonly string[]).includes(row.role) ? (row.role as Role) : "viewer",
		// Stored from the create request's validated list; anything else grants nothing.
		scopes: row.scopes.filter((s): s is Scope => (SCOPES as readonly string[]).includes(s)),
		credential: { kind: "api_key", keyId: row.id, name: row.name },
	};
}

/**
 * The master keys behind every encrypted value, parsed from `SECRETS_MASTER_KEY`:
 *
 *   SECRETS_MASTER_KEY="k2:<base64 of 32 random bytes>,k1:<base64 of 32 random bytes>"
 *
 * Each entry is `<key id>:<key>`; the first one encrypts everything written from now on, and
 * every listed key still decrypts what was written under it. Rotating is: put a new entry
 * first, deploy, re-encrypt (`npm run secrets:reencrypt`), and drop the old entry only once
 * nothing refers to it (see docs/ARCHITECTURE.md#secrets).
 */
import { fromBase64 } from "./bytes";

export const MASTER_KEY_BYTES = 32;
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

export interface KeyRing {
	/** The key id new values are encrypted under. */
	readonly current: string;
	readonly keys: ReadonlyMap<string, Uint8Array<ArrayBuffer>>;
}

/** Why a configured key ring cannot be used. Its message never quotes key material. */
export class KeyRingError extends Error {
	override readonly name = "KeyRingError";
}

export function parseKeyRing(text: string | undefined): KeyRing {
	const entries = (text ?? "")
		.split(/[\s,]+/)
		.map((entry) => entry.trim())
		.filter((entry) => entry !== "");
	if (entries.length === 0) {
		throw new KeyRingError(
			"SECRETS_MASTER_KEY is not set: `npm start` writes one into .dev.vars; on a deploy run `wrangler secret put SECRETS_MASTER_KEY`",
		);
	}
	const keys = new Map<string, Uint8Array<ArrayBuffer>>();
	for (const [index, entry] of entries.entries()) {
		const colon = entry.indexOf(":");
		const id = colon > 0 ? entry.slice(0, colon) : "";
		const where = `SECRETS_MASTER_KEY entry ${index + 1}`;
		if (!KEY_ID.test(id)) {
			throw new KeyRingError(
				`${where} must be <key id>:<base64 key>, the id 1-32 letters, digits, _ or -`,
			);
		}
		if (keys.has(id)) throw new KeyRingError(`${where}: key id "${id}" is listed twice`);
		const key = fromBase64(entry.slice(colon + 1));
		if (key === null || key.length !== MASTER_KEY_BYTES) {
			throw new KeyRingError(
				`${where} (key id "${id}"): the key must be ${MASTER_KEY_BYTES} bytes in base64 (openssl rand -base64 32)`,
			);
		}
		keys.set(id, key);
	}
	const current = entries[0]?.slice(0, entries[0].indexOf(":")) ?? "";
	return { current, keys };
}

/** Parsed key rings by their text: the Worker and the objects parse their env once per isolate. */
const parsed = new Map<string, KeyRing>();

export function keyRingFrom(text: string | undefined): KeyRing {
	const key = text ?? "";
	let ring = parsed.get(key);
	if (ring === undefined) {
		ring = parseKeyRing(text);
		parsed.set(key, ring);
	}
	return ring;
}

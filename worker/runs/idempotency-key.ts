import { MAX_IDEMPOTENCY_KEY_LENGTH } from "../../durable-objects/tenant";
import { canonicalJson, sha256Hex } from "../lib/canonical-json";

/**
 * The `Idempotency-Key` request header. The IETF httpapi draft makes it a Structured Field
 * String (`Idempotency-Key: "8e03978e-…"`); Stripe and most clients send the bare value. Both
 * are accepted and mean the same key.
 */
export type IdempotencyKeyHeader =
	| { kind: "none" }
	| { kind: "key"; key: string }
	| { kind: "invalid"; message: string };

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

export function parseIdempotencyKey(header: string | null | undefined): IdempotencyKeyHeader {
	if (header === null || header === undefined) return { kind: "none" };
	const raw = header.trim();
	const key = raw.startsWith('"') ? unquote(raw) : raw;
	if (key === null) return { kind: "invalid", message: "is not a valid quoted string" };
	if (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
		return { kind: "invalid", message: `must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters` };
	}
	if (!PRINTABLE_ASCII.test(key)) {
		return { kind: "invalid", message: "must be printable ASCII characters" };
	}
	return { kind: "key", key };
}

/** RFC 8941 §4.2.5: a String is DQUOTE *(chars, with \" and \\ escaped) DQUOTE; null if not one. */
function unquote(raw: string): string | null {
	let out = "";
	for (let i = 1; i < raw.length; i++) {
		const ch = raw[i];
		if (ch === "\\") {
			const next = raw[++i];
			if (next !== '"' && next !== "\\") return null;
			out += next;
		} else if (ch === '"') {
			return i === raw.length - 1 ? out : null;
		} else {
			out += ch;
		}
	}
	return null;
}

/**
 * What makes two requests "the same request" for one key: method, path and the body as
 * canonical JSON (RFC 8785), so key order and whitespace do not matter but any value does.
 */
export const requestFingerprint = (method: string, path: string, body: unknown): Promise<string> =>
	sha256Hex(canonicalJson({ method: method.toUpperCase(), path, body: body ?? null }));

/**
 * The name a caller's key is stored under in the tenant's object: keys belong to the caller
 * (the token's subject), not to the whole tenant. Two users who pick the same key make two
 * requests, and neither is ever answered with the other's run (which the other may not be
 * allowed to see). A hash, so any key of up to 255 characters stays within the store's limit.
 */
export const scopedIdempotencyKey = (subject: string, key: string): Promise<string> =>
	sha256Hex(`${subject}\n${key}`);

/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com, spec v1): HMAC-SHA256 over
 * `<webhook-id>.<webhook-timestamp>.<body>`, sent as `webhook-signature: v1,<base64>` (several
 * space-separated signatures while a secret rotates). Web Crypto only; verification compares
 * with `crypto.subtle.verify`, which is constant-time, never with `===`.
 *
 * Secrets: `whsec_<base64>` as the spec and its libraries issue them (the base64 bytes are the
 * key); any other string is used as raw UTF-8 bytes, which the `standardwebhooks` package
 * verifies with `new Webhook(secret, { format: "raw" })`.
 */
import { concatBytes, fromBase64, toBase64, utf8 } from "./bytes";

export const SECRET_PREFIX = "whsec_";
/** The spec's default: a timestamp further than this from now is refused (replay window). */
export const DEFAULT_TOLERANCE_SECONDS = 5 * 60;

export const HEADER_ID = "webhook-id";
export const HEADER_TIMESTAMP = "webhook-timestamp";
export const HEADER_SIGNATURE = "webhook-signature";

export interface SignedMessage {
	/** Unique per message and the same on every retry of it, so receivers can drop duplicates. */
	id: string;
	/** Seconds since the epoch. */
	timestamp: number;
	payload: string | Uint8Array;
}

/** The key bytes of a signing secret (see the file comment). Empty secrets are refused. */
export function signingKeyBytes(secret: string): Uint8Array<ArrayBuffer> {
	const key = secret.startsWith(SECRET_PREFIX)
		? fromBase64(secret.slice(SECRET_PREFIX.length))
		: utf8(secret);
	if (key === null) throw new Error("the signing secret starts with whsec_ but is not base64");
	if (key.length === 0) throw new Error("the signing secret is empty");
	return key;
}

/** `v1,<base64 HMAC-SHA256>` for one message. */
export async function sign(secret: string, message: SignedMessage): Promise<string> {
	const key = await hmacKey(secret, "sign");
	const mac = await crypto.subtle.sign("HMAC", key, signedContent(message));
	return `v1,${toBase64(new Uint8Array(mac))}`;
}

/** The three headers a signed delivery carries. */
export async function signatureHeaders(
	secret: string,
	message: SignedMessage,
): Promise<Record<string, string>> {
	return {
		[HEADER_ID]: message.id,
		[HEADER_TIMESTAMP]: String(message.timestamp),
		[HEADER_SIGNATURE]: await sign(secret, message),
	};
}

export type VerifyResult =
	| { kind: "verified"; id: string; timestamp: number }
	| {
			kind: "rejected";
			reason:
				| "missing_headers"
				| "invalid_timestamp"
				| "timestamp_too_old"
				| "timestamp_too_new"
				| "no_matching_signature";
	  };

export interface VerifyOptions {
	/** Epoch milliseconds (time is passed in, so tests and replays are exact). */
	now: number;
	toleranceSeconds?: number;
}

/**
 * Checks a delivery's headers against its raw body. `secrets` may list several (old and new
 * while rotating): any one that signed it verifies it. Header names are matched in any case.
 */
export async function verify(
	secrets: string | readonly string[],
	headers: Headers | Readonly<Record<string, string | undefined>>,
	payload: string | Uint8Array,
	options: VerifyOptions,
): Promise<VerifyResult> {
	const header = (name: string) =>
		headers instanceof Headers
			? (headers.get(name) ?? undefined)
			: Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1];
	const id = header(HEADER_ID);
	const stamp = header(HEADER_TIMESTAMP);
	const signatures = header(HEADER_SIGNATURE);
	if (!id || !stamp || !signatures) return { kind: "rejected", reason: "missing_headers" };
	if (!/^\d{1,12}$/.test(stamp.trim())) return { kind: "rejected", reason: "invalid_timestamp" };
	const timestamp = Number(stamp.trim());
	const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
	const nowSeconds = Math.floor(options.now / 1000);
	if (nowSeconds - timestamp > tolerance) return { kind: "rejected", reason: "timestamp_too_old" };
	if (timestamp - nowSeconds > tolerance) return { kind: "rejected", reason: "timestamp_too_new" };
	const content = signedContent({ id, timestamp, payload });
	const candidates = signatures
		.split(" ")
		.filter((s) => s.startsWith("v1,"))
		.map((s) => fromBase64(s.slice(3)))
		.filter((mac): mac is Uint8Array<ArrayBuffer> => mac !== null);
	for (const secret of typeof secrets === "string" ? [secrets] : secrets) {
		const key = await hmacKey(secret, "verify");
		for (const mac of candidates) {
			if (await crypto.subtle.verify("HMAC", key, mac, content)) {
				return { kind: "verified", id, timestamp };
			}
		}
	}
	return { kind: "rejected", reason: "no_matching_signature" };
}

function signedContent(message: SignedMessage): Uint8Array<ArrayBuffer> {
	const body = typeof message.payload === "string" ? utf8(message.payload) : message.payload;
	return concatBytes(utf8(`${message.id}.${message.timestamp}.`), body);
}

function hmacKey(secret: string, usage: "sign" | "verify"): Promise<CryptoKey> {
	return crypto.subtle.importKey(
		"raw",
		signingKeyBytes(secret),
		{ name: "HMAC", hash: "SHA-256" },
		false,
		[usage],
	);
}

/**
 * HMAC-SHA256 signatures in one header, as GitHub (`X-Hub-Signature-256: sha256=<hex>`),
 * and many other senders send them: the HMAC of the raw body under the
 * shared secret's UTF-8 bytes, after an optional prefix, hex or base64. Verification compares
 * with `crypto.subtle.verify`, which is constant-time, never with `===`.
 */
import { fromBase64, utf8 } from "./bytes";

export type HmacEncoding = "hex" | "base64";

export interface HmacFormat {
	/** Text before the digest, e.g. `sha256=`; may be empty. */
	prefix: string;
	encoding: HmacEncoding;
}

function hmacKey(secret: string, usage: "sign" | "verify"): Promise<CryptoKey> {
	if (secret.length === 0) throw new Error("the signing secret is empty");
	return crypto.subtle.importKey("raw", utf8(secret), { name: "HMAC", hash: "SHA-256" }, false, [
		usage,
	]);
}

const bodyBytes = (body: string | Uint8Array): Uint8Array<ArrayBuffer> =>
	typeof body === "string" ? utf8(body) : (new Uint8Array(body) as Uint8Array<ArrayBuffer>);

/** The header value a sender puts on `body` (used by tests and by anyone signing for us). */
export async function signHmac(
	secret: string,
	body: string | Uint8Array,
	format: HmacFormat,
): Promise<string> {
	const mac = new Uint8Array(
		await crypto.subtle.sign("HMAC", await hmacKey(secret, "sign"), bodyBytes(body)),
	);
	const digest =
		format.encoding === "hex"
			? [...mac].map((b) => b.toString(16).padStart(2, "0")).join("")
			: btoa(String.fromCharCode(...mac));
	return `${format.prefix}${digest}`;
}

function fromHex(text: string): Uint8Array<ArrayBuffer> | null {
	if (!/^(?:[0-9a-fA-F]{2})+$/.test(text)) return null;
	const bytes = new Uint8Array(text.length / 2);
	for (let i = 0; i < bytes.length; i++)
		bytes[i] = Number.parseInt(text.slice(i * 2, i * 2 + 2), 16);
	return bytes;
}

export type HmacCheck = "verified" | "missing" | "malformed" | "mismatch";

/** Checks one header value (null: the header was not sent) against the raw body. */
export async function verifyHmac(
	secret: string,
	header: string | null,
	body: string | Uint8Array,
	format: HmacFormat,
): Promise<HmacCheck> {
	if (header === null || header.trim() === "") return "missing";
	const value = header.trim();
	if (!value.startsWith(format.prefix)) return "malformed";
	const digest = value.slice(format.prefix.length);
	const mac = format.encoding === "hex" ? fromHex(digest) : fromBase64(digest);
	if (mac === null) return "malformed";
	const key = await hmacKey(secret, "verify");
	return (await crypto.subtle.verify("HMAC", key, mac, bodyBytes(body))) ? "verified" : "mismatch";
}

/**
 * One-time sign-in codes (docs/ARCHITECTURE.md#sign-in-codes). A code is 32 random bytes; the
 * table keys it by its SHA-256 and keeps the bearer token it stands for sealed with AES-256-GCM
 * under a key derived from the code itself (HKDF-SHA-256), so a copy of the table opens no
 * token: only whoever holds the code can, once.
 */
import {
	concatBytes,
	fromBase64,
	fromUtf8,
	toBase64,
	toBase64Url,
	utf8,
} from "../../engine/crypto/bytes";

/** Long enough to open a link printed in a terminal, short enough that history holds a dead one. */
export const SIGN_IN_CODE_TTL_MS = 5 * 60_000;
const CODE_BYTES = 32;
const IV_BYTES = 12;
const INFO = utf8("stepline/sign-in-code/v1");

export function newSignInCode(): string {
	return toBase64Url(crypto.getRandomValues(new Uint8Array(CODE_BYTES)));
}

/** The code's table key: SHA-256, hex. */
export async function signInCodeHash(code: string): Promise<string> {
	const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", utf8(code)));
	return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export async function sealToken(code: string, token: string): Promise<string> {
	const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
	const sealed = await crypto.subtle.encrypt(
		{ name: "AES-GCM", iv },
		await keyOf(code),
		utf8(token),
	);
	return toBase64(concatBytes(iv, new Uint8Array(sealed)));
}

/** The token, or null when the sealed text was not sealed under this code. */
export async function openToken(code: string, sealed: string): Promise<string | null> {
	const bytes = fromBase64(sealed);
	if (bytes === null || bytes.length < IV_BYTES + 16) return null;
	try {
		const plain = await crypto.subtle.decrypt(
			{ name: "AES-GCM", iv: bytes.subarray(0, IV_BYTES) },
			await keyOf(code),
			bytes.subarray(IV_BYTES),
		);
		return fromUtf8(new Uint8Array(plain));
	} catch {
		return null;
	}
}

async function keyOf(code: string): Promise<CryptoKey> {
	const material = await crypto.subtle.importKey("raw", utf8(code), "HKDF", false, ["deriveKey"]);
	return crypto.subtle.deriveKey(
		{ name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: INFO },
		material,
		{ name: "AES-GCM", length: 256 },
		false,
		["encrypt", "decrypt"],
	);
}

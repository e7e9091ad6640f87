/**
 * Bytes ↔ text for the crypto helpers: UTF-8 and base64 (standard and URL-safe). Plain
 * `btoa`/`atob`, which Node ≥ 20 and workerd both have, so one file serves the Worker, the
 * Durable Objects, the Node scripts and the engine tests.
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

export const utf8 = (text: string): Uint8Array<ArrayBuffer> =>
	encoder.encode(text) as Uint8Array<ArrayBuffer>;

/** Throws on bytes that are not UTF-8 (a ciphertext opened with the wrong key never gets here). */
export const fromUtf8 = (bytes: Uint8Array): string => decoder.decode(bytes);

export function toBase64(bytes: Uint8Array): string {
	let binary = "";
	// Chunked: String.fromCharCode(...bytes) overflows the stack on large values.
	for (let i = 0; i < bytes.length; i += 0x8000) {
		binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
	}
	return btoa(binary);
}

export const toBase64Url = (bytes: Uint8Array): string =>
	toBase64(bytes).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");

/** Standard or URL-safe base64, padding optional; null when the text is not base64. */
export function fromBase64(text: string): Uint8Array<ArrayBuffer> | null {
	const standard = text.replaceAll("-", "+").replaceAll("_", "/");
	if (!/^[A-Za-z0-9+/]*={0,2}$/.test(standard) || standard.replace(/=+$/, "").length % 4 === 1) {
		return null;
	}
	const padded = standard.padEnd(Math.ceil(standard.length / 4) * 4, "=");
	const binary = atob(padded);
	const bytes = new Uint8Array(binary.length);
	for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
	return bytes;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
	const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
	let offset = 0;
	for (const part of parts) {
		out.set(part, offset);
		offset += part.length;
	}
	return out;
}

/**
 * Bearer tokens the outside presents to reach a waiting run: callback URLs and one-click answer
 * links (docs/ARCHITECTURE.md#waiting-on-the-outside). A token is 256 random bits; the run keeps
 * only its SHA-256, so whoever reads a run's storage still cannot answer for it.
 *
 * SHA-256 here is synchronous (@noble/hashes, pure JS): the engine mints a callback token in the
 * middle of `advance`, which cannot await Web Crypto. Comparing two hashes with `===` leaks
 * nothing useful: an attacker who learns a hash's prefix still has to find a preimage.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { toBase64Url, utf8 } from "./bytes";

/** Random bytes per token: 256 bits, well past the 128 the links need to be unguessable. */
export const TOKEN_BYTES = 32;

/** A fresh token: base64url of TOKEN_BYTES from the platform's CSPRNG (Workers and Node alike). */
export function newToken(): string {
	return toBase64Url(crypto.getRandomValues(new Uint8Array(TOKEN_BYTES)));
}

/** What a run stores for a token: base64url SHA-256 of its text. */
export function hashToken(token: string): string {
	return toBase64Url(sha256(utf8(token)));
}

import canonicalize from "canonicalize";

/** RFC 8785 canonical JSON: equal values give equal strings whatever their key order. */
export const canonicalJson = (value: unknown): string => canonicalize(value) ?? "null";

export async function sha256Hex(text: string): Promise<string> {
	const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
	return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The hash that decides whether a definition write changes anything. */
export const contentHash = (value: unknown): Promise<string> => sha256Hex(canonicalJson(value));

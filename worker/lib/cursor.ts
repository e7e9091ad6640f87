import { ApiError } from "../errors/api-error";

/**
 * Opaque pagination cursors: base64url of a small JSON object holding the last row's sort key.
 * Keyset pagination (not offsets) keeps pages stable while rows are added and costs one index seek.
 */
export function encodeCursor(key: Record<string, string | number>): string {
	const bytes = new TextEncoder().encode(JSON.stringify(key));
	let binary = "";
	for (const b of bytes) binary += String.fromCharCode(b);
	return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

export function decodeCursor<T extends Record<string, string | number>>(
	cursor: string,
	isValid: (value: unknown) => value is T,
): T {
	try {
		const binary = atob(cursor.replaceAll("-", "+").replaceAll("_", "/"));
		const value: unknown = JSON.parse(
			new TextDecoder().decode(Uint8Array.from(binary, (ch) => ch.charCodeAt(0))),
		);
		if (isValid(value)) return value;
	} catch {
		// fall through: any undecodable cursor is the same client error
	}
	throw new ApiError("validation_failed", "The cursor is not one this API returned.", {
		errors: [
			{
				in: "query",
				pointer: "/cursor",
				code: "invalid_cursor",
				message: "Pass the nextCursor value from the previous page unchanged.",
			},
		],
	});
}

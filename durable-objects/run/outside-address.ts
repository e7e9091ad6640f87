/**
 * How a URL handed to the outside (a callback URL, later an answer link) names the run it
 * reaches: `<run address>.<token>`, where the run address is base64url of `tenant \n run id` and
 * the token is 256 random bits (engine/crypto/token.ts). The address only routes the request to
 * the run's object; the token is the credential, and the run keeps only its hash
 * (docs/ARCHITECTURE.md#waiting-on-the-outside).
 */
import { fromBase64, fromUtf8, toBase64Url, utf8 } from "../../engine/crypto/bytes";

export interface OutsideAddress {
	tenantId: string;
	runId: string;
	token: string;
}

/** The path segment for a run and a token. */
export function outsideToken(tenantId: string, runId: string, token: string): string {
	return `${toBase64Url(utf8(`${tenantId}\n${runId}`))}.${token}`;
}

/** Reads a path segment made by `outsideToken`; null for anything else (a 404, never a 500). */
export function parseOutsideToken(text: string): OutsideAddress | null {
	const match = /^([A-Za-z0-9_-]{4,400})\.([A-Za-z0-9_-]{43})$/.exec(text);
	if (!match) return null;
	const bytes = fromBase64(match[1] as string);
	if (!bytes) return null;
	let address: string;
	try {
		address = fromUtf8(bytes);
	} catch {
		return null;
	}
	const [tenantId, runId, ...rest] = address.split("\n");
	if (!tenantId || !runId || rest.length > 0) return null;
	return { tenantId, runId, token: match[2] as string };
}

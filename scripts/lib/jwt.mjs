// Signs local HS256 tokens exactly as the Worker verifies them: key = UTF-8 bytes of the
// JWT_SECRET string (not base64-decoded), iss/aud from wrangler.toml, exp always set.
import { SignJWT } from "jose";
import { ensureDevVars } from "./dev-vars.mjs";
import { readJwtConfig } from "./wrangler-config.mjs";

export const ROLES = ["admin", "member", "viewer"];

/** "90s", "30m", "12h", "7d" → seconds; anything else → undefined. */
export function parseTtl(ttl) {
	const match = /^(\d+)([smhd])$/.exec(String(ttl));
	if (!match) return undefined;
	const seconds = Number(match[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[match[2]];
	return seconds > 0 ? seconds : undefined;
}

export async function signDevToken({ tenant, sub, role, ttl = "1h", scope }) {
	if (!ROLES.includes(role)) throw new Error(`role must be one of ${ROLES.join(", ")}`);
	const seconds = parseTtl(ttl);
	if (seconds === undefined) throw new Error(`invalid ttl "${ttl}" (use e.g. 90s, 30m, 1h, 7d)`);
	const { vars } = ensureDevVars();
	const { issuer, audience } = readJwtConfig();
	const now = Math.floor(Date.now() / 1000);
	const claims = { tid: tenant, role, ...(scope ? { scope } : {}) };
	return new SignJWT(claims)
		.setProtectedHeader({ alg: "HS256", typ: "JWT" })
		.setIssuer(issuer)
		.setAudience(audience)
		.setSubject(sub)
		.setIssuedAt(now)
		.setExpirationTime(now + seconds)
		.sign(new TextEncoder().encode(vars.JWT_SECRET));
}

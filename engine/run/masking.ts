/**
 * Masks secret-looking header values before a rendered request is stored in a node run.
 * Our own Idempotency-Key is not a secret (it is the run and node id) and stays readable.
 */
export const MASK = "********";

const ALWAYS_SECRET = new Set(["authorization", "proxy-authorization", "cookie", "set-cookie"]);
const NEVER_SECRET = new Set(["idempotency-key"]);

export function isSecretHeader(name: string): boolean {
	const lower = name.toLowerCase();
	if (NEVER_SECRET.has(lower)) return false;
	if (ALWAYS_SECRET.has(lower)) return true;
	return lower.includes("token") || lower.includes("secret") || lower.includes("key");
}

export function maskHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [name, value] of Object.entries(headers)) {
		out[name] = isSecretHeader(name) ? MASK : value;
	}
	return out;
}

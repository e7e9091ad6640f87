/**
 * Masks secret-looking header values and query parameters before a rendered request is stored
 * in a node run (and quoted in its history). Our own Idempotency-Key is not a secret (it is the
 * run and node id) and stays readable. Names are a heuristic: the run record is readable by
 * everyone who may see the run, so anything that looks like a credential is hidden.
 */
export const MASK = "********";

const ALWAYS_SECRET = new Set(["authorization", "proxy-authorization", "cookie", "set-cookie"]);
const NEVER_SECRET = new Set(["idempotency-key"]);
/** Parts of a name that mark a credential: `x-auth`, `authentication`, but not `author`. */
const SECRET_NAME =
	/token|secret|key|passw|pwd|signature|credential|session|cookie|authorization|(^|[^a-z])auth(?!or)/;

export function isSecretHeader(name: string): boolean {
	const lower = name.toLowerCase();
	if (NEVER_SECRET.has(lower)) return false;
	if (ALWAYS_SECRET.has(lower)) return true;
	return SECRET_NAME.test(lower);
}

/** The URL with secret-looking query parameter values (`?api_key=…`) and any userinfo masked. */
export function maskUrl(url: string): string {
	// Most URLs have neither: skip the parse (this runs for every attempt).
	if (!url.includes("?") && !url.includes("@")) return url;
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		return url;
	}
	let changed = false;
	if (parsed.username || parsed.password) {
		parsed.username = parsed.username ? MASK : "";
		parsed.password = parsed.password ? MASK : "";
		changed = true;
	}
	for (const name of [...new Set(parsed.searchParams.keys())]) {
		if (!isSecretHeader(name)) continue;
		parsed.searchParams.set(name, MASK);
		changed = true;
	}
	return changed ? parsed.toString() : url;
}

export function maskHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [name, value] of Object.entries(headers)) {
		out[name] = isSecretHeader(name) ? MASK : value;
	}
	return out;
}

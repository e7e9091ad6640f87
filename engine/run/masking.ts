/**
 * What a run hides before it stores anything (docs/ARCHITECTURE.md#secrets), two ways:
 * - by name: credential-looking header values, query parameters and URL userinfo in a request
 *   record become MASK. Names are a heuristic: the run record is readable by everyone who may
 *   see the run, so anything that looks like a credential is hidden. Our own Idempotency-Key
 *   is not a secret (it is the run and node id) and stays readable.
 * - by value: the values of the run's secrets, wherever and however encoded they turn up,
 *   become REDACTED (`Masker`).
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

/** What a secret value is replaced with wherever the run stores or shows text. */
export const REDACTED = "[REDACTED]";

/**
 * Values shorter than this are masked only where a whole string equals them: masking every "ab"
 * inside every text would shred the run's records and protect nothing a guess could not find.
 */
export const MIN_MASKED_SUBSTRING = 4;
/** A base64 run shorter than this is too likely to turn up in unrelated base64 text. */
const MIN_BASE64_CORE = 8;

/**
 * Replaces the values of a run's secrets (tenant secrets, secret inputs) in anything it is about
 * to store: request records, answers, history, errors, logs, outputs. One pass of one regular
 * expression per string, over every form a value travels in: as is, URL-encoded (component,
 * form and query styles, either hex case), JSON-escaped, and base64 (standard and URL-safe) at
 * each of the three byte alignments, so a secret inside a larger encoded string (`user:pass` in
 * a Basic credential, a token echoed inside a base64 blob) is found too. The engine masks where
 * text enters the run: the rendered request, and each answer as it arrives (webhook.ts).
 */
export class Masker {
	private readonly pattern: RegExp | null;
	private readonly whole: ReadonlySet<string>;

	constructor(values: Iterable<string>) {
		const forms = new Set<string>();
		const whole = new Set<string>();
		for (const value of values) {
			if (value.length === 0) continue;
			whole.add(value);
			if (value.length < MIN_MASKED_SUBSTRING) continue;
			for (const form of encodedForms(value)) forms.add(form);
		}
		const alternatives = [...forms].sort((a, b) => b.length - a.length).map(escapeRegExp);
		this.pattern = alternatives.length > 0 ? new RegExp(alternatives.join("|"), "g") : null;
		this.whole = whole;
	}

	/** False when there is nothing to mask (most runs): callers may skip the copy. */
	get active(): boolean {
		return this.whole.size > 0;
	}

	text(text: string): string {
		if (this.whole.has(text)) return REDACTED;
		return this.pattern === null ? text : text.replace(this.pattern, REDACTED);
	}

	/** A copy of a JSON-like value with every string (object keys too) masked. */
	json<T>(value: T): T {
		if (!this.active) return value;
		return this.copy(value) as T;
	}

	private copy(value: unknown): unknown {
		if (typeof value === "string") return this.text(value);
		if (Array.isArray(value)) return value.map((v) => this.copy(v));
		if (value !== null && typeof value === "object") {
			const out: Record<string, unknown> = {};
			for (const [k, v] of Object.entries(value)) out[this.text(k)] = this.copy(v);
			return out;
		}
		return value;
	}
}

export const NO_MASKING = new Masker([]);

const ENCODED_REDACTED = encodeURIComponent(REDACTED);

/** A URL whose query was rendered with REDACTED values shows them as such, not percent-encoded. */
export function readableRedactions(url: string): string {
	return url.includes(ENCODED_REDACTED) ? url.replaceAll(ENCODED_REDACTED, REDACTED) : url;
}

function encodedForms(value: string): string[] {
	const component = encodeURIComponent(value);
	const query = new URLSearchParams({ v: value }).toString().slice(2);
	const forms = [
		value,
		component,
		component.replaceAll("%20", "+"),
		query,
		encodeURI(value),
		JSON.stringify(value).slice(1, -1),
	];
	for (const form of [...forms]) {
		if (form.includes("%")) forms.push(form.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()));
	}
	forms.push(...base64Cores(value));
	return forms;
}

/**
 * The part of base64(prefix ‖ value) that depends on the value's bytes alone, for prefixes of 0,
 * 1 and 2 bytes: whatever surrounds the value in the encoded text, one of the three occurs.
 */
function base64Cores(value: string): string[] {
	const bytes = new TextEncoder().encode(value);
	const cores: string[] = [];
	for (let shift = 0; shift < 3; shift++) {
		const padded = new Uint8Array(shift + bytes.length);
		padded.set(bytes, shift);
		let binary = "";
		for (const b of padded) binary += String.fromCharCode(b);
		const encoded = btoa(binary);
		const core = encoded.slice(Math.ceil((8 * shift) / 6), Math.floor((8 * padded.length) / 6));
		if (core.length < MIN_BASE64_CORE) continue;
		cores.push(core, core.replaceAll("+", "-").replaceAll("/", "_"));
	}
	return cores;
}

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Values a run keeps sealed (docs/ARCHITECTURE.md#secrets): secret inputs (sealed by the Worker
 * before the run exists) and the outputs of `maskOutput` nodes (sealed here when the node
 * succeeds). The state holds them only as `{ "$sealed": … }`, so storage never sees them, and
 * every read shows REDACTED. Templates see them by who reads:
 *   - a WEBHOOK request (url, headers, query, body): everything opened;
 *   - any other template of a node: masked outputs opened, secret inputs REDACTED;
 *   - the workflow's `outputs`: both REDACTED (they are the run's answer, read by everyone).
 */
import { isSealed, type SealedValue, type ValueSealer } from "../crypto/sealed";
import type { JsonObject, JsonValue } from "./json";
import { REDACTED } from "./masking";

export type { SealedValue, ValueSealer };
export { isSealed };

export type Reader = "request" | "node" | "workflow";

/** Where a sealed value belongs: it opens only there (the sealer binds it). */
export const inputPlace = (workflow: string, name: string) => `input:${workflow}:${name}`;
export const outputPlace = (workflow: string, node: string) => `output:${workflow}:${node}`;

/**
 * A read of the run for people (the API, the admin page): every sealed value, whole or one
 * level down (a secret input inside the inputs or the trigger's output), is REDACTED.
 */
export function redactSealed<T>(value: T): T {
	if (isSealed(value)) return REDACTED as T;
	if (Array.isArray(value)) return (value.some(isSealed) ? value.map(redactOne) : value) as T;
	if (value !== null && typeof value === "object") {
		const entries = Object.entries(value);
		if (!entries.some(([, v]) => isSealed(v))) return value;
		return Object.fromEntries(entries.map(([k, v]) => [k, redactOne(v)])) as T;
	}
	return value;
}

const redactOne = (value: unknown) => (isSealed(value) ? REDACTED : value);

/**
 * A sealer for processes that store nothing (dry runs, tests without a key): values stay in
 * this object's memory and their seal is only a reference to them.
 */
export function memorySealer(): ValueSealer {
	const values = new Map<string, unknown>();
	return {
		seal(value) {
			const ref = `memory.${values.size}`;
			values.set(ref, value);
			return { $sealed: ref };
		},
		open(sealed) {
			if (!values.has(sealed.$sealed)) throw new Error("not sealed by this sealer");
			return values.get(sealed.$sealed);
		},
	};
}

/** Opens a sealed value for a template, or says why it cannot be opened. */
export type Opened = { ok: true; value: JsonValue } | { ok: false; why: string };

export function openSealed(
	sealer: ValueSealer | undefined,
	sealed: SealedValue,
	place: string,
): Opened {
	if (sealer === undefined) return { ok: false, why: "no key to open sealed values was given" };
	try {
		return { ok: true, value: sealer.open(sealed, place) as JsonValue };
	} catch (error) {
		return { ok: false, why: error instanceof Error ? error.message : String(error) };
	}
}

/** The names of the top-level inputs that are sealed (the secret inputs). */
export function sealedInputNames(inputs: JsonObject): string[] {
	return Object.entries(inputs)
		.filter(([, v]) => isSealed(v))
		.map(([k]) => k);
}

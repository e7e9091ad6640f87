/**
 * The shape of a value a run keeps encrypted, and what seals and opens one (value-sealer.ts
 * implements it). Apart from the sealer so the engine can recognise sealed values without
 * importing a cipher.
 */

/** A sealed value inside the run's state: one JSON object, nothing readable in it. */
export interface SealedValue {
	$sealed: string;
}

export function isSealed(value: unknown): value is SealedValue {
	return (
		typeof value === "object" &&
		value !== null &&
		!Array.isArray(value) &&
		typeof (value as { $sealed?: unknown }).$sealed === "string" &&
		Object.keys(value).length === 1
	);
}

/** Seals and opens JSON values for one tenant; `place` names where a value belongs. */
export interface ValueSealer {
	seal(value: unknown, place: string): SealedValue;
	/** Throws when the value does not open here. */
	open(sealed: SealedValue, place: string): unknown;
}

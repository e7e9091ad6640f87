import {
	type BeginResult,
	decideBegin,
	IDEMPOTENCY_TTL_MS,
	IN_FLIGHT_LEASE_MS,
	isValidIdempotencyKey,
	type ResponseToStore,
	shouldStore,
} from "./admission";
import type { TenantStore } from "./tenant-store";

/**
 * Idempotency keys over the tenant's rows (the object is the tenant, so a key is scoped to
 * (tenant, key) by where it is stored).
 */

export function begin(
	store: TenantStore,
	key: string,
	fingerprint: string,
	now: number,
): BeginResult {
	if (!isValidIdempotencyKey(key)) throw new RangeError("Idempotency keys are 1 to 255 characters");
	// Read and write with no await between: the object runs one call at a time, so of many
	// concurrent requests with one key exactly one finds it free and takes it.
	const result = decideBegin(store.idempotencyEntry(key), fingerprint, now);
	if (result.kind === "proceed") store.putInFlight(key, fingerprint, now + IN_FLIGHT_LEASE_MS);
	return result;
}

/** Stores the response unless another was stored first; true when it was stored. */
export function complete(
	store: TenantStore,
	key: string,
	fingerprint: string,
	response: ResponseToStore,
	now: number,
): boolean {
	if (!shouldStore(store.idempotencyEntry(key), fingerprint, now)) return false;
	store.putDone(key, fingerprint, now + IDEMPOTENCY_TTL_MS, response);
	return true;
}

/** Only an in-flight key is forgotten, so a late or repeated abandon never drops a response. */
export function abandon(store: TenantStore, key: string): void {
	store.deleteInFlight(key);
}

import { newRunId } from "../../../durable-objects";
import { sha256Hex } from "../../lib/canonical-json";

/** What a request sent with an Idempotency-Key is known by: the key and its fingerprint. */
export interface Replay {
	/** The caller's key as stored (scopedIdempotencyKey): ids differ between callers too. */
	key: string;
	fingerprint: string;
}

/**
 * The id of the run a single start creates. Under an Idempotency-Key it is named by the tenant,
 * the caller's key and the key's generation, not by the request: the object of that name holds
 * the key (docs/ARCHITECTURE.md#a-start), so a repeat of the request reaches the run it started
 * (also when the first answer was lost: a 500, a dropped connection), and another request under
 * the key reaches the same object, which refuses it (it keeps the first request's fingerprint).
 * A key used again after its day starts generation 1, and so on. Without a key every run gets a
 * random id.
 */
export async function runIdFor(
	tenantId: string,
	replay: Replay | null,
	generation = 0,
): Promise<string> {
	if (!replay) return newRunId();
	const digest = await sha256Hex(`${tenantId}\nkey\n${replay.key}\n${generation}`);
	return `run_${digest.slice(0, 32)}`;
}

/**
 * The id of a run a batch or a retry starts (`index`: its place in a batch). Their keys are held
 * by the tenant's object, which refuses another request under a key before any run is created;
 * the id is derived from the key and the request's fingerprint, so every attempt of one request
 * addresses the same runs: a retry after a failure part-way starts only the missing ones.
 */
export async function requestRunId(tenantId: string, replay: Replay | null, index = 0) {
	if (!replay) return newRunId();
	const digest = await sha256Hex(`${tenantId}\n${replay.key}\n${replay.fingerprint}\n${index}`);
	return `run_${digest.slice(0, 32)}`;
}

/** Run ids for a batch, in order (with a key, a retry addresses the same runs). */
export function batchRunIds(
	tenantId: string,
	count: number,
	replay: Replay | null,
): Promise<string[]> {
	return Promise.all(Array.from({ length: count }, (_, i) => requestRunId(tenantId, replay, i)));
}

import { newRunId } from "../../../durable-objects";
import { sha256Hex } from "../../lib/canonical-json";

/** What a request sent with an Idempotency-Key is known by: the key and its fingerprint. */
export interface Replay {
	/** The caller's key as stored (scopedIdempotencyKey): ids differ between callers too. */
	key: string;
	fingerprint: string;
}

/**
 * The id of a run that a start request creates (`index`: its place in a batch). Under an
 * Idempotency-Key the id is derived from the key and the request's fingerprint, so every
 * attempt of one request addresses the same run object: a retry after the run started but its
 * answer was lost (a 500, a dropped connection, a Worker that died before the key's answer was
 * stored) finds the run that `start` already created, and never starts a second one. Another
 * request under the key has another fingerprint, so another id (and is refused as a mismatch
 * before that). Without a key every run gets a random id.
 */
export async function runIdFor(
	tenantId: string,
	replay: Replay | null,
	index = 0,
): Promise<string> {
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
	return Promise.all(Array.from({ length: count }, (_, i) => runIdFor(tenantId, replay, i)));
}

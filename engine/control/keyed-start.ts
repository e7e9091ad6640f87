import type { RunMeta } from "./run-meta";

/**
 * A start sent with an Idempotency-Key (docs/ARCHITECTURE.md#a-start). Its run's object is named
 * from the tenant, the caller's key and a generation (worker/routes/runs/run-ids.ts), so every
 * repeat of the request reaches the one object that holds the answer: the run itself. The
 * object keeps the request's fingerprint in its creation record and decides here what a
 * request under the key gets. The tenant's object is not asked: a keyed start costs it no call
 * and no row beyond the run's admission.
 */

/** Keys are kept a day after their run was created (IETF httpapi draft: "at least 24 hours"). */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

export type KeyedStartDecision =
	/** Nothing lives under this key: create the run. */
	| { kind: "create" }
	/** The same request again: answer the run it started. */
	| { kind: "replay" }
	/** The first request is still being admitted (→ 409). */
	| { kind: "in_flight" }
	/** The key was used for a different request (→ 422). */
	| { kind: "mismatch" }
	/** The key's day is over: the request belongs to the key's next generation. */
	| { kind: "expired" };

/**
 * What a request with `fingerprint` gets from the object named by its key. `meta` is the run
 * there (null: none), `creating` whether the key's first request is still creating it (waiting
 * for the tenant's answer). A different request under a live key is a mismatch even while the first is in flight:
 * that is the client's bug to fix, and waiting would not change the answer. A run created under
 * the key's name without a fingerprint (a start that carried none) is the key's run.
 */
export function decideKeyedStart(
	meta: Pick<RunMeta, "createdAt" | "idempotencyFingerprint"> | null,
	creating: boolean,
	fingerprint: string,
	now: number,
): KeyedStartDecision {
	if (!meta) return { kind: "create" };
	if (meta.createdAt + IDEMPOTENCY_TTL_MS <= now) return { kind: "expired" };
	const stored = meta.idempotencyFingerprint;
	if (stored !== undefined && stored !== fingerprint) return { kind: "mismatch" };
	return creating ? { kind: "in_flight" } : { kind: "replay" };
}

/**
 * The run object's answer to a keyed start; `run` is its view (RunView) as it stands. `absent`:
 * nothing lives under the key, and the request only asked (it failed its own checks).
 */
export type KeyedStartAnswer<View> =
	| { kind: "started"; run: View }
	| { kind: "replay"; run: View }
	| { kind: "in_flight" }
	| { kind: "mismatch" }
	| { kind: "expired" }
	| { kind: "absent" };

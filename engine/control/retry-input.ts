import { type Plan, planRetry, type RunState } from "../run";
import type { RunMeta, StartRunInput } from "./run-meta";

/** What a retry of a run would start, or why it cannot be retried. */
export type RetryInput =
	| {
			kind: "retry";
			restartFrom: string[];
			/** The new run's start input, but for who starts it and its id. */
			start: Omit<StartRunInput, "runId" | "initiator" | "requestedBy" | "initiatorRole">;
	  }
	| { kind: "refused"; reason: string };

/**
 * What a retry of a run would reuse and rerun (engine `planRetry`), and the start input of the
 * new run: the same pinned definition, inputs and trigger, linked back by `retryOf`.
 */
export function retryInput(
	meta: RunMeta,
	state: RunState | null,
	plan: Plan,
	fromNode: string | null,
): RetryInput {
	if (!state) {
		return {
			kind: "refused",
			reason: `run ${meta.runId} never started, so there is nothing to retry`,
		};
	}
	const retry = planRetry(plan, state, fromNode);
	if (retry.kind === "refused") return retry;
	// A retry is a run of its own: no parent waits on it and no failure started it.
	const {
		runId: _runId,
		createdAt: _createdAt,
		reuse: _reuse,
		parent: _parent,
		errorOf: _errorOf,
		initiatorRole: _role,
		idempotencyFingerprint: _fingerprint,
		...rest
	} = meta;
	return {
		kind: "retry",
		restartFrom: retry.restartFrom,
		start: {
			...rest,
			inputs: state.header.inputs,
			...(state.header.trigger ? { trigger: state.header.trigger } : {}),
			retryOf: meta.runId,
			reuse: retry.reuse,
		},
	};
}

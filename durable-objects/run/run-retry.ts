import { type Plan, planRetry, type RunState } from "../../engine/run";
import type { RunMeta, StartRunInput } from "./run-meta";

export type RetryPlanResult =
	| {
			kind: "retry";
			restartFrom: string[];
			start: Omit<StartRunInput, "runId" | "initiator" | "requestedBy">;
	  }
	| { kind: "refused"; reason: string };

/**
 * What a retry of a run would reuse and rerun (engine `planRetry`), and the start input of the
 * new run: the same pinned definition, inputs and trigger, linked back by `retryOf`.
 */
export function retryPlanFor(
	meta: RunMeta,
	state: RunState | null,
	plan: Plan | null,
	fromNode: string | null,
): RetryPlanResult {
	if (!state || !plan) {
		return {
			kind: "refused",
			reason: `run ${meta.runId} never started, so there is nothing to retry`,
		};
	}
	const retry = planRetry(plan, state, fromNode);
	if (retry.kind === "refused") return retry;
	const { runId: _runId, createdAt: _createdAt, reuse: _reuse, ...rest } = meta;
	return {
		kind: "retry",
		restartFrom: retry.restartFrom,
		start: {
			...rest,
			definition: meta.definition as unknown as Record<string, unknown>,
			inputs: state.header.inputs as Record<string, unknown>,
			...(state.header.trigger ? { trigger: state.header.trigger } : {}),
			retryOf: meta.runId,
			reuse: retry.reuse as unknown as Record<string, unknown>,
		},
	};
}

import type { HistoryEvent } from "../../engine/run";
import type { SlotGrantedAnswer } from "../tenant/slot-notifier";
import { runObjectName, type StartRunInput } from "./run-meta";
import type { CancelResult } from "./run-object";
import type { RetryPlanResult } from "./run-retry";
import type { RunSummaryView, RunView } from "./run-view";

/**
 * The RunObject's RPC surface as plain types. workerd's stub types map every return type
 * through its serialization rules, which is too deep for the type checker on the run view;
 * callers (routes, the sweeper, the tenant object, tests) talk to runs through this instead.
 */
export interface RunObjectApi {
	start(input: StartRunInput): Promise<RunView>;
	start(input: StartRunInput, reply: "summary"): Promise<RunSummaryView>;
	getRun(): Promise<RunView | null>;
	getEvents(after: number, limit: number): Promise<{ events: HistoryEvent[]; lastSeq: number }>;
	cancel(by: string | null, reason: string | null): Promise<CancelResult>;
	poke(): Promise<void>;
	slotGranted(): Promise<SlotGrantedAnswer>;
	planRetry(fromNode: string | null): Promise<RetryPlanResult>;
	recordRetry(retryRunId: string): Promise<void>;
}

export function runObject(
	env: Pick<Env, "RUN_OBJECT">,
	tenantId: string,
	runId: string,
): RunObjectApi {
	const stub = env.RUN_OBJECT.get(env.RUN_OBJECT.idFromName(runObjectName(tenantId, runId)));
	return stub as unknown as RunObjectApi;
}

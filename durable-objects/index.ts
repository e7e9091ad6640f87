export { type RunObjectApi, runObject } from "./run/run-client";
export { newRunId, runObjectName, type StartRunInput } from "./run/run-meta";
export { type CancelResult, RunObject } from "./run/run-object";
export type { RunSummaryView, RunView } from "./run/run-view";

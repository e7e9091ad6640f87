export { newRunId, runObjectName, type StartRunInput } from "./run/run-meta";
export { RunObject } from "./run/run-object";
export type { RunView } from "./run/run-view";

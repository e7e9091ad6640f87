export type {
	LinkRequest,
	LinkView,
	RunTrigger,
	SignalAnswer,
	StartRunInput,
} from "../engine/control";
export type { OutsideAddress } from "./run/outside-address";
export { outsideToken, parseOutsideToken } from "./run/outside-address";
export { RunObject } from "./run/run-object";
export type {
	AttemptView,
	ItemRunView,
	RunHead,
	RunSummaryView,
	RunView,
} from "./run/run-view";
export { ATTEMPTS_IN_RUN_VIEW, ITEMS_IN_RUN_VIEW } from "./run/run-view";
export { newRunId, runObject, runObjectName, tenantObject } from "./stubs";
export { TenantObject } from "./tenant/tenant-object";

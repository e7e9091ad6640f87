/**
 * Workflow definitions (docs/ARCHITECTURE.md#definitions): the zod schema of the format, the
 * save-time checks, and graph helpers for the run engine. Pure: no
 * cloudflare:*, hono or drizzle, so it runs the same in Node and workerd.
 */
export { checkDefinition } from "./checks";
export * from "./constants";
export type { DurationResult } from "./duration";
export { DURATION_HINT, parseDuration, tryParseDuration } from "./duration";
export type { CycleFound, DefinitionGraph, Edge, GraphInput } from "./graph";
export {
	downstreamOf,
	findCycles,
	graphOf,
	incomingOf,
	outgoingOf,
	topologicalOrder,
	upstreamOf,
} from "./graph";
export { toPointer } from "./issues";
export { HTTP_METHODS, hasTemplate, parseIsoTimestamp } from "./schema/actions";
export { durationSchema, identifierSchema, ROLES } from "./schema/common";
export { workflowDefinitionSchema } from "./schema/definition";
export type { JsonValue } from "./schema/json";
export { jsonProblem, jsonValueSchema, nestedDeeperThan } from "./schema/json";
export { BACKOFF_KINDS, JOIN_STRATEGIES, nodeConfigSchema, nodeSchema } from "./schema/nodes";
export { connectionSchema, workflowShapeSchema } from "./schema/workflow";
export type { SecretInputs } from "./secret-inputs";
export { isSecretInput, SECRET_INPUT_ENCRYPTION, secretInputsOf } from "./secret-inputs";
export { secretsReadBy } from "./templates/secret-reads";
export type * from "./types";
export { fromZodIssue, validateDefinition } from "./validate";
export type { WorkflowCall } from "./workflow-calls";
export { callCycleIssue, workflowCalls } from "./workflow-calls";

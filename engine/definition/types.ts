import type { z } from "zod";
import type {
	conditionConfigSchema,
	delayConfigSchema,
	inputConfigSchema,
	runWorkflowConfigSchema,
	webhookConfigSchema,
} from "./schema/actions";
import type { forEachSchema, nodeConfigSchema, nodeSchema, retrySchema } from "./schema/nodes";
import type {
	eventTriggerSchema,
	scheduleTriggerSchema,
	selfServeTriggerSchema,
	webhookTriggerSchema,
} from "./schema/triggers";
import type { connectionSchema, workflowShapeSchema } from "./schema/workflow";

/** A parsed definition: defaults applied (e.g. `allowAnyoneToViewRuns`, `synchronized`, `wait`). */
export type WorkflowDefinition = z.output<typeof workflowShapeSchema>;
/** What an author may send: defaulted fields optional. */
export type WorkflowDefinitionInput = z.input<typeof workflowShapeSchema>;
export type WorkflowNode = z.output<typeof nodeSchema>;
export type Connection = z.output<typeof connectionSchema>;
export type NodeConfig = z.output<typeof nodeConfigSchema>;
export type ForEach = z.output<typeof forEachSchema>;
export type RetryPolicy = z.output<typeof retrySchema>;

export type SelfServeTriggerConfig = z.output<typeof selfServeTriggerSchema>;
export type WebhookTriggerConfig = z.output<typeof webhookTriggerSchema>;
export type ScheduleTriggerConfig = z.output<typeof scheduleTriggerSchema>;
export type EventTriggerConfig = z.output<typeof eventTriggerSchema>;
export type WebhookConfig = z.output<typeof webhookConfigSchema>;
export type ConditionConfig = z.output<typeof conditionConfigSchema>;
export type InputConfig = z.output<typeof inputConfigSchema>;
export type DelayConfig = z.output<typeof delayConfigSchema>;
export type RunWorkflowConfig = z.output<typeof runWorkflowConfigSchema>;
export type TriggerConfig =
	| SelfServeTriggerConfig
	| WebhookTriggerConfig
	| ScheduleTriggerConfig
	| EventTriggerConfig;

/** One save-time problem; `position` is inside the string at `pointer` (1-based). */
export type DefinitionIssue = {
	/** RFC 6901 JSON pointer to the offending field, e.g. "/connections/2/targetIdentifier". */
	pointer: string;
	message: string;
	/** Stable machine-readable code, e.g. "unknown_target" or "cycle". */
	code: string;
	position?: { line: number; column: number };
};

export type ValidationResult =
	| { ok: true; definition: WorkflowDefinition }
	| { ok: false; issues: DefinitionIssue[] };

import { z } from "zod";
import {
	DEFAULT_FOREACH_CONCURRENCY,
	KNOWN_NODE_TYPES,
	MAX_FOREACH_CONCURRENCY,
	MAX_RETRY_ATTEMPTS,
} from "../constants";
import { tryParseDuration } from "../duration";
import {
	conditionConfigSchema,
	delayConfigSchema,
	inputConfigSchema,
	runWorkflowConfigSchema,
	webhookConfigSchema,
} from "./actions";
import {
	descriptionSchema,
	durationSchema,
	expressionSchema,
	identifierSchema,
	templatedRecordSchema,
	titleSchema,
} from "./common";
import {
	eventTriggerSchema,
	scheduleTriggerSchema,
	selfServeTriggerSchema,
	webhookTriggerSchema,
} from "./triggers";

const KNOWN_TYPES_TEXT = KNOWN_NODE_TYPES.join(", ");

/**
 * One schema per `config.type`. The custom error names every known type, so
 * an author who typed "WEBHOK" sees the fix in the 422, at /nodes/<i>/config/type.
 */
export const nodeConfigSchema = z.discriminatedUnion(
	"type",
	[
		selfServeTriggerSchema,
		webhookTriggerSchema,
		scheduleTriggerSchema,
		eventTriggerSchema,
		webhookConfigSchema,
		conditionConfigSchema,
		inputConfigSchema,
		delayConfigSchema,
		runWorkflowConfigSchema,
	],
	{
		error: (issue) => {
			if (issue.code !== "invalid_union") return undefined;
			const type = (issue.input as { type?: unknown } | undefined)?.type;
			return type === undefined
				? `config.type is required; known types: ${KNOWN_TYPES_TEXT}`
				: `unknown node type ${JSON.stringify(type)}; known types: ${KNOWN_TYPES_TEXT}`;
		},
	},
);

export const forEachSchema = z.union([
	expressionSchema.describe("JQ expression giving the items"),
	z.strictObject({
		items: expressionSchema,
		/** Items in flight at once. */
		concurrency: z.int().min(1).max(MAX_FOREACH_CONCURRENCY).default(DEFAULT_FOREACH_CONCURRENCY),
	}),
]);

export const BACKOFF_KINDS = ["constant", "linear", "exponential"] as const;

export const retrySchema = z
	.strictObject({
		maxAttempts: z.int().min(1).max(MAX_RETRY_ATTEMPTS),
		backoff: z.enum(BACKOFF_KINDS).default("exponential"),
		initialDelay: durationSchema.default("1s"),
		maxDelay: durationSchema.optional(),
		/** HTTP statuses that are retried; absent = 408, 429 and 5xx (network errors and timeouts always are). */
		retryOn: z.array(z.int().min(100).max(599)).max(100).optional(),
		/**
		 * JQ condition over the answer (`.response`): a call that succeeded is tried again, with the
		 * same backoff, until it is true or the attempts run out (polling an external job).
		 */
		until: expressionSchema.optional(),
	})
	.superRefine((retry, ctx) => {
		if (retry.maxDelay === undefined) return;
		const initial = tryParseDuration(retry.initialDelay);
		const max = tryParseDuration(retry.maxDelay);
		if (initial.ok && max.ok && max.ms < initial.ms) {
			ctx.addIssue({
				code: "custom",
				path: ["maxDelay"],
				message: "maxDelay must not be shorter than initialDelay",
			});
		}
	});

export const JOIN_STRATEGIES = ["all", "any"] as const;

/** Node options any action node may carry (engine/definition/README.md); triggers may carry only `variables` and `maskOutput` (see checks). */
export const nodeSchema = z.strictObject({
	identifier: identifierSchema,
	title: titleSchema.optional(),
	description: descriptionSchema.optional(),
	config: nodeConfigSchema,
	/** Map the raw result (`.response`) to the node's stable output. */
	variables: templatedRecordSchema.optional(),
	/** Skip the node (SKIPPED) when this JQ expression is false or null. */
	runIf: expressionSchema.optional(),
	forEach: forEachSchema.optional(),
	retry: retrySchema.optional(),
	/** Per attempt; the run engine's default is 30s. */
	timeout: durationSchema.optional(),
	startDelay: durationSchema.optional(),
	/** With several incoming connections: wait for all that can still arrive (default) or the first. */
	joinStrategy: z.enum(JOIN_STRATEGIES).optional(),
	/** Store the output masked (shown as "***"), e.g. when it holds credentials. */
	maskOutput: z.boolean().optional(),
});

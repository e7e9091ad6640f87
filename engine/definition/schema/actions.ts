import { z } from "zod";
import {
	MAX_CONDITION_OPTIONS,
	MAX_INPUT_OUTLETS,
	MAX_QUERY_NAME_LENGTH,
	MAX_URL_LENGTH,
} from "../constants";
import {
	durationSchema,
	expressionSchema,
	identifierSchema,
	permissionsSchema,
	templatedRecordSchema,
	templateStringSchema,
	titleSchema,
	userInputsSchema,
} from "./common";
import { jsonValueSchema } from "./json";

/** True when the string holds a `{{ … }}` template, so its final value is only known at run time. */
export function hasTemplate(value: string): boolean {
	return value.includes("{{");
}

const urlSchema = z
	.string()
	.min(1)
	.max(MAX_URL_LENGTH)
	.refine((value) => hasTemplate(value) || isHttpUrl(value), {
		message: "must be an http(s) URL or contain a {{ … }} template",
	});

function isHttpUrl(value: string): boolean {
	try {
		const url = new URL(value);
		return url.protocol === "http:" || url.protocol === "https:";
	} catch {
		return false;
	}
}

export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"] as const;

const headerNameSchema = z
	.string()
	.regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/, { message: "not a header name" });

export const webhookConfigSchema = z.strictObject({
	type: z.literal("WEBHOOK"),
	url: urlSchema,
	method: z.enum(HTTP_METHODS).default("POST"),
	headers: z.record(headerNameSchema, templateStringSchema).optional(),
	/** Query parameters added to the URL (URL-encoded), each value templated; null leaves one out. */
	query: z.record(z.string().min(1).max(MAX_QUERY_NAME_LENGTH), templateStringSchema).optional(),
	body: jsonValueSchema.optional(),
	/** Wait for the HTTP response (true) or for a callback that completes the node (false). */
	synchronized: z.boolean().default(true),
	/**
	 * Sign the request the Standard Webhooks way with the named tenant secret: webhook-id (the
	 * same on every retry), webhook-timestamp and webhook-signature. Without it, the tenant's
	 * default signing secret (its settings) signs, if it has one.
	 */
	signature: z
		.strictObject({ type: z.literal("STANDARD_WEBHOOKS"), secret: identifierSchema })
		.optional(),
	/** With synchronized: false, take only callbacks signed with this tenant secret. */
	callback: z
		.strictObject({
			signature: z
				.strictObject({ type: z.literal("STANDARD_WEBHOOKS"), secret: identifierSchema })
				.optional(),
		})
		.optional(),
});

export const conditionOptionSchema = z.strictObject({
	identifier: identifierSchema,
	title: titleSchema.optional(),
	/** JQ boolean over the run context; the first true option picks its connection. */
	expression: expressionSchema,
});

export const conditionConfigSchema = z.strictObject({
	type: z.literal("CONDITION"),
	options: z.array(conditionOptionSchema).min(1).max(MAX_CONDITION_OPTIONS),
});

export const inputOutletSchema = z.strictObject({
	identifier: identifierSchema,
	title: titleSchema.optional(),
	/** One response through a decisive outlet (a reject) ends the wait at once. */
	decisive: z.boolean().optional(),
});

export const inputConfigSchema = z.strictObject({
	type: z.literal("INPUT"),
	/** Form each responder fills in; their answers become the node's output. */
	userInputs: userInputsSchema.optional(),
	/** Ways the node can end; connections pick one with `sourceOptionIdentifier`. */
	outlets: z.array(inputOutletSchema).min(1).max(MAX_INPUT_OUTLETS),
	/** Buttons shown to responders, each leading to an outlet; absent = one button per outlet. */
	buttons: z
		.array(z.strictObject({ title: titleSchema, outlet: identifierSchema }))
		.min(1)
		.max(MAX_INPUT_OUTLETS)
		.optional(),
	/** Responses for the same outlet needed before the node completes. */
	numOfResponders: z.int().min(1).max(100).default(1),
	/** Who may respond; absent means members and admins. */
	responders: permissionsSchema.optional(),
	/** Give up waiting after `after` and leave through `outlet`. */
	timeout: z.strictObject({ after: durationSchema, outlet: identifierSchema }).optional(),
	/** false: the run's initiator may not answer (no approving your own run). */
	allowInitiator: z.boolean().optional(),
});

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Epoch ms of an ISO 8601 timestamp with a zone (`2030-01-01T09:00:00Z`), else null. Stricter
 * than Date.parse, which also takes "2026" or "12/04/2026 19:20" (in the runtime's own zone).
 */
export function parseIsoTimestamp(value: string): number | null {
	if (!ISO_TIMESTAMP.test(value)) return null;
	const at = Date.parse(value);
	return Number.isNaN(at) ? null : at;
}

export const delayConfigSchema = z.strictObject({
	type: z.literal("DELAY"),
	/** Sleep this long; exactly one of `duration` and `until` (checked with the graph). */
	duration: durationSchema.optional(),
	/** Sleep until this ISO 8601 timestamp, usually a template. */
	until: templateStringSchema
		.min(1)
		.refine((v) => hasTemplate(v) || parseIsoTimestamp(v) !== null, {
			message:
				'must be an ISO 8601 timestamp with a zone (e.g. "2030-01-01T09:00:00Z") or a template',
		})
		.optional(),
});

export const runWorkflowConfigSchema = z.strictObject({
	type: z.literal("RUN_WORKFLOW"),
	workflowIdentifier: identifierSchema,
	inputs: templatedRecordSchema.optional(),
	/** Wait for the child run and take its output (true), or continue at once (false). */
	wait: z.boolean().default(true),
	/** Pin a version of the child; absent = the latest when the child starts. */
	version: z.int().min(1).optional(),
});

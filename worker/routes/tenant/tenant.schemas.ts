import { z } from "@hono/zod-openapi";
import {
	DEFAULT_MAX_CONCURRENT_RUNS,
	DEFAULT_MAX_RUN_DEPTH,
	MAX_CONCURRENT_RUNS,
	MAX_RUN_DEPTH,
	MIN_CONCURRENT_RUNS,
} from "../../../durable-objects/tenant";
import { IDENTIFIER_PATTERN, identifierSchema } from "../../../engine/definition";
import { DEFAULT_RUN_RETENTION_DAYS, MAX_RUN_RETENTION_DAYS } from "../../quotas/tenant-limits";

const maxConcurrentRuns = z
	.number()
	.int()
	.min(MIN_CONCURRENT_RUNS)
	.max(MAX_CONCURRENT_RUNS)
	.openapi({
		description: `How many of the tenant's runs may be IN_PROGRESS at once (${MIN_CONCURRENT_RUNS} to ${MAX_CONCURRENT_RUNS}, default ${DEFAULT_MAX_CONCURRENT_RUNS}). Runs over the limit are QUEUED and start first-in first-out; WAITING runs do not count.`,
		example: DEFAULT_MAX_CONCURRENT_RUNS,
	});

const defaultSigningSecret = z
	.string()
	.regex(
		IDENTIFIER_PATTERN,
		"A secret's name: letters, digits, _ and -, starting with a letter or _.",
	)
	.nullable()
	.openapi({
		description:
			"The tenant secret that signs every outgoing WEBHOOK call without a `signature` of its own (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature); null signs nothing. Runs keep the one they started with.",
		example: "WEBHOOK_SIGNING",
	});

const errorWorkflow = identifierSchema.nullable().openapi({
	description:
		"The workflow a run that ends FAILED starts when its own definition names no `errorWorkflow` (null: none). Its input is `{ failedRun }`.",
	example: "page_on_call",
});

const maxRunDepth = z
	.number()
	.int()
	.min(1)
	.max(MAX_RUN_DEPTH)
	.openapi({
		description: `How deep RUN_WORKFLOW child runs may nest (1 to ${MAX_RUN_DEPTH}, default ${DEFAULT_MAX_RUN_DEPTH}); a node that would start one deeper fails with max_depth_exceeded.`,
		example: DEFAULT_MAX_RUN_DEPTH,
	});

const runRetentionDays = z
	.number()
	.int()
	.min(1)
	.max(MAX_RUN_RETENTION_DAYS)
	.openapi({
		description: `Days an ended run is kept after it ended (1 to ${MAX_RUN_RETENTION_DAYS}, default ${DEFAULT_RUN_RETENTION_DAYS}); a scheduled job then deletes it, its listing row and everything its run object stored. A deleted run answers 404.`,
		example: DEFAULT_RUN_RETENTION_DAYS,
	});

export const TenantSettings = z
	.object({
		maxConcurrentRuns,
		defaultSigningSecret,
		errorWorkflow,
		maxRunDepth,
		runRetentionDays,
	})
	.openapi("TenantSettings", {
		description: "The caller's tenant settings; a tenant never configured has the defaults.",
	});

/** Strict: a misspelt field is a 422 naming it, not a silently ignored change. */
export const TenantSettingsPatch = z
	.strictObject({
		maxConcurrentRuns: maxConcurrentRuns.optional(),
		defaultSigningSecret: defaultSigningSecret.optional(),
		errorWorkflow: errorWorkflow.optional(),
		maxRunDepth: maxRunDepth.optional(),
		runRetentionDays: runRetentionDays.optional(),
	})
	.openapi("TenantSettingsPatch", {
		description: "The settings to change; fields left out keep their value.",
	});

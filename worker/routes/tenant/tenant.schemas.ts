import { z } from "@hono/zod-openapi";
import {
	DEFAULT_MAX_CONCURRENT_RUNS,
	MAX_CONCURRENT_RUNS,
	MIN_CONCURRENT_RUNS,
} from "../../../durable-objects/tenant";
import { IDENTIFIER_PATTERN } from "../../../engine/definition";

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

export const TenantSettings = z
	.object({ maxConcurrentRuns, defaultSigningSecret })
	.openapi("TenantSettings", {
		description: "The caller's tenant settings; a tenant never configured has the defaults.",
	});

/** Strict: a misspelt field is a 422 naming it, not a silently ignored change. */
export const TenantSettingsPatch = z
	.strictObject({
		maxConcurrentRuns: maxConcurrentRuns.optional(),
		defaultSigningSecret: defaultSigningSecret.optional(),
	})
	.openapi("TenantSettingsPatch", {
		description: "The settings to change; fields left out keep their value.",
	});

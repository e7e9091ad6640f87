import { z } from "@hono/zod-openapi";
import {
	DEFAULT_MAX_CONCURRENT_RUNS,
	DEFAULT_MAX_RUN_DEPTH,
	MAX_CONCURRENT_RUNS,
	MAX_RUN_DEPTH,
	MIN_CONCURRENT_RUNS,
} from "../../../durable-objects/tenant";
import { NOTICE_EVENTS } from "../../../engine/control";
import { IDENTIFIER_PATTERN, identifierSchema } from "../../../engine/definition";

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

/** How many notification endpoints a tenant may set. */
export const MAX_NOTIFICATION_ENDPOINTS = 10;

const secretName = z
	.string()
	.regex(
		IDENTIFIER_PATTERN,
		"A secret's name: letters, digits, _ and -, starting with a letter or _.",
	);

export const NotificationEndpoint = z
	.strictObject({
		url: z.string().min(1).max(2048).openapi({
			description:
				"Where the POST goes: http or https, to a public address (the outgoing-call rules apply).",
			example: "https://hooks.example.com/stepline",
		}),
		events: z
			.array(z.enum(NOTICE_EVENTS))
			.min(1)
			.max(NOTICE_EVENTS.length)
			.refine((events) => new Set(events).size === events.length, "Each event at most once.")
			.openapi({ description: "The run events sent to this endpoint." }),
		format: z.enum(["slack"]).optional().openapi({
			description:
				"`slack`: a Slack incoming-webhook message (text + blocks) instead of the JSON event.",
		}),
		secret: secretName.optional().openapi({
			description:
				"A tenant secret's name: each delivery is signed with it (Standard Webhooks `webhook-signature`).",
			example: "NOTIFY_SIGNING",
		}),
	})
	.openapi("NotificationEndpoint");

const notifications = z
	.array(NotificationEndpoint)
	.max(MAX_NOTIFICATION_ENDPOINTS)
	.openapi({
		description: `Up to ${MAX_NOTIFICATION_ENDPOINTS} endpoints told about run events (docs/NOTIFICATIONS.md): a signed POST per event, retried with backoff under the same \`webhook-id\`. Runs notify the endpoints set when they started.`,
	});

export const TenantSettings = z
	.object({
		maxConcurrentRuns,
		defaultSigningSecret,
		errorWorkflow,
		maxRunDepth,
		notifications,
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
		notifications: notifications.optional(),
	})
	.openapi("TenantSettingsPatch", {
		description: "The settings to change; fields left out keep their value.",
	});

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
import {
	DEFAULT_MAX_STREAMS_PER_RUN,
	DEFAULT_MAX_VERSIONS_PER_WORKFLOW,
	DEFAULT_MAX_WORKFLOWS,
	DEFAULT_RUN_RETENTION_DAYS,
	MAX_RUN_RETENTION_DAYS,
	MAX_STREAMS_PER_RUN,
	MAX_VERSIONS_PER_WORKFLOW,
	MAX_WORKFLOWS,
} from "../../quotas/tenant-limits";

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

const runRetentionDays = z
	.number()
	.int()
	.min(1)
	.max(MAX_RUN_RETENTION_DAYS)
	.openapi({
		description: `Days an ended run is kept after it ended (1 to ${MAX_RUN_RETENTION_DAYS}, default ${DEFAULT_RUN_RETENTION_DAYS}); a scheduled job then deletes it, its listing row and everything its run object stored. A deleted run answers 404.`,
		example: DEFAULT_RUN_RETENTION_DAYS,
	});

/** A quota: a whole number from 1 to `max`. */
const quota = (max: number, fallback: number, description: string) =>
	z
		.number()
		.int()
		.min(1)
		.max(max)
		.openapi({
			description: `${description} (1 to ${max}, default ${fallback}).`,
			example: fallback,
		});

const maxWorkflows = quota(
	MAX_WORKFLOWS,
	DEFAULT_MAX_WORKFLOWS,
	"How many workflows the tenant may have (deleted ones do not count); creating one more is a 409 quota_exceeded",
);
const maxVersionsPerWorkflow = quota(
	MAX_VERSIONS_PER_WORKFLOW,
	DEFAULT_MAX_VERSIONS_PER_WORKFLOW,
	"How many versions of each workflow are kept: a save deletes the oldest past it, except any version a run that has not ended was started on",
);
const maxStreamsPerRun = quota(
	MAX_STREAMS_PER_RUN,
	DEFAULT_MAX_STREAMS_PER_RUN,
	"How many event streams (`/stream`) may follow one run at once; one more is a 429 too_many_streams",
);

export const TenantSettings = z
	.object({
		maxConcurrentRuns,
		defaultSigningSecret,
		errorWorkflow,
		maxRunDepth,
		notifications,
		runRetentionDays,
		maxWorkflows,
		maxVersionsPerWorkflow,
		maxStreamsPerRun,
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
		runRetentionDays: runRetentionDays.optional(),
		maxWorkflows: maxWorkflows.optional(),
		maxVersionsPerWorkflow: maxVersionsPerWorkflow.optional(),
		maxStreamsPerRun: maxStreamsPerRun.optional(),
	})
	.openapi("TenantSettingsPatch", {
		description: "The settings to change; fields left out keep their value.",
	});

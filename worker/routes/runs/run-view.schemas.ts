// A run as the API shows it: the run, its node runs, its history events and its summary row.
import { z } from "@hono/zod-openapi";
import { ATTEMPTS_IN_RUN_VIEW, ITEMS_IN_RUN_VIEW } from "../../../durable-objects/run/run-view";
import { NOTICE_EVENTS } from "../../../engine/control";
import { RESPONSE_EXCERPT_BYTES } from "../../../engine/run";

export const RUN_STATUSES = ["QUEUED", "IN_PROGRESS", "WAITING", "COMPLETED"] as const;
export const RUN_RESULTS = ["SUCCESS", "FAILED", "CANCELLED"] as const;

export const Scope = z
	.discriminatedUnion("type", [
		z.strictObject({ type: z.literal("GLOBAL") }),
		z.strictObject({ type: z.literal("ENTITY"), entityId: z.string().min(1).max(200) }),
	])
	.openapi("RunScope");

const Time = z.string().openapi({ format: "date-time" });

const NotificationDelivery = z
	.object({
		webhookId: z
			.string()
			.openapi({ description: "The `webhook-id` it is sent under, on every retry." }),
		event: z.enum(NOTICE_EVENTS),
		url: z
			.string()
			.openapi({ description: "The endpoint's origin (its path may be a credential)." }),
		status: z.enum(["sending", "delivered", "failed"]),
		failures: z.number().int(),
		lastError: z.string().nullable(),
		at: Time,
		endedAt: Time.nullable(),
	})
	.openapi("NotificationDelivery");
const ErrorInfo = z.object({ code: z.string(), message: z.string() }).nullable();

const ResponseExcerpt = z
	.object({
		headers: z.record(z.string(), z.string()).openapi({
			description: "Lower-cased names, credential-looking values masked.",
		}),
		headersTruncated: z.boolean(),
		body: z.string().openapi({
			description: `The body's first ${RESPONSE_EXCERPT_BYTES} bytes (UTF-8 text).`,
		}),
		bodyBytes: z.number().int().openapi({ description: "The body's size as read, in bytes." }),
		bodyTruncated: z.boolean(),
	})
	.openapi("ResponseExcerpt", {
		description: `What a run keeps of each answer: the first ${RESPONSE_EXCERPT_BYTES} bytes of its headers and of its body, with every secret value and credential-looking header hidden.`,
	});

/** What an INPUT's request asks and has so far: in the run view and in `GET /v1/inputs`. */
export const InputRequestFields = {
	title: z.string().nullable().openapi({ description: "The node's title, templates filled in." }),
	description: z.string().nullable(),
	dueAt: Time.nullable().openapi({
		description: "When `timeout.outlet` is taken; null: none.",
	}),
	form: z.record(z.string(), z.unknown()).nullable().openapi({
		description: "The node's userInputs (a JSON Schema object).",
	}),
	outlets: z.array(
		z.object({ identifier: z.string(), title: z.string().nullable(), decisive: z.boolean() }),
	),
	buttons: z.array(z.object({ title: z.string(), outlet: z.string() })),
	responders: z.object({
		roles: z.array(z.string()).nullable(),
		users: z.array(z.string()).nullable(),
	}),
	numOfResponders: z.number().int(),
	allowInitiator: z.boolean(),
	responses: z.array(
		z.object({
			by: z.string(),
			at: Time,
			outlet: z.string(),
			inputs: z.unknown(),
			comment: z.string().nullable(),
		}),
	),
	decided: z.object({ outlet: z.string(), by: z.string(), at: Time }).nullable(),
};

const Waiting = z
	.discriminatedUnion("kind", [
		z.object({
			kind: z.literal("input"),
			since: Time,
			...InputRequestFields,
		}),
		z.object({
			kind: z.literal("callback"),
			since: Time,
			attempt: z.number().int(),
			receivedAt: Time.nullable(),
		}),
		z.object({
			kind: z.literal("child"),
			since: Time,
			attempt: z.number().int(),
			runId: z.string().openapi({ description: "The child run this attempt waits for." }),
		}),
	])
	.openapi("Waiting", {
		description:
			"What a WAITING node waits on from outside the run: an INPUT's open request (answer it with POST /v1/runs/{runId}/inputs/{node}), an async WEBHOOK's callback, or a RUN_WORKFLOW's child run.",
	});

export const Attempt = z
	.object({
		number: z.number().int(),
		startedAt: Time,
		endedAt: Time.nullable(),
		request: z.object({
			method: z.string(),
			url: z.string(),
			headers: z.record(z.string(), z.string()),
			body: z.unknown(),
		}),
		responseStatus: z.number().int().nullable(),
		response: ResponseExcerpt.nullable().openapi({
			description: `The start of the answer, masked like the request: null when no answer came.`,
		}),
		error: ErrorInfo,
		child: z
			.object({
				runId: z.string().nullable(),
				ended: z
					.object({
						at: Time,
						result: z.enum(["SUCCESS", "FAILED", "CANCELLED"]),
						error: ErrorInfo,
					})
					.optional()
					.openapi({ description: "With `wait: true`: how the child ended, once it did." }),
			})
			.optional()
			.openapi({
				description:
					"RUN_WORKFLOW: the child run this attempt started (null while it is being started).",
			}),
	})
	.openapi("Attempt");

const NodeRunFields = {
	status: z.enum(["PENDING", "IN_PROGRESS", "WAITING", "COMPLETED"]),
	result: z.enum(["SUCCESS", "FAILED", "CANCELLED", "SKIPPED"]).nullable(),
	startedAt: Time.nullable(),
	endedAt: Time.nullable(),
	attemptCount: z
		.number()
		.int()
		.openapi({
			description: `How many attempts were made; \`attempts\` holds the newest ${ATTEMPTS_IN_RUN_VIEW} (page the rest with GET …/runs/{runId}/nodes/{node}/attempts).`,
		}),
	attempts: z.array(Attempt),
	output: z.unknown(),
	error: ErrorInfo,
	logs: z.array(z.object({ level: z.string(), message: z.string(), time: Time })),
	due: z
		.array(
			z.object({
				kind: z.string().openapi({
					description: "`delay`, `start_delay`, `retry` or `attempt_timeout`.",
				}),
				at: Time,
				attempt: z.number().int().nullable(),
			}),
		)
		.openapi({
			description:
				"What the node (or item) waits for and when it is due: a delay ending, the next attempt, an attempt's timeout.",
		}),
	waiting: Waiting.nullable(),
};

export const ItemRun = z
	.object({ index: z.number().int(), item: z.unknown(), ...NodeRunFields })
	.openapi("ItemRun", {
		description: "One item of a forEach node: its place, its value, its task.",
	});

export const TRIGGER_TYPES = [
	"SELF_SERVE_TRIGGER",
	"WEBHOOK_TRIGGER",
	"SCHEDULE_TRIGGER",
	"EVENT_TRIGGER",
] as const;

/** How a run started: `POST …/runs`, a webhook delivery, a schedule tick or an event. */
export const RunTrigger = z
	.discriminatedUnion("type", [
		z.object({
			type: z.literal("SELF_SERVE_TRIGGER"),
			node: z.string().nullable().openapi({
				description: "The trigger node; null only on runs started before triggers were recorded.",
			}),
		}),
		z.object({
			type: z.literal("WEBHOOK_TRIGGER"),
			node: z.string(),
			deliveryId: z.string().nullable().openapi({
				description:
					"The sender's delivery id (webhook-id, X-GitHub-Delivery, Idempotency-Key or the dedupeKey); null when it sent none.",
			}),
		}),
		z.object({ type: z.literal("SCHEDULE_TRIGGER"), node: z.string(), tickAt: Time }),
		z.object({ type: z.literal("EVENT_TRIGGER"), node: z.string(), eventId: z.string() }),
	])
	.openapi("RunTrigger");

export const Run = z
	.object({
		id: z.string(),
		status: z.enum(RUN_STATUSES),
		result: z.enum(RUN_RESULTS).nullable(),
		workflow: z.object({
			id: z.string().openapi({
				description:
					"The workflow's lifetime: one deleted and created again under the same identifier has a new id.",
			}),
			identifier: z.string(),
			title: z.string(),
			version: z.number().int().openapi({ description: "The version this run is pinned to." }),
		}),
		initiator: z.string(),
		requestedBy: z.string(),
		runAs: z.string().nullable(),
		scope: Scope,
		notificationRecipients: z.array(z.string()),
		retryOf: z.string().nullable(),
		trigger: RunTrigger,
		retries: z.array(z.string()),
		parent: z
			.object({ runId: z.string(), node: z.string() })
			.nullable()
			.openapi({ description: "On a child run: the run and RUN_WORKFLOW node that started it." }),
		errorOf: z
			.object({ runId: z.string(), workflow: z.string() })
			.nullable()
			.openapi({ description: "On an error run: the failed run that started it." }),
		errorRun: z
			.discriminatedUnion("status", [
				z.object({ status: z.literal("started"), runId: z.string(), workflow: z.string() }),
				z.object({ status: z.literal("refused"), workflow: z.string(), reason: z.string() }),
			])
			.nullable()
			.openapi({
				description:
					"On a run that ended FAILED: the error workflow's run it started, or why that workflow could not start. Null while it is being started, and when no error workflow is named.",
			}),
		notifications: z.array(NotificationDelivery).openapi({
			description:
				"What the run told the tenant's notification endpoints (tenant settings `notifications`), one entry per endpoint and event: `sending` until the endpoint answers 2xx (retried with backoff under the same `webhook-id`), then `delivered`, or `failed` once given up.",
		}),
		inputs: z.unknown(),
		outputs: z.unknown(),
		error: z
			.object({ code: z.string(), message: z.string(), node: z.string().nullable() })
			.nullable(),
		createdAt: Time,
		startedAt: Time.nullable(),
		endedAt: Time.nullable(),
		variables: z.object({ outputs: z.record(z.string(), z.unknown()) }),
		connections: z.object({ taken: z.array(z.string()), notTaken: z.array(z.string()) }),
		nodeRuns: z.array(
			z.object({
				node: z.string(),
				title: z.string().nullable(),
				type: z.string(),
				...NodeRunFields,
				children: z
					.array(
						z.object({
							runId: z.string(),
							item: z.number().int().nullable(),
							attempt: z.number().int(),
						}),
					)
					.openapi({
						description:
							"RUN_WORKFLOW: the child runs this node started, by item and attempt (list them with `GET /v1/workflows/runs?parentRunId=…`).",
					}),
				items: z
					.array(ItemRun)
					.nullable()
					.openapi({
						description: `A forEach node's first ${ITEMS_IN_RUN_VIEW} items, in list order (page the rest with GET …/runs/{runId}/nodes/{node}/items).`,
					}),
				itemCount: z.number().int().nullable().openapi({
					description: "How many items the forEach node has (null when `items` is).",
				}),
				itemsNextAfter: z.number().int().nullable().openapi({
					description:
						"Pass as `after` to the items page for the items after `items`; null: `items` holds them all.",
				}),
			}),
		),
		lastEventSeq: z.number().int(),
	})
	.openapi("Run");

export const RunEvent = z
	.object({
		seq: z.number().int(),
		time: Time,
		type: z.string(),
		node: z.string().nullable(),
		item: z.number().int().nullable(),
		detail: z.string(),
	})
	.openapi("RunEvent");

export const RunEventPage = z
	.object({
		data: z.array(RunEvent),
		nextAfter: z.number().int().nullable(),
		lastEventSeq: z.number().int(),
	})
	.openapi("RunEventPage");

export const EventsQuery = z.object({
	after: z.coerce
		.number()
		.int()
		.min(0)
		.default(0)
		.openapi({ description: "Return events with seq > after." }),
	limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const StreamQuery = z.object({
	after: z.coerce.number().int().min(0).optional().openapi({
		description:
			"Replay events with seq > after. EventSource sends `Last-Event-ID` when it reconnects, which wins.",
	}),
});

export const RunSummary = Run.pick({
	id: true,
	status: true,
	result: true,
	workflow: true,
	initiator: true,
	trigger: true,
	createdAt: true,
	startedAt: true,
	endedAt: true,
})
	.extend({ entityId: z.string().nullable() })
	.openapi("RunSummary");

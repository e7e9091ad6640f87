import { defineRoute } from "../define-route";
import { json, problemResponses } from "../openapi";
import {
	DeliveriesQuery,
	DeliveryList,
	Trigger,
	TriggerList,
	TriggerParams,
	TriggerPatch,
	WorkflowParam,
} from "./triggers.schemas";

const tags = ["Triggers"];

export const listTriggers = defineRoute({
	operationId: "listTriggers",
	scope: "workflows:read",
	method: "get",
	path: "/{identifier}/triggers",
	tags,
	summary: "The latest version's webhook URLs, schedules and event triggers",
	description:
		"Members and admins. A webhook's URL is its credential: keep it as you would a token (rotate it if it leaks).",
	request: { params: WorkflowParam },
	responses: {
		200: json(TriggerList, "Every WEBHOOK_TRIGGER, SCHEDULE_TRIGGER and EVENT_TRIGGER."),
		...problemResponses(401, 403, 404, 422, 500),
	},
});

export const rotateTrigger = defineRoute({
	operationId: "rotateWebhookUrl",
	scope: "admin",
	audit: { action: "trigger.rotate", target: "trigger", targetParam: ["identifier", "node"] },
	method: "post",
	path: "/{identifier}/triggers/{node}/rotate",
	tags,
	summary: "Give a webhook trigger a new URL (admins); the old one answers 404 from then on",
	request: { params: TriggerParams },
	responses: {
		200: json(Trigger, "The trigger with its new URL."),
		...problemResponses(401, 403, 404, 422, 500),
	},
});

export const patchTrigger = defineRoute({
	operationId: "updateTrigger",
	scope: "workflows:write",
	audit: { action: "trigger.update", target: "trigger", targetParam: ["identifier", "node"] },
	method: "patch",
	path: "/{identifier}/triggers/{node}",
	tags,
	summary: "Pause or resume a schedule",
	description:
		"A paused schedule starts nothing; resumed, it fires from its next tick on (ticks while paused are not caught up).",
	request: {
		params: TriggerParams,
		body: { required: true, content: { "application/json": { schema: TriggerPatch } } },
	},
	responses: {
		200: json(Trigger, "The schedule."),
		...problemResponses(401, 403, 404, 415, 422, 500),
	},
});

export const listDeliveries = defineRoute({
	operationId: "listDeliveries",
	scope: "workflows:read",
	method: "get",
	path: "/{identifier}/triggers/{node}/deliveries",
	tags,
	summary: "A webhook trigger's deliveries of the last 30 days, newest first",
	description:
		"Every delivery with its outcome (started, duplicate, ignored, invalid, unauthorized, limited, failed), the status the sender got and the run it started. At most the newest 1,000 per trigger are kept.",
	request: { params: TriggerParams, query: DeliveriesQuery },
	responses: {
		200: json(DeliveryList, "One page of deliveries."),
		...problemResponses(401, 403, 404, 422, 500),
	},
});

import { z } from "@hono/zod-openapi";
import { IDENTIFIER_PATTERN } from "../../../engine/definition";
import { DELIVERY_OUTCOMES } from "../../db/deliveries.repo";

const identifier = z
	.string()
	.regex(IDENTIFIER_PATTERN, "Identifiers use letters, digits, _ and -.");
const Time = z.string().openapi({ format: "date-time" });

export const WorkflowParam = z.object({
	identifier: identifier.openapi({
		param: { name: "identifier", in: "path" },
		example: "deploy_service",
	}),
});

export const TriggerParams = WorkflowParam.extend({
	node: identifier.openapi({ param: { name: "node", in: "path" }, example: "github" }),
});

const Fire = z.object({
	tickAt: Time,
	outcome: z.enum(["started", "skipped", "buffered", "missed", "failed"]).openapi({
		description:
			"`started`: the tick's run; `skipped`: overlap `skip` while the previous run was unfinished; `buffered`: held by `buffer_one` (a later `started` entry starts it); `missed`: later than the catch-up window; `failed`: the start was refused (see `detail`).",
	}),
	runId: z.string().nullable(),
	at: Time.openapi({ description: "When the schedule acted on the tick." }),
	detail: z.string().nullable(),
});

export const Trigger = z
	.object({
		node: z.string(),
		type: z.enum(["WEBHOOK_TRIGGER", "SCHEDULE_TRIGGER", "EVENT_TRIGGER"]),
		webhook: z
			.object({
				url: z.string().openapi({ description: "POST deliveries here; no bearer token." }),
				signature: z.record(z.string(), z.unknown()).nullable(),
			})
			.nullable(),
		schedule: z
			.object({
				cron: z.string(),
				timezone: z.string(),
				overlap: z.enum(["allow", "skip", "buffer_one"]),
				paused: z.boolean(),
				nextTicks: z
					.array(Time)
					.openapi({ description: "The next five ticks (none while paused)." }),
				lastFires: z
					.array(Fire)
					.openapi({ description: "The last ten ticks acted on, newest first." }),
			})
			.nullable(),
		event: z
			.object({
				type: z.string(),
				fields: z.record(z.string(), z.string()),
				condition: z.record(z.string(), z.unknown()).nullable(),
			})
			.nullable(),
	})
	.openapi("Trigger");

export const TriggerList = z.object({ data: z.array(Trigger) }).openapi("TriggerList");

export const TriggerPatch = z
	.strictObject({ paused: z.boolean().openapi({ description: "Pause or resume a schedule." }) })
	.openapi("TriggerPatch");

export const Delivery = z
	.object({
		id: z.string(),
		receivedAt: Time,
		outcome: z.enum(DELIVERY_OUTCOMES),
		status: z.number().int().openapi({ description: "The HTTP status the sender got." }),
		deliveryId: z.string().nullable(),
		runId: z.string().nullable(),
		detail: z.string().nullable(),
	})
	.openapi("Delivery");

export const DeliveryList = z
	.object({ data: z.array(Delivery), nextCursor: z.string().nullable() })
	.openapi("DeliveryList");

export const DeliveriesQuery = z.object({
	limit: z.coerce.number().int().min(1).max(100).default(20),
	cursor: z.string().max(512).optional(),
});

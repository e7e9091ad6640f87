import { z } from "@hono/zod-openapi";
import { jsonProblem } from "../../../engine/definition";

/** As many events as one post takes (a run batch takes as many runs). */
export const MAX_EVENTS_PER_POST = 100;

export const TenantEvent = z
	.object({
		id: z
			.string()
			.min(1)
			.max(255)
			.openapi({ description: "Unique per event: a repeat within 24 h starts nothing new." }),
		type: z
			.string()
			.regex(/^[A-Za-z_][A-Za-z0-9_.:-]{0,199}$/, "Event types use letters, digits, _ . : and -.")
			.openapi({
				description:
					"ENTITY_CREATED, ENTITY_UPDATED, ENTITY_DELETED, TIMER_EXPIRED or a type of your own.",
			}),
		diff: z.record(z.string(), z.unknown()).optional(),
		entity: z.record(z.string(), z.unknown()).optional(),
	})
	.catchall(z.unknown())
	.superRefine((value, ctx) => {
		const problem = jsonProblem(value);
		if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
	})
	.openapi("TenantEvent", {
		description:
			"Any other top-level field (e.g. `blueprintIdentifier`) is compared with the event triggers' fields.",
	});

export const PostEventsBody = z
	.union([TenantEvent, z.array(TenantEvent).min(1).max(MAX_EVENTS_PER_POST)])
	.openapi("PostEvents", { description: `One event, or an array of 1 to ${MAX_EVENTS_PER_POST}.` });

export const EventResult = z
	.object({
		id: z.string(),
		duplicate: z.boolean().openapi({
			description:
				"The id was posted in the last 24 h: this is that post's answer, nothing new started.",
		}),
		matched: z.array(
			z.object({
				workflow: z.string(),
				node: z.string(),
				runId: z.string().nullable(),
				error: z.string().nullable().openapi({ description: "Why no run started for this match." }),
			}),
		),
	})
	.openapi("EventResult");

export const EventResults = z
	.object({ data: z.array(EventResult).openapi({ description: "Per event, in request order." }) })
	.openapi("EventResults");

import { z } from "@hono/zod-openapi";

export const HookParam = z.object({
	hookId: z
		.string()
		.openapi({ param: { name: "hookId", in: "path" }, example: "q3Xw0c2JbqTQ3u1J8qPRbA" }),
});

export const DeliveryAccepted = z
	.object({
		outcome: z.enum(["started", "duplicate", "ignored"]).openapi({
			description:
				"`started`: this delivery started the run; `duplicate`: an earlier delivery with the same id did (`Idempotent-Replayed: true`); `ignored`: the trigger's filter was false and nothing started.",
		}),
		run: z
			.object({
				id: z.string(),
				status: z.enum(["QUEUED", "IN_PROGRESS", "WAITING", "COMPLETED"]),
				url: z.string().openapi({ description: "The run in the API (needs a bearer token)." }),
			})
			.nullable(),
	})
	.openapi("DeliveryAccepted");

import { z } from "@hono/zod-openapi";
import { IDENTIFIER_PATTERN } from "../../../engine/definition";
import { RunIdParam } from "../runs/runs.schemas";

export const InputParams = RunIdParam.extend({
	node: z
		.string()
		.regex(IDENTIFIER_PATTERN, "Identifiers use letters, digits, _ and -.")
		.openapi({ param: { name: "node", in: "path" }, example: "approve" }),
});

export const InputResponseBody = z
	.strictObject({
		outlet: z.string().min(1).max(100).openapi({
			description: "The outlet this response leaves through (a button leads to one).",
			example: "approved",
		}),
		inputs: z
			.record(z.string(), z.unknown())
			.optional()
			.openapi({ description: "The form's fields (the node's userInputs); default {}." }),
		comment: z.string().max(2000).optional(),
	})
	.openapi("InputResponse");

export const InputResponseReceived = z
	.object({
		outcome: z.enum(["accepted", "already_received"]).openapi({
			description:
				"`accepted`: stored, counted toward the node's decision. `already_received`: this response was sent before with the same Idempotency-Key; nothing changed.",
		}),
	})
	.openapi("InputResponseReceived");

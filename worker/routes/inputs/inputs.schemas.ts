import { z } from "@hono/zod-openapi";
import { IDENTIFIER_PATTERN } from "../../../engine/definition";
import { InputRequestFields } from "../runs/run-view.schemas";
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

const Time = z.string().openapi({ format: "date-time" });

export const InputRequestsQuery = z.object({
	status: z.enum(["pending", "answered", "closed"]).default("pending").openapi({
		description:
			"`pending`: open to responses (default); `answered`: decided by responses; `closed`: timed out, or ended without a decision (cancelled, the run failed).",
	}),
	assignedTo: z.enum(["me", "any"]).default("me").openapi({
		description:
			"`me` (default): pending requests you may answer now (a responder, not the initiator where the node forbids it, not answered yet); for `answered` and `closed`, those you were asked or answered. `any`: every request of the tenant (admins).",
	}),
	limit: z.coerce.number().int().min(1).max(100).default(20),
	cursor: z.string().max(512).optional().openapi({
		description: "The previous page's `nextCursor`, unchanged.",
	}),
});

export const InputRequest = z
	.object({
		id: z.string().openapi({ example: "run_0d3c…/approve" }),
		runId: z.string(),
		node: z.string().openapi({ description: "Answer with POST /v1/runs/{runId}/inputs/{node}." }),
		item: z.number().int().nullable().openapi({
			description: "The forEach item the request asks about; null for the node itself.",
		}),
		workflow: z.object({
			id: z.string(),
			identifier: z.string(),
			title: z.string(),
			version: z.number().int(),
		}),
		initiatedBy: z.string().openapi({ description: "Who the run runs as." }),
		status: z.enum(["pending", "answered", "closed"]),
		openedAt: Time,
		closedAt: Time.nullable(),
		...InputRequestFields,
	})
	.openapi("InputRequest", {
		description:
			"An INPUT node's request, as of the run's last index write (a response shows here once its run has recorded it; the run itself, GET /v1/workflows/runs/{runId}, is always current). Secret inputs in responses are hidden.",
	});

export const InputRequestPage = z
	.object({
		data: z.array(InputRequest),
		nextCursor: z.string().nullable().openapi({
			description:
				"Where the next page starts; null only when no more requests match. A page that examined its limit of requests before filling may be short or empty and still carry one: keep paging.",
		}),
	})
	.openapi("InputRequestPage");

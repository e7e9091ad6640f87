import { z } from "@hono/zod-openapi";
import { AUDIT_TARGET_TYPES } from "../../audit/audit-spec";

const Time = z.string().openapi({ format: "date-time" });
const Instant = z.iso
	.datetime({ offset: true })
	.transform((value) => Date.parse(value))
	.optional();

export const AuditLogQuery = z.object({
	limit: z.coerce.number().int().min(1).max(100).default(50),
	cursor: z.string().max(512).optional().openapi({
		description: "The previous page's `nextCursor`, unchanged.",
	}),
	actor: z.string().min(1).max(200).optional().openapi({
		description: "Who: a user's subject, or `apikey:<id>`.",
	}),
	action: z.string().min(1).max(100).optional().openapi({
		description: "What, e.g. `workflow.update`, `run.cancel`, `api_key.create`.",
	}),
	target: z.string().min(1).max(200).optional().openapi({
		description: "On what: a workflow identifier, run id, secret name or API key id.",
	}),
	outcome: z.enum(["success", "failure"]).optional(),
	after: Instant.openapi({
		type: "string",
		format: "date-time",
		description: "Entries at or after this time.",
	}),
	before: Instant.openapi({
		type: "string",
		format: "date-time",
		description: "Entries before this time.",
	}),
});

export const AuditEvent = z
	.object({
		id: z.string(),
		at: Time,
		actor: z.string().openapi({ description: "A user's subject, or `apikey:<id>`." }),
		actorKind: z.enum(["jwt", "api_key"]),
		action: z.string().openapi({ example: "workflow.update" }),
		target: z.object({
			type: z.enum(AUDIT_TARGET_TYPES),
			id: z.string().nullable().openapi({
				description: "Null when a request failed before naming one (a create refused as invalid).",
			}),
		}),
		requestId: z.string().openapi({ description: "The request's X-Request-Id." }),
		outcome: z.enum(["success", "failure"]),
		status: z.number().int().openapi({ description: "The HTTP status the request got." }),
		errorCode: z.string().nullable().openapi({ description: "The problem's `code` on failure." }),
	})
	.openapi("AuditEvent");

export const AuditLog = z
	.object({
		data: z.array(AuditEvent),
		nextCursor: z.string().nullable().openapi({
			description:
				"Where the next page starts; null only when no more entries match. A page that examined its limit of entries before filling may be short or empty and still carry one: keep paging.",
		}),
	})
	.openapi("AuditLog");

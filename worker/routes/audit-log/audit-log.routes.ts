import { AUDIT_SCAN_BUDGET } from "../../db/audit.repo";
import { defineRoute } from "../define-route";
import { json, problemResponses } from "../openapi";
import { AuditLog, AuditLogQuery } from "./audit-log.schemas";

export const getAuditLog = defineRoute({
	operationId: "getAuditLog",
	scope: "admin",
	method: "get",
	path: "/",
	tags: ["Audit log"],
	summary: "The tenant's audit log, newest first (admins)",
	description: `Every write — workflow create, update and delete, secret set and delete, settings changes, API key create and revoke, run starts by API keys, cancel, bulk cancel and retry — with who, when, what, on what, the request id and how it ended (refused calls too). Kept 90 days. Filters: actor, action, target, outcome, time. Cursor paging: each page examines about ${AUDIT_SCAN_BUDGET} entries at most, so a page may be short or empty with a non-null \`nextCursor\`; only a null one means there is nothing more.`,
	request: { query: AuditLogQuery },
	responses: {
		200: json(AuditLog, "One page of entries."),
		...problemResponses(401, 403, 422, 500),
	},
});

import type { RouteConfig, RouteHandler } from "@hono/zod-openapi";
import type { AuditTargetType } from "../../audit/audit-spec";
import { assertRole } from "../../auth/middleware";
import { listAuditEvents } from "../../db/audit.repo";
import { database } from "../../db/client";
import type { AuditEventRow } from "../../db/schema";
import type { AppEnv } from "../../env";
import { decodeCursor, encodeCursor } from "../../lib/cursor";
import type * as routes from "./audit-log.routes";

type Handler<R extends RouteConfig> = RouteHandler<R, AppEnv>;

/** Exactly `{ a, e }`: no other listing's cursor is one of these. */
const isAuditCursor = (v: unknown): v is { a: number; e: string } =>
	typeof v === "object" &&
	v !== null &&
	Object.keys(v).length === 2 &&
	Number.isInteger((v as { a?: unknown }).a) &&
	typeof (v as { e?: unknown }).e === "string";

// Columns written only by recordOutcome, from these same unions.
const entry = (row: AuditEventRow) => ({
	id: row.id,
	at: new Date(row.at).toISOString(),
	actor: row.actor,
	actorKind: row.actorKind as "jwt" | "api_key",
	action: row.action,
	target: { type: row.targetType as AuditTargetType, id: row.targetId },
	requestId: row.requestId,
	outcome: row.outcome as "success" | "failure",
	status: row.status,
	errorCode: row.errorCode,
});

export const getAuditLog: Handler<typeof routes.getAuditLog> = async (c) => {
	const principal = c.get("principal");
	assertRole(principal, "admin", "read the audit log");
	const { limit, cursor, target, ...filter } = c.req.valid("query");
	const decoded = cursor ? decodeCursor(cursor, isAuditCursor) : undefined;
	const page = await listAuditEvents(
		database(c.env.DB),
		principal.tenantId,
		{ ...filter, targetId: target },
		{ limit, after: decoded && { at: decoded.a, id: decoded.e }, now: Date.now() },
	);
	return c.json(
		{
			data: page.rows.map(entry),
			nextCursor: page.next ? encodeCursor({ a: page.next.at, e: page.next.id }) : null,
		},
		200,
	);
};

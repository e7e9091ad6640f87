import type { Context, MiddlewareHandler } from "hono";
import type { Principal } from "../auth/principal";
import { auditEventInsert } from "../db/audit.repo";
import { database } from "../db/client";
import { failedStartInsert } from "../db/failed-starts.repo";
import type { AppEnv } from "../env";
import { toApiError } from "../errors/problem";
import type { AuditSpec, AuditTargetType } from "./audit-spec";

/** Names what a request acted on, when the path does not (a created workflow, a new key). */
export function auditTarget(
	c: Context<AppEnv>,
	target: { type: AuditTargetType; id: string },
): void {
	c.set("auditTarget", target);
}

/** Names what a write turned out to be, where one route does two things (a PUT that creates). */
export function auditAction(c: Context<AppEnv>, action: string): void {
	c.set("auditAction", action);
}

const newId = () => crypto.randomUUID().replaceAll("-", "");

/**
 * The one way writes are recorded (docs/ARCHITECTURE.md#audit-log-and-failed-starts): a
 * middleware defineRoute puts before everything else the route does, scope check included, so
 * a refused call (no scope, wrong role, invalid body, 404, 409) is recorded as a failure with
 * its problem code, and a successful one after its handler answered. Requests that never
 * proved who they are (401) are not: they are no one's writes. The rows are written before the
 * answer leaves, so what a client was told is already in the log; a failure to write them is
 * logged and does not change the answer (the write itself has happened).
 */
export function recordOutcome(spec: AuditSpec): MiddlewareHandler<AppEnv> {
	return async (c, next) => {
		await next();
		const principal = c.get("principal") as Principal | undefined;
		if (!principal) return;
		const status = c.res.status;
		const failed = status >= 400;
		const problem = c.error ? toApiError(c.error) : null;
		const at = Date.now();
		const requestId = c.get("requestId");
		const db = database(c.env.DB);
		const { tenantId } = principal;
		const rows = [];
		if (!spec.onlyApiKeys || principal.credential.kind === "api_key") {
			const named = c.get("auditTarget");
			const param =
				spec.targetParam === undefined
					? undefined
					: [spec.targetParam]
							.flat()
							.map((name) => c.req.param(name))
							.join("/");
			rows.push(
				auditEventInsert(db, tenantId, {
					id: newId(),
					tenantId,
					at,
					actor: principal.subject,
					actorKind: principal.credential.kind,
					action: c.get("auditAction") ?? spec.action,
					targetType: named?.type ?? spec.target,
					targetId: named?.id ?? param ?? (spec.target === "tenant" ? tenantId : null),
					requestId,
					outcome: failed ? "failure" : "success",
					status,
					errorCode: failed ? (problem?.code ?? "internal") : null,
				}),
			);
		}
		if (spec.failedStart && failed)
			rows.push(
				failedStartInsert(db, tenantId, {
					id: newId(),
					tenantId,
					at,
					actor: principal.subject,
					workflowIdentifier: c.req.param("identifier") ?? "",
					status,
					errorCode: problem?.code ?? "internal",
					detail: problem?.message ?? "",
					requestId,
				}),
			);
		const [first, ...rest] = rows;
		if (!first) return;
		try {
			await db.batch([first, ...rest]);
		} catch (err) {
			console.error(
				JSON.stringify({
					level: "error",
					message: "audit write failed",
					requestId,
					error: String(err),
				}),
			);
		}
	};
}

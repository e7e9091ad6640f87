import { createRoute, type RouteConfig, z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import type { AuditDeclaration } from "../audit/audit-spec";
import { recordOutcome } from "../audit/record-outcome";
import { requireScope } from "../auth/middleware";
import type { Scope } from "../auth/scopes";
import { jsonBodyGate } from "./json-body";
import { problemResponses } from "./openapi";

/** What every operation of the API declares, on top of @hono/zod-openapi's route config. */
interface BaseOperation extends Omit<RouteConfig, "security" | "method"> {
	/** Stable across releases: generated clients name their methods after it. */
	operationId: string;
	/**
	 * What an API key (or a JWT with a `scope` claim) needs to call it; `{ public: why }` for the
	 * few operations third parties call without a Stepline credential (a webhook delivery).
	 */
	scope: Scope | { public: string };
}

/**
 * Reads are not audited; every other operation says how it is recorded in the audit log, or
 * why it is not (`{ skip: "…" }`), so a new write route cannot forget it.
 */
export type OperationConfig =
	| (BaseOperation & { method: "get"; audit?: undefined })
	| (BaseOperation & { method: Exclude<RouteConfig["method"], "get">; audit: AuditDeclaration });

/**
 * Defines one operation of the API (docs/ARCHITECTURE.md#a-request). Routes are never made with
 * `createRoute` directly, so what every operation must say is checked by the type checker and
 * applied in one place:
 *
 * - its scope, enforced before anything else the route does (requireScope) and listed in the
 *   OpenAPI document as the operation's bearerAuth requirement;
 * - a route with a body gets the JSON body gate (json-body.ts) for the content types it
 *   declares: malformed, mistyped or non-UTF-8 bodies are 4xx before the handler runs;
 * - for a write, how the audit log records it (recordOutcome), refused calls included;
 * - its query string is exact: a parameter it does not document is a 422 naming it (a filter
 *   that is ignored looks like a filter that matched), and one given twice that takes a single
 *   value is a 422 too (see `createRouter`'s hook). A route without query parameters takes none.
 *
 * @example
 * export const getRun = defineRoute({
 *   operationId: "getRun",
 *   scope: "runs:read",
 *   method: "get",
 *   path: "/runs/{runId}",
 *   request: { params: RunIdParam },
 *   responses: { 200: json(Run, "The run.") },
 * });
 */
export function defineRoute<const R extends OperationConfig>(config: R) {
	const { scope, audit, ...route } = config;
	const query = route.request?.query ?? z.object({});
	if (!(query instanceof z.ZodObject))
		throw new Error(`${route.operationId}: a query schema must be a z.object`);
	const body = route.request?.body;
	const own = route.middleware === undefined ? [] : [route.middleware].flat();
	const gate = body ? [jsonBodyGate(Object.keys(body.content), body.required === false)] : [];
	if (typeof scope !== "string")
		return createRoute({
			...route,
			security: [],
			middleware: [...gate, ...own] as MiddlewareHandler[],
			request: { ...route.request, query: query.strict() },
		}) as Omit<R, "scope" | "audit"> &
			ReturnType<typeof createRoute<R["path"], Omit<R, "scope" | "audit">>>;
	return createRoute({
		...route,
		description: [route.description, `Needs the \`${scope}\` scope.`].filter(Boolean).join("\n\n"),
		security: [{ bearerAuth: [scope] }],
		// Any operation may answer a credential without its scope, or one past its request rate.
		responses: { ...problemResponses(403, 429), ...route.responses },
		// The recorder goes first, so a call refused by any check after it (scope, body, role,
		// the handler's own) is recorded too. The scope is checked before the body is read: a
		// caller without it learns nothing more.
		middleware: [
			...(audit && !("skip" in audit) ? [recordOutcome(audit)] : []),
			requireScope(scope),
			...gate,
			...own,
		] as MiddlewareHandler[],
		request: { ...route.request, query: query.strict() },
	}) as Omit<R, "scope" | "audit"> &
		ReturnType<typeof createRoute<R["path"], Omit<R, "scope" | "audit">>>;
}

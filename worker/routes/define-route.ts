import { createRoute, type RouteConfig, z } from "@hono/zod-openapi";
import { jsonBodyGate } from "./json-body";

/** What every operation of the API declares, on top of @hono/zod-openapi's route config. */
export interface OperationConfig extends RouteConfig {
	/** Stable across releases: generated clients name their methods after it. */
	operationId: string;
}

/**
 * Defines one operation of the API. Routes are never made with `createRoute` directly, so
 * what every operation must say is checked by the type checker and applied in one place:
 *
 * - a route with a body gets the JSON body gate (json-body.ts) for the content types it
 *   declares: malformed, mistyped or non-UTF-8 bodies are 4xx before the handler runs;
 * - its query string is exact: a parameter it does not document is a 422 naming it (a filter
 *   that is ignored looks like a filter that matched), and one given twice that takes a single
 *   value is a 422 too (see `createRouter`'s hook). A route without query parameters takes none.
 *
 * @example
 * export const getRun = defineRoute({
 *   operationId: "getRun",
 *   method: "get",
 *   path: "/runs/{runId}",
 *   request: { params: RunIdParam },
 *   responses: { 200: json(Run, "The run.") },
 * });
 */
export function defineRoute<const R extends OperationConfig>(config: R) {
	const query = config.request?.query ?? z.object({});
	if (!(query instanceof z.ZodObject))
		throw new Error(`${config.operationId}: a query schema must be a z.object`);
	const body = config.request?.body;
	const own = config.middleware ?? [];
	const middleware = body
		? [jsonBodyGate(Object.keys(body.content)), ...(Array.isArray(own) ? own : [own])]
		: own;
	return createRoute({
		...config,
		middleware,
		request: { ...config.request, query: query.strict() },
	}) as R & ReturnType<typeof createRoute<R["path"], R>>;
}

import createClient, { type Middleware } from "openapi-fetch";
import { IDEMPOTENT_OPERATIONS, operationMethods, type Unwrap } from "../generated/operations";
import type { components, paths } from "../generated/schema";
import { type FollowOptions, followRunEvents } from "./events";
import { allPages } from "./pages";
import { problemFrom, StepLineUnreachable } from "./problem";

export interface StepLineOptions {
	/** The API's base URL, e.g. http://localhost:8787 (no trailing /v1). */
	baseUrl: string;
	/** A bearer token: a JWT or an API key (`stl_…`). */
	token?: string;
	/** A fetch of your own (tests: the Worker's SELF.fetch). */
	fetch?: typeof fetch;
	/** Makes the Idempotency-Key of a start that gives none (default: crypto.randomUUID). */
	newIdempotencyKey?: () => string;
}

type Schemas = components["schemas"];
type Query<P extends keyof paths, M extends "get"> = NonNullable<
	NonNullable<paths[P][M] extends { parameters: { query?: infer Q } } ? Q : never>
>;

/**
 * The Stepline API, typed from its OpenAPI document: one method per operation (named by its
 * operationId) that resolves to the response body or throws a StepLineProblem carrying the
 * problem document; starts and retries get an Idempotency-Key unless one is given; a run's
 * events can be followed with reconnects; lists can be walked to their end.
 */
export function createStepline(options: StepLineOptions) {
	const baseUrl = options.baseUrl.replace(/\/+$/, "");
	const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
	const headers = (): Record<string, string> =>
		options.token ? { authorization: `Bearer ${options.token}` } : {};
	const raw = createClient<paths>({ baseUrl, fetch: (request) => doFetch(request) });
	const newKey = options.newIdempotencyKey ?? (() => crypto.randomUUID());

	const auth: Middleware = {
		onRequest({ request }) {
			for (const [name, value] of Object.entries(headers())) request.headers.set(name, value);
			return request;
		},
	};
	// Retrying a start is only safe with a key: a client that gives none still gets one, so
	// its own retries (after a timeout, a 503) never start a second run.
	const idempotency: Middleware = {
		onRequest({ request, schemaPath }) {
			const operation = `${request.method} ${schemaPath}`;
			if (IDEMPOTENT_OPERATIONS.has(operation) && !request.headers.has("idempotency-key"))
				request.headers.set("idempotency-key", newKey());
			return request;
		},
	};
	raw.use(auth, idempotency);

	const call: Unwrap = async (pending) => {
		const result = await pending.catch((error: unknown) => {
			throw new StepLineUnreachable(baseUrl, error);
		});
		if (result.error !== undefined || !result.response.ok)
			throw problemFrom(result.error, result.response);
		return result.data as never;
	};
	const api = operationMethods(raw, call);

	return {
		...api,
		/** openapi-fetch's own client (GET/POST/… by path) for what the methods do not cover. */
		raw,
		baseUrl,
		/** A run's history as it happens, until the run ends; see followRunEvents. */
		followRun: (runId: string, follow?: FollowOptions) =>
			followRunEvents({ baseUrl, headers, fetch: doFetch }, runId, follow),
		/** Every item of a list, page after page. */
		all: {
			workflows: (query: Omit<Query<"/v1/workflows", "get">, "cursor"> = {}) =>
				allPages<Schemas["WorkflowSummary"]>((cursor) =>
					api.listWorkflows({ params: { query: { ...query, cursor } } }),
				),
			workflowVersions: (identifier: string) =>
				allPages<Schemas["WorkflowVersionSummary"]>((cursor) =>
					api.listWorkflowVersions({ params: { path: { identifier }, query: { cursor } } }),
				),
			runs: (query: Omit<Query<"/v1/workflows/runs", "get">, "cursor"> = {}) =>
				allPages<Schemas["RunSummary"]>((cursor) =>
					api.listRuns({ params: { query: { ...query, cursor } } }),
				),
			runEvents: async function* (runId: string) {
				let after = 0;
				for (;;) {
					const page = await api.listRunEvents({
						params: { path: { runId }, query: { after } },
					});
					yield* page.data;
					if (page.nextAfter === null) return;
					after = page.nextAfter;
				}
			},
		},
	};
}

export type StepLine = ReturnType<typeof createStepline>;

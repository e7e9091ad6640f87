import { bodyLimit } from "hono/body-limit";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import { MAX_DEFINITION_BYTES } from "../engine/definition";
import { requireAuth } from "./auth/middleware";
import { ApiError } from "./errors/api-error";
import { onError, problemResponse } from "./errors/problem";
import { limitRequestRate, REQUEST_RATES, type RequestRates } from "./quotas/request-rate";
import { serveApiDocument } from "./routes/api-document";
import { apiKeysRouter } from "./routes/api-keys";
import { auditLogRouter } from "./routes/audit-log";
import { callbacksRouter } from "./routes/callbacks";
import { dryRunRouter } from "./routes/dry-run";
import { eventsRouter } from "./routes/events";
import { hooksRouter } from "./routes/hooks";
import { inputsRouter } from "./routes/inputs";
import { nodeRunsRouter } from "./routes/node-runs";
import { createRouter } from "./routes/openapi";
import { respondRouter } from "./routes/respond";
import { runsRouter } from "./routes/runs";
import { secretsRouter } from "./routes/secrets";
import { signInRouter } from "./routes/sign-in";
import { systemRouter } from "./routes/system";
import { tenantRouter } from "./routes/tenant";
import { triggersRouter } from "./routes/triggers";
import { workflowsRouter } from "./routes/workflows";

const MAX_BODY_BYTES = MAX_DEFINITION_BYTES;

/** `requestRates`: the request quotas (a test passes small ones, counted by bindings of its own). */
export function createApp(options: { requestRates?: RequestRates } = {}) {
	const app = createRouter();

	app.use(requestId());
	// nosniff, frame denial, no referrer, HSTS and the rest of hono's defaults on every answer.
	app.use(secureHeaders({ xFrameOptions: "DENY" }));
	const limitBodies = bodyLimit({
		maxSize: MAX_BODY_BYTES,
		onError: () => {
			throw new ApiError(
				"payload_too_large",
				`Request bodies are limited to ${MAX_BODY_BYTES} bytes (1 MiB).`,
			);
		},
	});
	app.use("/v1/*", limitBodies);
	app.use("/callbacks/*", limitBodies);
	app.use("/respond/*", limitBodies);
	app.use("/v1/*", requireAuth);
	app.use("/v1/*", limitRequestRate(options.requestRates ?? REQUEST_RATES));

	app.route("/", systemRouter);
	app.route("/", hooksRouter);
	app.route("/", callbacksRouter);
	app.route("/respond", respondRouter);
	app.route("/", signInRouter);
	app.route("/v1/workflows", runsRouter);
	app.route("/v1/workflows", nodeRunsRouter);
	app.route("/v1/workflows", triggersRouter);
	app.route("/v1/workflows", workflowsRouter);
	app.route("/v1/workflows", dryRunRouter);
	app.route("/v1/tenant", tenantRouter);
	app.route("/v1/events", eventsRouter);
	app.route("/v1/secrets", secretsRouter);
	app.route("/v1/api-keys", apiKeysRouter);
	app.route("/v1/audit-log", auditLogRouter);
	app.route("/v1", inputsRouter);

	serveApiDocument(app);

	const allowedMethods = methodsByPath(app.routes);
	app.notFound((c) => {
		const path = new URL(c.req.url).pathname;
		const allowed = allowedMethods(path);
		if (allowed.length > 0) {
			return problemResponse(
				c,
				new ApiError(
					"method_not_allowed",
					`${path} takes ${allowed.join(", ")}, not ${c.req.method}.`,
					{
						headers: { Allow: allowed.join(", ") },
					},
				),
			);
		}
		return problemResponse(
			c,
			new ApiError("route_not_found", `No route matches ${c.req.method} ${path}.`),
		);
	});
	app.onError(onError);
	return app;
}

/**
 * The methods the app's routes take at a path (middleware, registered for every method, left
 * out): a known path asked with another method is a 405 with `Allow`, not a 404.
 */
function methodsByPath(routes: { method: string; path: string }[]) {
	const patterns = routes
		.filter((r) => r.method !== "ALL" && !r.path.includes("*"))
		.map((r) => ({
			method: r.method,
			pattern: new RegExp(`^${r.path.replace(/:[^/]+/g, "[^/]+")}/?$`),
		}));
	return (path: string): string[] => [
		...new Set(patterns.filter((p) => p.pattern.test(path)).map((p) => p.method)),
	];
}

import { bodyLimit } from "hono/body-limit";
import { requestId } from "hono/request-id";
import { MAX_DEFINITION_BYTES } from "../engine/definition";
import { requireAuth } from "./auth/middleware";
import { ApiError } from "./errors/api-error";
import { onError, problemResponse } from "./errors/problem";
import { createRouter } from "./routes/openapi";
import { runsRouter } from "./routes/runs";
import { systemRouter } from "./routes/system";
import { tenantRouter } from "./routes/tenant";
import { workflowsRouter } from "./routes/workflows";

const MAX_BODY_BYTES = MAX_DEFINITION_BYTES;

export function createApp() {
	const app = createRouter();

	app.use(requestId());
	app.use(
		"/v1/*",
		bodyLimit({
			maxSize: MAX_BODY_BYTES,
			onError: () => {
				throw new ApiError(
					"payload_too_large",
					`Request bodies are limited to ${MAX_BODY_BYTES} bytes (1 MiB).`,
				);
			},
		}),
	);
	app.use("/v1/*", requireAuth);

	app.route("/", systemRouter);
	app.route("/v1/workflows", runsRouter);
	app.route("/v1/workflows", workflowsRouter);
	app.route("/v1/tenant", tenantRouter);

	app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
		type: "http",
		scheme: "bearer",
		bearerFormat: "JWT",
		description:
			"A JWT with `tid` (tenant), `sub` and `role` claims; `npm run token` makes one locally.",
	});
	app.doc31("/openapi.json", {
		openapi: "3.1.0",
		info: {
			title: "Stepline API",
			version: "0.1.0",
			description: "Workflow definitions and runs. Errors are RFC 9457 problem documents.",
		},
		security: [{ bearerAuth: [] }],
	});

	app.notFound((c) =>
		problemResponse(
			c,
			new ApiError(
				"route_not_found",
				`No route matches ${c.req.method} ${new URL(c.req.url).pathname}.`,
			),
		),
	);
	app.onError(onError);
	return app;
}

import { Scalar } from "@scalar/hono-api-reference";
import { createRouter } from "../openapi";

/** Unauthenticated routes: liveness and the API reference. */
export const systemRouter = createRouter()
	.get("/healthz", (c) => c.json({ ok: true }))
	.get("/docs", Scalar({ url: "/openapi.json", pageTitle: "Stepline API reference" }));

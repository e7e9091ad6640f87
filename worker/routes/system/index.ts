import { Scalar } from "@scalar/hono-api-reference";
import { createRouter } from "../openapi";

/**
 * The reference page's script, pinned to one release: the page runs on the admin page's origin
 * (it could read a signed-in tab's token), so it must never pick up a newer release unseen.
 * npm releases on jsDelivr do not change once published.
 */
export const API_REFERENCE_SCRIPT = "https://cdn.jsdelivr.net/npm/@scalar/api-reference@1.76.4";

/** Unauthenticated routes: liveness and the API reference. */
export const systemRouter = createRouter()
	.get("/healthz", (c) => c.json({ ok: true }))
	.get(
		"/docs",
		Scalar({
			url: "/openapi.json",
			pageTitle: "Stepline API reference",
			cdn: API_REFERENCE_SCRIPT,
		}),
	);

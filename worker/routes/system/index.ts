import { createRouter } from "../openapi";

/**
 * Unauthenticated routes: liveness. The API reference at /docs/ is a static page (web/docs,
 * Swagger UI bundled from npm by scripts/build-web.mjs): no Worker code, no outside script.
 */
export const systemRouter = createRouter().get("/healthz", (c) => c.json({ ok: true }));

import { createRouter } from "../openapi";
import * as handlers from "./node-runs.handlers";
import * as routes from "./node-runs.routes";

/** /v1/workflows/runs/{runId}/nodes/{node}/…: a run's node runs, page by page. */
export const nodeRunsRouter = createRouter()
	.openapi(routes.listNodeItems, handlers.listNodeItems)
	.openapi(routes.listNodeAttempts, handlers.listNodeAttempts);

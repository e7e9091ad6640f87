import { createRouter } from "../openapi";
import * as handlers from "./runs.handlers";
import * as routes from "./runs.routes";

/**
 * Runs, under /v1/workflows. Mounted before the workflows router: `/runs` is a fixed path
 * segment there, and "runs" is reserved as a workflow identifier.
 */
export const runsRouter = createRouter()
	.openapi(routes.listRuns, handlers.listRuns)
	.openapi(routes.listFailedStarts, handlers.listFailedStarts)
	.openapi(routes.bulkCancel, handlers.bulkCancel)
	.openapi(routes.streamEvents, handlers.streamEvents)
	.openapi(routes.getRun, handlers.getRun)
	.openapi(routes.listEvents, handlers.listEvents)
	.openapi(routes.cancelRun, handlers.cancelRun)
	.openapi(routes.retryRun, handlers.retryRun)
	.openapi(routes.startRun, handlers.startRun)
	.openapi(routes.startRunBatch, handlers.startRunBatch)
	.openapi(routes.getWorkflowRun, handlers.getWorkflowRun);

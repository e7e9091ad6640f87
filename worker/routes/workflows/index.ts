import { createRouter } from "../openapi";
import * as handlers from "./workflows.handlers";
import * as routes from "./workflows.routes";

/** /v1/workflows: definitions and their immutable versions. */
export const workflowsRouter = createRouter()
	.openapi(routes.createWorkflow, handlers.createWorkflow)
	.openapi(routes.listWorkflows, handlers.listWorkflows)
	.openapi(routes.getWorkflow, handlers.getWorkflow)
	.openapi(routes.replaceWorkflow, handlers.replaceWorkflow)
	.openapi(routes.patchWorkflow, handlers.patchWorkflow)
	.openapi(routes.deleteWorkflow, handlers.deleteWorkflow)
	.openapi(routes.listVersions, handlers.listVersions)
	.openapi(routes.getVersion, handlers.getVersion);

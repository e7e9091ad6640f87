import { createRouter } from "../openapi";
import * as handlers from "./triggers.handlers";
import * as routes from "./triggers.routes";

/** A workflow's triggers, under /v1/workflows/{identifier}/triggers. */
export const triggersRouter = createRouter()
	.openapi(routes.listTriggers, handlers.listTriggers)
	.openapi(routes.rotateTrigger, handlers.rotateTrigger)
	.openapi(routes.patchTrigger, handlers.patchTrigger)
	.openapi(routes.listDeliveries, handlers.listDeliveries);

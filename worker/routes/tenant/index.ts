import { createRouter } from "../openapi";
import * as handlers from "./tenant.handlers";
import * as routes from "./tenant.routes";

/** /v1/tenant: the caller's tenant (from the token), its settings and its overview. */
export const tenantRouter = createRouter()
	.openapi(routes.getSettings, handlers.getSettings)
	.openapi(routes.patchSettings, handlers.patchSettings)
	.openapi(routes.getOverview, handlers.getOverview);

import { createRouter } from "../openapi";
import * as handlers from "./api-keys.handlers";
import * as routes from "./api-keys.routes";

/** /v1/api-keys: the tenant's API keys (admins). */
export const apiKeysRouter = createRouter()
	.openapi(routes.createApiKey, handlers.createApiKey)
	.openapi(routes.listApiKeys, handlers.listApiKeys)
	.openapi(routes.getApiKey, handlers.getApiKey)
	.openapi(routes.revokeApiKey, handlers.revokeApiKey);

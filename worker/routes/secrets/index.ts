import { createRouter } from "../openapi";
import * as handlers from "./secrets.handlers";
import * as routes from "./secrets.routes";

/** /v1/secrets: the tenant's encrypted secrets, write-only values. */
export const secretsRouter = createRouter()
	.openapi(routes.listSecrets, handlers.listSecrets)
	.openapi(routes.getSecret, handlers.getSecret)
	.openapi(routes.putSecret, handlers.putSecret)
	.openapi(routes.deleteSecret, handlers.deleteSecret);

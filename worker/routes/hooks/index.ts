import { createRouter } from "../openapi";
import * as handlers from "./hooks.handlers";
import * as routes from "./hooks.routes";

/** Webhook deliveries, at /hooks: no bearer token (see hooks.routes.ts). */
export const hooksRouter = createRouter().openapi(routes.deliver, handlers.deliver);

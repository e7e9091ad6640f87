import { createRouter } from "../openapi";
import * as handlers from "./events.handlers";
import * as routes from "./events.routes";

/** Tenant events, at /v1/events. */
export const eventsRouter = createRouter().openapi(routes.postEvents, handlers.postEvents);

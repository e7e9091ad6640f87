import { createRouter } from "../openapi";
import * as handlers from "./inputs.handlers";
import * as routes from "./inputs.routes";

/** /v1/inputs: input requests across runs; /v1/runs/{runId}/inputs/{node}: people answer them. */
export const inputsRouter = createRouter()
	.openapi(routes.listInputRequests, handlers.listInputRequests)
	.openapi(routes.respondToInput, handlers.respondToInput);

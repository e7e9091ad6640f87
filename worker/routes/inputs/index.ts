import { createRouter } from "../openapi";
import * as handlers from "./inputs.handlers";
import * as routes from "./inputs.routes";

/** /v1/runs/{runId}/inputs/{node}: people answer a run's INPUT nodes. */
export const inputsRouter = createRouter().openapi(routes.respondToInput, handlers.respondToInput);

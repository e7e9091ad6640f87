import { createRouter } from "../openapi";
import * as handlers from "./dry-run.handlers";
import * as routes from "./dry-run.routes";

/** /v1/workflows/{identifier}/dry-run: a workflow played offline against scripted answers. */
export const dryRunRouter = createRouter().openapi(routes.dryRunWorkflow, handlers.dryRunWorkflow);

import { createRouter } from "../openapi";
import * as handlers from "./callbacks.handlers";
import * as routes from "./callbacks.routes";

/** /callbacks/{token}: async WEBHOOK callbacks, addressed and authorised by the URL alone. */
export const callbacksRouter = createRouter().openapi(routes.postCallback, handlers.postCallback);

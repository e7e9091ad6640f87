import { createRouter } from "../openapi";
import * as handlers from "./sign-in.handlers";
import * as routes from "./sign-in.routes";

/** Sign-in codes: made at /v1/auth/sign-in-codes (bearer token), exchanged at /auth/sign-in. */
export const signInRouter = createRouter()
	.openapi(routes.createSignInCode, handlers.createSignInCode)
	.openapi(routes.exchangeSignInCode, handlers.exchangeSignInCode);

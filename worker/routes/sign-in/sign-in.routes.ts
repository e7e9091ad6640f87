import { bodyLimit } from "hono/body-limit";
import { ApiError } from "../../errors/api-error";
import { defineRoute } from "../define-route";
import { json, problemResponses } from "../openapi";
import { ExchangeSignInCode, SignInCode, SignInSession } from "./sign-in.schemas";

const tags = ["Sign-in"];

export const createSignInCode = defineRoute({
	operationId: "createSignInCode",
	method: "post",
	path: "/v1/auth/sign-in-codes",
	tags,
	// The code grants only what the token already holds; the admin page's first read needs this.
	scope: "workflows:read",
	audit: { skip: "A code grants nothing its token does not already hold, and changes no data." },
	summary: "Make a one-time sign-in code for the admin page",
	description:
		"The code stands for the bearer token (a JWT; API keys cannot sign in) of this request, for five minutes and one use: the admin page exchanges it (POST /auth/sign-in) and keeps the token, so a link in the browser history holds only a dead code. `npm start` prints such a link.",
	responses: {
		201: json(SignInCode, "The code and the link that uses it."),
		...problemResponses(401, 403, 500),
	},
});

/** The code is short; anything larger is not one. */
const CODE_BODY_LIMIT = 1024;

export const exchangeSignInCode = defineRoute({
	operationId: "exchangeSignInCode",
	method: "post",
	path: "/auth/sign-in",
	tags,
	scope: { public: "The one-time code is the credential." },
	audit: { skip: "No principal yet: the code is the credential, and it changes no data." },
	summary: "Exchange a sign-in code for its bearer token (once)",
	description:
		"Answers the token the code stands for and deletes the code. A code used before, expired or never made is the same 401 `invalid_sign_in_code`.",
	middleware: [
		bodyLimit({
			maxSize: CODE_BODY_LIMIT,
			onError: () => {
				throw new ApiError("payload_too_large", `The body is limited to ${CODE_BODY_LIMIT} bytes.`);
			},
		}),
	],
	request: {
		body: { required: true, content: { "application/json": { schema: ExchangeSignInCode } } },
	},
	responses: {
		200: json(SignInSession, "The token; the code is spent."),
		...problemResponses(400, 401, 413, 415, 422, 500),
	},
});

import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ApiError, type FieldIssue } from "./api-error";
import { ERRORS, problemType } from "./codes";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

export interface ProblemDocument {
	type: string;
	title: string;
	status: number;
	detail: string;
	code: string;
	requestId: string;
	instance: string;
	errors?: FieldIssue[];
}

export function problemResponse(c: Context, error: ApiError): Response {
	const body: ProblemDocument = {
		type: problemType(error.code),
		title: ERRORS[error.code].title,
		status: error.status,
		detail: error.message,
		code: error.code,
		requestId: (c.get("requestId") as string | undefined) ?? "",
		instance: new URL(c.req.url).pathname,
		...(error.errors ? { errors: error.errors } : {}),
	};
	// c.newResponse (not `new Response`) keeps headers middleware already set, such as X-Request-Id.
	return c.newResponse(JSON.stringify(body), error.status as ContentfulStatusCode, {
		...error.headers,
		"content-type": PROBLEM_CONTENT_TYPE,
	});
}

/** Maps anything thrown to a problem document; never leaks a stack trace or internal message. */
export function toApiError(err: unknown): ApiError {
	if (err instanceof ApiError) return err;
	if (err instanceof HTTPException) {
		// hono's validators throw HTTPException(400) for bodies that are not JSON.
		if (err.status === 400 && /json/i.test(err.message)) {
			return new ApiError("malformed_json", "The request body is not valid JSON.");
		}
		if (err.status === 413) return new ApiError("payload_too_large", err.message);
		// @hono/zod-openapi's gate: a body whose Content-Type the route does not declare.
		if (err.status === 415) return unsupportedMediaType();
		if (err.status === 401) return new ApiError("unauthorized", err.message);
		if (err.status === 400) return new ApiError("bad_request", err.message || "Bad request.");
	}
	return new ApiError(
		"internal",
		"Something went wrong on our side. Quote the requestId if you report it.",
	);
}

function unsupportedMediaType(): ApiError {
	return new ApiError(
		"unsupported_media_type",
		"Send the body as JSON, with Content-Type: application/json (a PATCH also takes application/merge-patch+json).",
		{
			errors: [
				{
					in: "header",
					pointer: "/Content-Type",
					code: "unsupported_media_type",
					message: "Use application/json.",
				},
			],
		},
	);
}

export function onError(err: unknown, c: Context): Response {
	const apiError = toApiError(err);
	if (apiError.code === "internal") {
		console.error(
			JSON.stringify({
				level: "error",
				requestId: c.get("requestId"),
				error: String(err),
				stack: (err as Error)?.stack,
			}),
		);
	}
	return problemResponse(c, apiError);
}

import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { ApiError, validationFailed } from "../errors/api-error";
import { problemsInJson } from "../lib/strict-json";

/**
 * The gate in front of every route that takes a body (defineRoute adds it from the route's
 * declared content types), so a malformed body is a 4xx before any handler sees it:
 *
 * - no body and no Content-Type: 422 naming the body. @hono/zod-openapi would validate a
 *   missing body as `{}`, which for some routes is a real request (`POST …/runs/cancel` with
 *   `{}` cancels every unfinished run you may act on): a client that forgot its body must not
 *   get that. Only a route that documents its body as optional (`required: false`: a start or
 *   a retry with nothing to say) takes a request without one;
 * - a Content-Type the route does not declare (`application/merge-patch+json` only where a
 *   route takes a merge patch), or a charset other than UTF-8: 415;
 * - bytes that are not UTF-8, or text that is not JSON: 400;
 * - duplicate keys, lone surrogates, the key `__proto__`, absurd nesting: 422 with a pointer
 *   to each (see lib/strict-json.ts). They are refused the same way on POST, PUT and PATCH.
 */
export function jsonBodyGate(declared: readonly string[], optional = false) {
	const accepted = new Set(declared.map((type) => type.toLowerCase()));
	const names = [...accepted].join(" or ");
	return createMiddleware<AppEnv>(async (c, next) => {
		const contentType = c.req.header("content-type");
		const bytes = await c.req.arrayBuffer();
		if (!contentType) {
			if (bytes.byteLength === 0 && optional) return next();
			if (bytes.byteLength === 0) {
				throw validationFailed(
					[{ in: "body", pointer: "", code: "missing_body", message: "A JSON body is required." }],
					`This request needs a JSON body, sent with Content-Type: ${names}.`,
				);
			}
			throw unsupported(`Say what the body is: send it with Content-Type: ${names}.`);
		}
		const [essence = "", ...parameters] = contentType.split(";").map((part) => part.trim());
		if (!accepted.has(essence.toLowerCase()))
			throw unsupported(`This route takes ${names}, not ${essence || "an empty media type"}.`);
		const charset = parameters
			.map((parameter) => /^charset\s*=\s*"?([^"]*)"?$/i.exec(parameter)?.[1])
			.find((value) => value !== undefined);
		if (charset !== undefined && charset.toLowerCase() !== "utf-8")
			throw unsupported(`JSON is UTF-8; charset=${charset} is not accepted.`);
		let text: string;
		try {
			text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
		} catch {
			throw new ApiError("malformed_json", "The request body is not valid UTF-8.");
		}
		try {
			JSON.parse(text);
		} catch (e) {
			throw new ApiError(
				"malformed_json",
				`The request body is not valid JSON: ${(e as Error).message}`,
			);
		}
		const problems = problemsInJson(text);
		if (problems.length > 0)
			throw validationFailed(problems.map((problem) => ({ in: "body", ...problem })));
		await next();
	});
}

function unsupported(detail: string): ApiError {
	return new ApiError("unsupported_media_type", detail, {
		errors: [
			{ in: "header", pointer: "/Content-Type", code: "unsupported_media_type", message: detail },
		],
	});
}

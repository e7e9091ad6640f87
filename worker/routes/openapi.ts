import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import type { FieldIssue, IssueLocation } from "../errors/api-error";
import { validationFailed } from "../errors/api-error";
import { ERROR_CODES, ERRORS, type ErrorCode } from "../errors/codes";
import { issuesFromZod } from "../errors/zod-issues";

/** The RFC 9457 problem document every error response carries (one schema, one component). */
export const ProblemSchema = z
	.object({
		type: z.string().openapi({ example: "https://stepline.dev/problems/validation_failed" }),
		title: z.string(),
		status: z.number().int(),
		detail: z.string(),
		code: z.enum(ERROR_CODES as [ErrorCode, ...ErrorCode[]]),
		requestId: z.string(),
		instance: z.string(),
		errors: z
			.array(
				z.object({
					in: z.enum(["body", "query", "path", "header"]),
					pointer: z.string().openapi({ description: "RFC 6901 JSON pointer into `in`." }),
					message: z.string(),
					code: z.string().openapi({ description: "Machine-readable reason, e.g. unknown_field." }),
					position: z.object({ line: z.number().int(), column: z.number().int() }).optional(),
				}),
			)
			.optional(),
	})
	.openapi("Problem");

const TARGET_LOCATION: Record<string, IssueLocation> = {
	json: "body",
	query: "query",
	param: "path",
	header: "header",
};

/** One router per resource; invalid input anywhere becomes the same 422 problem document. */
export function createRouter() {
	return new OpenAPIHono<AppEnv>({
		defaultHook: (result) => {
			if (result.success) return;
			const location = TARGET_LOCATION[result.target] ?? "body";
			const issues = issuesFromZod(result.error, location);
			// @hono/zod-validator hands the hook the raw input as `data` on failure too (untyped).
			const raw = (result as unknown as { data: RawQuery }).data;
			throw validationFailed(location === "query" ? explainRepeats(issues, raw) : issues);
		},
	});
}

/** A query string as the validator hands it over: a parameter given twice is an array. */
type RawQuery = Record<string, string | string[]>;

/**
 * A parameter given more than once arrives as a list; where the route takes one value, the
 * schema's own complaint ("expected number, received NaN") would hide what went wrong, so the
 * issue says the parameter was repeated. Parameters that take lists validate as usual.
 */
function explainRepeats(issues: FieldIssue[], raw: RawQuery): FieldIssue[] {
	return issues.map((issue) => {
		const name = issue.pointer.split("/")[1] ?? "";
		const values = Object.hasOwn(raw, name) ? raw[name] : undefined;
		if (!Array.isArray(values) || issue.pointer !== `/${name}`) return issue;
		return {
			...issue,
			code: "repeated_parameter",
			message: `${name} takes one value; it was given ${values.length} times.`,
		};
	});
}

const STATUS_FOR: Partial<Record<number, ErrorCode>> = {};
for (const code of ERROR_CODES) STATUS_FOR[ERRORS[code].status] ??= code;

/** OpenAPI response entries for the error statuses a route can return. */
export function problemResponses(...statuses: number[]) {
	return Object.fromEntries(
		statuses.map((status) => [
			status,
			{
				description: ERRORS[STATUS_FOR[status] ?? "internal"].title,
				content: { "application/problem+json": { schema: ProblemSchema } },
			},
		]),
	);
}

/** Errors every authenticated route can return. */
export const AUTHENTICATED_ERRORS = [401, 404, 500] as const;

/** An OpenAPI response entry with a JSON body. */
export const json = <T>(schema: T, description: string) => ({
	description,
	content: { "application/json": { schema } },
});

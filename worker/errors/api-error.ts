import { ERRORS, type ErrorCode } from "./codes";

/** Where a validation issue was found: the JSON body, the query string, a path parameter or a header. */
export type IssueLocation = "body" | "query" | "path" | "header";

export interface FieldIssue {
	/** RFC 6901 JSON pointer into the part named by `in` ("" is the whole of it). */
	pointer: string;
	in: IssueLocation;
	message: string;
	/** Machine-readable reason, e.g. "unknown_field", "cycle", "expression_syntax". */
	code: string;
	/** Position inside an expression or template string, when the issue is in one. */
	position?: { line: number; column: number };
}

/** The one error class the API throws; `onError` turns it into problem+json. */
export class ApiError extends Error {
	readonly code: ErrorCode;
	readonly status: number;
	readonly errors: FieldIssue[] | undefined;
	readonly headers: Record<string, string> | undefined;

	constructor(
		code: ErrorCode,
		detail: string,
		extra: { errors?: FieldIssue[]; headers?: Record<string, string> } = {},
	) {
		super(detail);
		this.name = "ApiError";
		this.code = code;
		this.status = ERRORS[code].status;
		this.errors = extra.errors;
		this.headers = extra.headers;
	}
}

export const notFound = (what: string) => new ApiError("not_found", `${what} was not found.`);

export const validationFailed = (errors: FieldIssue[], detail?: string) =>
	new ApiError(
		"validation_failed",
		detail ??
			(errors.length === 1
				? `${errors[0]?.pointer || "The request"}: ${errors[0]?.message}`
				: `The request has ${errors.length} problems; see errors[].`),
		{ errors },
	);

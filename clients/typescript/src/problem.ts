import type { components } from "../generated/schema";

/** An RFC 9457 problem document as the API sends it (the `Problem` schema). */
export type Problem = components["schemas"]["Problem"];
export type ProblemCode = Problem["code"];

/**
 * The API answered with an error. `problem` is its problem document (null when something in
 * between answered with something else, e.g. a proxy's HTML 502); `code` and `errors` come
 * from it, so callers switch on `code` and point at `errors[].pointer`.
 */
export class StepLineProblem extends Error {
	readonly status: number;
	readonly code: ProblemCode | null;
	readonly errors: NonNullable<Problem["errors"]>;
	readonly requestId: string | null;

	constructor(
		readonly problem: Problem | null,
		readonly response: Response,
		body?: unknown,
	) {
		super(
			problem
				? `${problem.status} ${problem.code}: ${problem.detail}`
				: `${response.status} ${response.statusText || "error"}${typeof body === "string" && body ? `: ${body.slice(0, 200)}` : ""}`,
		);
		this.name = "StepLineProblem";
		this.status = response.status;
		this.code = problem?.code ?? null;
		this.errors = problem?.errors ?? [];
		this.requestId = problem?.requestId ?? null;
	}
}

/** The API could not be reached at all (DNS, refused connection, TLS, an abort). */
export class StepLineUnreachable extends Error {
	constructor(
		readonly url: string,
		override readonly cause: unknown,
	) {
		super(`cannot reach ${url}: ${cause instanceof Error ? cause.message : String(cause)}`);
		this.name = "StepLineUnreachable";
	}
}

const isProblem = (value: unknown): value is Problem =>
	typeof value === "object" &&
	value !== null &&
	typeof (value as Problem).code === "string" &&
	typeof (value as Problem).status === "number";

export function problemFrom(error: unknown, response: Response): StepLineProblem {
	return new StepLineProblem(isProblem(error) ? error : null, response, error);
}

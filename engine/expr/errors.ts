// Typed errors so callers (definition validator, run engine) can tell an author's mistake
// (syntax), a data-dependent failure (runtime) and a safety stop (limit) apart.

/** The expression text is not valid (or uses jq syntax we do not support). */
export class ExprSyntaxError extends Error {
	override readonly name = "ExprSyntaxError";
	constructor(
		/** What is wrong, without position. */
		readonly reason: string,
		/** 0-based offset into the expression. */
		readonly offset: number,
		/** 1-based line and column of `offset`. */
		readonly line: number,
		readonly column: number,
		/** The offending line with a caret under the column. */
		readonly excerpt: string,
	) {
		super(`${reason} at line ${line}, column ${column}\n${excerpt}`);
	}
}

/** The expression failed on this input (jq's `error`, type errors, ...). */
export class ExprRuntimeError extends Error {
	override readonly name = "ExprRuntimeError";
	constructor(
		message: string,
		/** The raw jq error value (what `try ... catch .` would see). */
		readonly value: unknown = message,
	) {
		// These are jq values, often caught by `try` in a loop, and their JavaScript stack says
		// nothing to the author: capturing one costs ~40 times more than the error itself.
		const stackTraceLimit = Error.stackTraceLimit;
		Error.stackTraceLimit = 0;
		super(message);
		Error.stackTraceLimit = stackTraceLimit;
	}
}

export type LimitName =
	| "steps"
	| "stringLength"
	| "arrayLength"
	| "objectSize"
	| "depth"
	| "callDepth";

/** Evaluation stopped because it would exceed a safety limit. Never caught by `try`. */
export class ExprLimitError extends Error {
	override readonly name = "ExprLimitError";
	constructor(
		readonly limit: LimitName,
		readonly max: number,
		detail: string,
	) {
		super(`expression exceeded the ${limit} limit (${max}): ${detail}`);
	}
}

/** Builds a syntax error with a caret excerpt from a source offset. */
export function syntaxErrorAt(source: string, offset: number, reason: string): ExprSyntaxError {
	const clamped = Math.max(0, Math.min(offset, source.length));
	const before = source.slice(0, clamped);
	const line = before.split("\n").length;
	const lineStart = before.lastIndexOf("\n") + 1;
	const lineEndRaw = source.indexOf("\n", lineStart);
	const lineEnd = lineEndRaw === -1 ? source.length : lineEndRaw;
	const column = clamped - lineStart + 1;
	const excerpt = `${source.slice(lineStart, lineEnd)}\n${" ".repeat(column - 1)}^`;
	return new ExprSyntaxError(reason, clamped, line, column, excerpt);
}

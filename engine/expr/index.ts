/**
 * engine/expr — a safe, bounded jq-subset engine for templates and conditions.
 *
 * Pure TypeScript: no runtime dependencies, no Node built-ins, no eval/new Function, so it
 * behaves the same in Node and workerd. See README.md for the language subset, the
 * deliberate differences from jq 1.6 and the limits.
 *
 * Stable API (the definition validator and the run engine depend on it):
 *
 *   compile(expr: string): CompiledExpression
 *       Parse + compile once (cached, bounded LRU). Throws ExprSyntaxError.
 *   evaluate(expr: string | CompiledExpression, input: unknown, options?: EvaluateOptions): Json[]
 *       All outputs, in order. Throws ExprRuntimeError / ExprLimitError (and ExprSyntaxError
 *       when given source text that does not compile).
 *   first(expr, input, options?): Json | undefined
 *       The first output, or undefined when there is none; stops after the first output.
 *   render(value: unknown, context: unknown, options?: EvaluateOptions): Json
 *       Renders `{{ expr }}` templates in every string inside value (see render.ts).
 *       Errors carry `pointer` (JSON pointer inside value) and mention it in the message.
 *   parse(expr: string): Node
 *       The AST after full static checking (syntax, unknown functions/variables).
 *       ExprSyntaxError has offset, line, column and an excerpt with a caret.
 *   references(expr: string): References
 *       { outputs: node ids read under .outputs, inputs: boolean, secrets: string[],
 *         dynamic: boolean (reads unknown parts, e.g. `.outputs[$x]`), paths }.
 *   templatesIn(text: string): TemplateSpan[]
 *       The `{{ }}` templates in a string with offsets (expr, offset, exprOffset, length);
 *       add `exprOffset` to an ExprSyntaxError's offset for a position inside the string.
 *
 * EvaluateOptions: { limits?: Partial<Limits>, now?: number (seconds, for `now`) }.
 */
import type { Json, Node } from "./ast";
import type { CompiledExpression, EvaluateOptions } from "./evaluate";
import { compile, newBudget, runFirst, runProgram, toCompiled } from "./evaluate";

export type { Json, Node } from "./ast";
export type { LimitName } from "./errors";
export { ExprLimitError, ExprRuntimeError, ExprSyntaxError } from "./errors";
export type { CompiledExpression, EvaluateOptions } from "./evaluate";
export { compile } from "./evaluate";
export type { Limits } from "./limits";
export { DEFAULT_LIMITS } from "./limits";
export type { References } from "./references";
export { references } from "./references";
export { render } from "./render";
export type { TemplateSpan } from "./templates";
export { templatesIn } from "./templates";

export function evaluate(
	expr: string | CompiledExpression,
	input: unknown,
	options?: EvaluateOptions,
): Json[] {
	return runProgram(toCompiled(expr), input, newBudget(options), false);
}

export function first(
	expr: string | CompiledExpression,
	input: unknown,
	options?: EvaluateOptions,
): Json | undefined {
	return runFirst(toCompiled(expr), input, newBudget(options));
}

export function parse(expr: string): Node {
	return compile(expr).ast;
}

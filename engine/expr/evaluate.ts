import type { Json, Node } from "./ast";
import { compileProgram } from "./compile";
import { ExprLimitError, ExprRuntimeError, syntaxErrorAt } from "./errors";
import type { Limits } from "./limits";
import { Budget, DEFAULT_LIMITS, resolveLimits } from "./limits";
import { parseExpression } from "./parser";
import type { Compiled } from "./runtime";
import { Passthrough, StopSignal } from "./runtime";
import { checkInputDepth } from "./validate";

// Compilation cache and the evaluation entry points.

export interface EvaluateOptions {
	/** Overrides of the safety limits (see DEFAULT_LIMITS). */
	limits?: Partial<Limits>;
	/** Clock for `now`, in seconds since the epoch; defaults to Date.now()/1000. */
	now?: number;
}

/** A parsed and compiled expression; reusable across inputs. */
export interface CompiledExpression {
	readonly source: string;
	readonly ast: Node;
	/** @internal */
	readonly program: Compiled;
}

const CACHE_LIMIT = 1_000;
const cache = new Map<string, CompiledExpression>();

/**
 * Longest expression accepted, in characters. Templates and conditions are far shorter;
 * together with MAX_NESTING this bounds what one save can make the parser and the save-time
 * analysis do.
 */
export const MAX_SOURCE_LENGTH = 4_096;

/** Parses and compiles `expr` (cached; when full, the oldest entry is evicted). */
export function compile(expr: string): CompiledExpression {
	const cached = cache.get(expr);
	if (cached) return cached;
	if (expr.length > MAX_SOURCE_LENGTH) {
		throw syntaxErrorAt(
			expr,
			MAX_SOURCE_LENGTH,
			`expression is longer than ${MAX_SOURCE_LENGTH} characters`,
		);
	}
	const compiled = parseAndCompile(expr);
	if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
	cache.set(expr, compiled);
	return compiled;
}

function parseAndCompile(expr: string): CompiledExpression {
	try {
		const ast = parseExpression(expr);
		const error = (pos: number, reason: string) => syntaxErrorAt(expr, pos, reason);
		return { source: expr, ast, program: compileProgram(ast, error) };
	} catch (e) {
		// The parser and compiler recurse over nesting; absurd nesting must not escape as RangeError.
		if (e instanceof RangeError) throw syntaxErrorAt(expr, 0, "expression nests too deeply");
		throw e;
	}
}

export function newBudget(options: EvaluateOptions | undefined): Budget {
	if (!options) return new Budget(DEFAULT_LIMITS, undefined);
	return new Budget(resolveLimits(options.limits), options.now);
}

/** The first output (undefined if none) without building an output array. */
export function runFirst(
	expression: CompiledExpression,
	input: unknown,
	budget: Budget,
): Json | undefined {
	const single = expression.program.single;
	if (!single) return runProgram(expression, input, budget, true)[0];
	checkInputDepth(input, budget.limits.maxDepth);
	try {
		return single(input as Json, null, budget);
	} catch (e) {
		throw translateError(e, budget);
	}
}

/** Runs a compiled program with an existing budget (render shares one across templates). */
export function runProgram(
	expression: CompiledExpression,
	input: unknown,
	budget: Budget,
	onlyFirst: boolean,
): Json[] {
	checkInputDepth(input, budget.limits.maxDepth);
	const program = expression.program;
	try {
		if (program.single) return [program.single(input as Json, null, budget)];
		const out: Json[] = [];
		const stop = new StopSignal({});
		try {
			program.run(input as Json, null, budget, (value) => {
				out.push(value);
				budget.checkArrayLength(out.length);
				if (onlyFirst) throw stop;
			});
		} catch (e) {
			if (e !== stop) throw e;
		}
		return out;
	} catch (e) {
		throw translateError(e, budget);
	}
}

/** Internal control-flow objects must never escape, and a JS stack overflow becomes a limit. */
function translateError(e: unknown, budget: Budget): unknown {
	if (e instanceof Passthrough) return translateError(e.inner, budget);
	if (e instanceof StopSignal) return new ExprRuntimeError("break used outside of its label");
	if (e instanceof RangeError && /call stack/i.test(e.message)) {
		return new ExprLimitError(
			"depth",
			budget.limits.maxDepth,
			"the expression or its data nests too deeply for the evaluator",
		);
	}
	return e;
}

export function toCompiled(expr: string | CompiledExpression): CompiledExpression {
	return typeof expr === "string" ? compile(expr) : expr;
}

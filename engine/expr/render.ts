import type { Json } from "./ast";
import { ExprLimitError, ExprRuntimeError, ExprSyntaxError } from "./errors";
import type { EvaluateOptions } from "./evaluate";
import { compile, newBudget, runFirst } from "./evaluate";
import type { Budget } from "./limits";
import { templatesIn } from "./templates";
import { toJson } from "./values";

// Rendering templated values: every string anywhere in `value` may contain `{{ expr }}`.
// A string that is exactly one template keeps the result's JSON type; mixed strings
// interpolate (strings as-is, null as empty, everything else as compact JSON).

/** Renders all templates in `value` against `context`. One step budget covers the whole call. */
export function render(value: unknown, context: unknown, options?: EvaluateOptions): Json {
	const budget = newBudget(options);
	return renderValue(value as Json, context, budget, "", 0);
}

function renderValue(
	value: Json,
	context: unknown,
	budget: Budget,
	pointer: string,
	depth: number,
): Json {
	budget.checkDepth(depth);
	if (typeof value === "string") return renderString(value, context, budget, pointer);
	if (Array.isArray(value))
		return value.map((item, i) => renderValue(item, context, budget, `${pointer}/${i}`, depth + 1));
	if (value !== null && typeof value === "object") {
		const out: { [key: string]: Json } = {};
		for (const key of Object.keys(value)) {
			const rendered = renderValue(
				value[key] as Json,
				context,
				budget,
				`${pointer}/${escapePointer(key)}`,
				depth + 1,
			);
			Object.defineProperty(out, key, {
				value: rendered,
				enumerable: true,
				writable: true,
				configurable: true,
			});
		}
		return out;
	}
	return value;
}

function escapePointer(key: string): string {
	return key.replace(/~/g, "~0").replace(/\//g, "~1");
}

function renderString(text: string, context: unknown, budget: Budget, pointer: string): Json {
	if (!text.includes("{{")) return text;
	try {
		const spans = templatesIn(text);
		const only = spans[0];
		if (spans.length === 1 && only && only.offset === 0 && only.length === text.length) {
			return firstOutput(only.expr, context, budget);
		}
		let out = "";
		let previous = 0;
		for (const span of spans) {
			out += text.slice(previous, span.offset);
			const result = firstOutput(span.expr, context, budget);
			out += result === null ? "" : typeof result === "string" ? result : toJson(result, budget);
			previous = span.offset + span.length;
			budget.checkStringLength(out.length);
		}
		return budget.checkString(out + text.slice(previous));
	} catch (e) {
		throw withPointer(e, pointer);
	}
}

function firstOutput(expr: string, context: unknown, budget: Budget): Json {
	return runFirst(compile(expr), context, budget) ?? null;
}

/** Prefixes the JSON pointer of the failing template so an author can find it. */
function withPointer(e: unknown, pointer: string): unknown {
	if (!pointer) return e;
	if (
		e instanceof ExprRuntimeError ||
		e instanceof ExprLimitError ||
		e instanceof ExprSyntaxError
	) {
		Object.defineProperty(e, "pointer", { value: pointer, enumerable: true });
		e.message = `at ${pointer}: ${e.message}`;
	}
	return e;
}

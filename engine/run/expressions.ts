/**
 * The one place the engine talks to engine/expr, so the rest of the engine sees tagged
 * results instead of exceptions, and an author-facing message for each kind of failure.
 */
import { ExprLimitError, ExprRuntimeError, ExprSyntaxError, first, render } from "../expr";
import type { JsonValue } from "./json";
import type { ErrorInfo } from "./state";

export type Evaluated = { ok: true; value: JsonValue } | { ok: false; error: ErrorInfo };

/** A template that is exactly one `{{ … }}` with nothing around it. */
const WHOLE_TEMPLATE = /^\s*\{\{([\s\S]*)\}\}\s*$/;

/**
 * Evaluates a JQ expression written bare (`.inputs.x == 1`) or as one template
 * (`{{ .inputs.x == 1 }}`), as runIf, forEach and condition options allow. The first
 * output is the value; no output at all is null.
 */
export function evaluateExpression(
	expression: string,
	context: JsonValue,
	nowMs: number,
): Evaluated {
	const source = expressionSource(expression);
	try {
		const value = first(source, context, exprOptions(nowMs)) as JsonValue | undefined;
		return { ok: true, value: value ?? null };
	} catch (error) {
		return { ok: false, error: describeExprError(error, source) };
	}
}

/** Renders `{{ … }}` templates anywhere inside a JSON value. */
export function renderTemplates(value: JsonValue, context: JsonValue, nowMs: number): Evaluated {
	try {
		return { ok: true, value: render(value, context, exprOptions(nowMs)) as JsonValue };
	} catch (error) {
		return { ok: false, error: describeExprError(error, null) };
	}
}

/** jq's `now` must be the run's clock, not the machine's: the engine stays replayable. */
function exprOptions(nowMs: number) {
	return { now: nowMs / 1_000 };
}

/** The JQ text of an expression written bare or as one `{{ … }}` template, trimmed. */
export function expressionSource(expression: string): string {
	const inner = WHOLE_TEMPLATE.exec(expression)?.[1];
	return (inner !== undefined && !inner.includes("{{") ? inner : expression).trim();
}

/** JQ truthiness: everything except false and null is true. */
export function isTruthy(value: JsonValue): boolean {
	return value !== false && value !== null;
}

function describeExprError(error: unknown, source: string | null): ErrorInfo {
	const where = source === null ? "" : ` in \`${shorten(source.trim())}\``;
	if (error instanceof ExprSyntaxError) {
		return { code: "expression_error", message: `syntax error${where}: ${error.reason}` };
	}
	if (error instanceof ExprRuntimeError) {
		return { code: "expression_error", message: `expression failed${where}: ${error.message}` };
	}
	if (error instanceof ExprLimitError) {
		return { code: "expression_limit", message: `expression stopped${where}: ${error.message}` };
	}
	const message = error instanceof Error ? error.message : String(error);
	return { code: "expression_error", message: `expression failed${where}: ${message}` };
}

function shorten(s: string): string {
	return s.length > 120 ? `${s.slice(0, 117)}…` : s;
}

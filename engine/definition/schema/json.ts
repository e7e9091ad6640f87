import { z } from "zod";
import { MAX_JSON_DEPTH, MAX_JSON_VALUE_BYTES } from "../constants";

export type JsonValue = string | number | boolean | null | JsonArray | JsonObject;
export interface JsonArray extends Array<JsonValue> {}
export interface JsonObject {
	[key: string]: JsonValue;
}

/**
 * Where a value stops being JSON, found iteratively: `z.json()` recurses and
 * overflows the stack on a deeply nested body, which would turn a bad request
 * into a 500. Returns undefined for a valid value.
 */
export function jsonProblem(value: unknown): string | undefined {
	const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
	while (stack.length > 0) {
		const top = stack.pop();
		if (top === undefined) break;
		const v = top.value;
		if (v === null || typeof v === "string" || typeof v === "boolean") continue;
		if (typeof v === "number") {
			if (!Number.isFinite(v)) return "numbers must be finite";
			continue;
		}
		if (typeof v !== "object") return `expected a JSON value, received ${typeof v}`;
		if (top.depth >= MAX_JSON_DEPTH) return `JSON value is nested deeper than ${MAX_JSON_DEPTH}`;
		const children = Array.isArray(v) ? v : Object.values(v as Record<string, unknown>);
		for (const child of children) stack.push({ value: child, depth: top.depth + 1 });
	}
	// Only measured once the shape is known to be JSON, so stringify cannot throw.
	if (JSON.stringify(value).length > MAX_JSON_VALUE_BYTES) {
		return `JSON value is larger than ${MAX_JSON_VALUE_BYTES} bytes`;
	}
	return undefined;
}

/**
 * Is `value` nested deeper than `maxDepth` (a scalar is depth 0)? Found iteratively, for
 * bodies that a recursive walk (a merge patch, a schema validator) must never see.
 */
export function nestedDeeperThan(value: unknown, maxDepth: number): boolean {
	const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
	while (stack.length > 0) {
		const top = stack.pop();
		if (top === undefined || typeof top.value !== "object" || top.value === null) continue;
		if (top.depth >= maxDepth) return true;
		const children = Array.isArray(top.value) ? top.value : Object.values(top.value);
		for (const child of children) stack.push({ value: child, depth: top.depth + 1 });
	}
	return false;
}

/**
 * A free-form JSON value whose strings may hold `{{ … }}` templates. In JSON
 * Schema it is `{}` (any value); the refinement makes the runtime value a
 * JsonValue, which is what the cast states for TypeScript.
 */
export const jsonValueSchema = z.unknown().superRefine((value, ctx) => {
	const problem = value === undefined ? "expected a JSON value" : jsonProblem(value);
	if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
}) as unknown as z.ZodType<JsonValue>;

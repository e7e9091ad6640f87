import type { Schema } from "@cfworker/json-schema";
import { RE2JS } from "re2js";
import type { InputViolation } from "./input-violation";

// Input forms' `pattern`s. A JSON Schema `pattern` run by JavaScript's RegExp can backtrack for minutes on a short
// input (`^(a|a)*$`), and nothing can interrupt it: one start request would stall the Worker.
// So patterns are matched with RE2 (re2js), which runs in time linear in the input and refuses
// what needs backtracking (lookaround, backreferences). They may stand only where a value's
// place in the inputs is known from the schema alone: along `properties`, `items` and
// `prefixItems` (not under allOf/anyOf/oneOf/not/if, $defs or patternProperties).

export interface PlacedPattern {
	/** Steps into the inputs: property names, array indexes, or "*" (every item). */
	path: (string | number)[];
	pattern: string;
}

/** The schema without its `pattern`s (along properties, items, prefixItems), and those by place. */
export function takePatterns(schema: Record<string, unknown>): {
	schema: Schema;
	patterns: PlacedPattern[];
} {
	const patterns: PlacedPattern[] = [];
	const strip = (node: unknown, path: (string | number)[]): unknown => {
		if (!isPlainObject(node)) return node;
		const { pattern, ...rest } = node;
		if (typeof pattern === "string") patterns.push({ path, pattern });
		if (isPlainObject(rest.properties))
			rest.properties = Object.fromEntries(
				Object.entries(rest.properties).map(([name, sub]) => [name, strip(sub, [...path, name])]),
			);
		if (isPlainObject(rest.items)) rest.items = strip(rest.items, [...path, "*"]);
		if (Array.isArray(rest.prefixItems))
			rest.prefixItems = rest.prefixItems.map((sub, i) => strip(sub, [...path, i]));
		return rest;
	};
	return { schema: strip(schema, []) as Schema, patterns };
}

const compiledPatterns = new Map<string, RE2JS | Error>();

/** RE2's compiled pattern, or why RE2 cannot run it (kept: forms are few, starts are many). */
export function compilePattern(pattern: string): RE2JS | Error {
	let compiled = compiledPatterns.get(pattern);
	if (compiled === undefined) {
		try {
			compiled = RE2JS.compile(pattern);
		} catch (err) {
			compiled = err instanceof Error ? err : new Error(String(err));
		}
		if (compiledPatterns.size > 500) compiledPatterns.clear();
		compiledPatterns.set(pattern, compiled);
	}
	return compiled;
}

export function patternViolations(patterns: PlacedPattern[], inputs: unknown): InputViolation[] {
	const out: InputViolation[] = [];
	for (const { path, pattern } of patterns) {
		for (const [pointer, value] of valuesAt(inputs, path, "")) {
			if (typeof value !== "string") continue;
			const re = compilePattern(pattern);
			if (re instanceof Error)
				out.push({
					pointer,
					message: `cannot be checked: the form's pattern is not usable (${re.message})`,
				});
			else if (!re.matcher(value).find())
				out.push({ pointer, message: `Value does not match pattern ${JSON.stringify(pattern)}.` });
		}
	}
	return out;
}

/** The values at `path` in `value` ("*" = every array item), with their pointers. */
function valuesAt(value: unknown, path: (string | number)[], at: string): [string, unknown][] {
	if (path.length === 0) return [[at, value]];
	const [step, ...rest] = path;
	if (step === "*")
		return Array.isArray(value)
			? value.flatMap((item, i) => valuesAt(item, rest, `${at}/${i}`))
			: [];
	if (typeof step === "number")
		return Array.isArray(value) && step < value.length
			? valuesAt(value[step], rest, `${at}/${step}`)
			: [];
	return isPlainObject(value) && Object.hasOwn(value, step as string)
		? valuesAt(value[step as string], rest, `${at}/${escapeToken(step as string)}`)
		: [];
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** One RFC 6901 pointer token. */
export const escapeToken = (token: string) => token.replaceAll("~", "~0").replaceAll("/", "~1");

import { type OutputUnit, type Schema, type SchemaDraft, Validator } from "@cfworker/json-schema";
import type { JsonObject } from "../../engine/run";
import { escapeToken, isPlainObject, patternViolations, takePatterns } from "./input-patterns";
import type { InputViolation } from "./input-violation";

/**
 * A run's inputs against its trigger's `userInputs` (docs/ARCHITECTURE.md#a-start: validated before the run
 * exists). @cfworker/json-schema interprets the schema rather than compiling it, so it runs in
 * Workers, where `new Function` is not allowed.
 */

/** A trigger's `userInputs`: a JSON Schema object, Port-style (`type: "object"` may be left out). */
export type UserInputs = Record<string, unknown>;

export type InputsValidation =
	| { ok: true; inputs: JsonObject }
	| { ok: false; errors: InputViolation[] };

/**
 * Applies the schema's defaults (top-level properties, and the properties of nested objects
 * that are present), then lists every violation. The caller's `inputs` is never changed.
 * Throws only when the schema itself cannot be used (an unresolvable `$ref`): that is the
 * workflow's fault, not the caller's.
 */
export function validateRunInputs(
	userInputs: UserInputs | undefined,
	inputs: unknown,
): InputsValidation {
	const value = inputs === undefined ? {} : inputs;
	if (!isPlainObject(value)) {
		return { ok: false, errors: [{ pointer: "", message: "Inputs must be a JSON object." }] };
	}
	// The inputs come from a JSON request body, so the object holds JSON values only.
	const copy = structuredClone(value) as JsonObject;
	if (!userInputs) return { ok: true, inputs: copy };
	const schema: Schema = { type: "object", ...userInputs };
	applyDefaults(schema, copy);
	// `pattern`s are matched in linear time, not by the validator's RegExp (input-patterns.ts).
	const { schema: withoutPatterns, patterns } = takePatterns(schema);
	const result = new Validator(withoutPatterns, draftOf(schema), false).validate(copy);
	const errors = [
		...(result.valid ? [] : violations(result.errors)),
		...patternViolations(patterns, copy),
	];
	return errors.length === 0 ? { ok: true, inputs: copy } : { ok: false, errors };
}

function applyDefaults(schema: unknown, target: Record<string, unknown>): void {
	if (!isPlainObject(schema) || !isPlainObject(schema.properties)) return;
	for (const [name, property] of Object.entries(schema.properties)) {
		if (!isPlainObject(property)) continue;
		if (target[name] === undefined && "default" in property) {
			target[name] = structuredClone(property.default);
		}
		const nested = target[name];
		if (isPlainObject(nested)) applyDefaults(property, nested);
	}
}

/** The draft the schema names in `$schema`; 2020-12 when it names none (Port's forms name none). */
export function draftOf(schema: Schema): SchemaDraft {
	const named = typeof schema.$schema === "string" ? schema.$schema : "";
	if (named.includes("draft-04")) return "4";
	if (named.includes("draft-07") || named.includes("draft-06")) return "7";
	if (named.includes("2019-09")) return "2019-09";
	return "2020-12";
}

/**
 * Keywords whose error only says "something inside failed": they are dropped when an error
 * inside them says what. (anyOf/oneOf are kept: their branches' errors alone would mislead.)
 */
const WRAPPERS = new Set([
	"properties",
	"patternProperties",
	"additionalProperties",
	"unevaluatedProperties",
	"items",
	"prefixItems",
	"additionalItems",
	"unevaluatedItems",
	"allOf",
	"$ref",
	"$recursiveRef",
	"dependentSchemas",
	"dependencies",
	"if",
	"then",
	"else",
]);

/** "#/a~1b/0" (URI-fragment encoded by the library) → "/a~1b/0". */
function pointerOf(instanceLocation: string): string {
	const fragment = instanceLocation.replace(/^#/, "");
	try {
		return decodeURIComponent(fragment);
	} catch {
		return fragment;
	}
}

const quoted = (message: string, pattern: RegExp) => pattern.exec(message)?.[1];

/** One violation per real problem, each at the pointer of the value (or missing value) at fault. */
export function violations(errors: OutputUnit[]): InputViolation[] {
	const isInside = (outer: OutputUnit, inner: OutputUnit) =>
		inner !== outer &&
		(inner.keywordLocation.startsWith(`${outer.keywordLocation}/`) ||
			(!WRAPPERS.has(inner.keyword) &&
				inner.instanceLocation.startsWith(`${outer.instanceLocation}/`)));
	// Properties that additionalProperties: false rejected, to word their "false schema" errors.
	const undeclared = new Set(
		errors
			.filter((e) => e.keyword === "additionalProperties")
			.map((e) => {
				const name = quoted(e.error, /^Property "(.*)" does not match additional/);
				return name === undefined ? "" : `${pointerOf(e.instanceLocation)}/${escapeToken(name)}`;
			}),
	);
	const seen = new Set<string>();
	const out: InputViolation[] = [];
	for (const error of errors) {
		if (WRAPPERS.has(error.keyword) && errors.some((other) => isInside(error, other))) continue;
		const found = describe(error, undeclared);
		const id = `${found.pointer}\u0000${found.message}`;
		if (seen.has(id)) continue;
		seen.add(id);
		out.push(found);
	}
	return out;
}

function describe(error: OutputUnit, undeclared: Set<string>): InputViolation {
	const pointer = pointerOf(error.instanceLocation);
	if (error.keyword === "required") {
		const name = quoted(error.error, /required property "(.*)"\.?$/);
		if (name !== undefined)
			return { pointer: `${pointer}/${escapeToken(name)}`, message: "is required" };
	}
	if (error.keyword === "false") {
		return {
			pointer,
			message: undeclared.has(pointer)
				? "is not one of the declared inputs"
				: "is not allowed here",
		};
	}
	return { pointer, message: error.error.replace(/^Instance /, "Value ") };
}

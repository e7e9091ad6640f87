import { type OutputUnit, type Schema, type SchemaDraft, Validator } from "@cfworker/json-schema";
import { RE2JS } from "re2js";

/**
 * A run's inputs against its trigger's `userInputs` (DESIGN §2: validated before the run
 * exists). @cfworker/json-schema interprets the schema rather than compiling it, so it runs in
 * Workers, where `new Function` is not allowed.
 */

/** A trigger's `userInputs`: a JSON Schema object, Port-style (`type: "object"` may be left out). */
export type UserInputs = Record<string, unknown>;

export interface InputViolation {
	/** RFC 6901 pointer into the inputs ("" is the inputs as a whole). */
	pointer: string;
	message: string;
}

export type InputsValidation =
	| { ok: true; inputs: Record<string, unknown> }
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
	const copy = structuredClone(value);
	if (!userInputs) return { ok: true, inputs: copy };
	const schema: Schema = { type: "object", ...userInputs };
	applyDefaults(schema, copy);
	// `pattern`s are matched here, in linear time, not by the validator's RegExp (see below).
	const { schema: withoutPatterns, patterns } = takePatterns(schema);
	const result = new Validator(withoutPatterns, draftOf(schema), false).validate(copy);
	const errors = [
		...(result.valid ? [] : violations(result.errors)),
		...patternViolations(patterns, copy),
	];
	return errors.length === 0 ? { ok: true, inputs: copy } : { ok: false, errors };
}

// ── patterns ────────────────────────────────────────────────────────────────────────────────
//
// A JSON Schema `pattern` run by JavaScript's RegExp can backtrack for minutes on a short
// input (`^(a|a)*$`), and nothing can interrupt it: one start request would stall the Worker.
// So patterns are matched with RE2 (re2js), which runs in time linear in the input and refuses
// what needs backtracking (lookaround, backreferences). They may stand only where a value's
// place in the inputs is known from the schema alone: along `properties`, `items` and
// `prefixItems` (not under allOf/anyOf/oneOf/not/if, $defs or patternProperties).

interface PlacedPattern {
	/** Steps into the inputs: property names, array indexes, or "*" (every item). */
	path: (string | number)[];
	pattern: string;
}

/** The schema without its `pattern`s (along properties, items, prefixItems), and those by place. */
function takePatterns(schema: Record<string, unknown>): {
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
function compilePattern(pattern: string): RE2JS | Error {
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

function patternViolations(patterns: PlacedPattern[], inputs: unknown): InputViolation[] {
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

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === "object" && value !== null && !Array.isArray(value);
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
function draftOf(schema: Schema): SchemaDraft {
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

const escapeToken = (token: string) => token.replaceAll("~", "~0").replaceAll("/", "~1");

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
function violations(errors: OutputUnit[]): InputViolation[] {
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

// ── save-time checks of the form itself ─────────────────────────────────────────────────────

/** A problem with a trigger's `userInputs` as a schema (pointer into the definition). */
export interface InputFormIssue {
	pointer: string;
	code: "invalid_input_schema";
	message: string;
}

const JSON_TYPES = new Set(["string", "number", "integer", "boolean", "object", "array", "null"]);
const SCHEMA_MAPS = ["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"];
const SCHEMA_LISTS = ["allOf", "anyOf", "oneOf", "prefixItems"];
const SCHEMA_VALUES = [
	"additionalProperties",
	"items",
	"contains",
	"not",
	"if",
	"then",
	"else",
	"propertyNames",
	"unevaluatedItems",
	"unevaluatedProperties",
];

/**
 * What would make every run of this form fail or mislead, found when the workflow is saved
 * rather than at each start: a `type` that is not a JSON Schema type (the validator would
 * reject every value), a `pattern` that is not a regular expression, a `default` that its own
 * property rejects (a caller who sent nothing would be blamed for it), a schema the validator
 * cannot use at all (an unresolvable `$ref`). `at` is the form's pointer in the definition.
 */
export function inputFormIssues(userInputs: UserInputs, at: string): InputFormIssue[] {
	const issues: InputFormIssue[] = [];
	const problem = (pointer: string, message: string) =>
		issues.push({ pointer, code: "invalid_input_schema", message });
	// The definition schema caps every free-form value at depth 64, so this walk is bounded.
	/** `placed`: the schema's values have a place known from the schema alone (see patterns). */
	const walk = (schema: unknown, pointer: string, placed: boolean): void => {
		if (!isPlainObject(schema)) return;
		const { type, pattern } = schema;
		const types = Array.isArray(type) ? type : type === undefined ? [] : [type];
		const unknown = types.find((t) => typeof t !== "string" || !JSON_TYPES.has(t));
		if (unknown !== undefined || (Array.isArray(type) && type.length === 0))
			problem(
				`${pointer}/type`,
				`${JSON.stringify(unknown ?? type)} is not a JSON Schema type (${[...JSON_TYPES].join(", ")})`,
			);
		if (pattern !== undefined) {
			const compiled = typeof pattern === "string" ? compilePattern(pattern) : null;
			if (compiled === null) problem(`${pointer}/pattern`, "must be a string");
			else if (compiled instanceof Error)
				problem(
					`${pointer}/pattern`,
					`is not a pattern that runs in linear time (RE2 syntax: no lookaround or backreferences): ${compiled.message}`,
				);
			else if (!placed)
				problem(
					`${pointer}/pattern`,
					"may only stand along properties, items and prefixItems (not under allOf, anyOf, oneOf, not, if, $defs, …)",
				);
		}
		if (schema.patternProperties !== undefined)
			problem(
				`${pointer}/patternProperties`,
				"is not supported in input forms; list the properties",
			);
		for (const key of SCHEMA_MAPS) {
			const map = schema[key];
			if (isPlainObject(map))
				for (const [name, sub] of Object.entries(map))
					walk(sub, `${pointer}/${key}/${escapeToken(name)}`, placed && key === "properties");
		}
		for (const key of SCHEMA_LISTS) {
			const list = schema[key];
			if (Array.isArray(list))
				for (const [i, sub] of list.entries())
					walk(sub, `${pointer}/${key}/${i}`, placed && key === "prefixItems");
		}
		for (const key of SCHEMA_VALUES) {
			const sub = schema[key];
			if (Array.isArray(sub))
				for (const [i, item] of sub.entries()) walk(item, `${pointer}/${key}/${i}`, false);
			else walk(sub, `${pointer}/${key}`, placed && key === "items");
		}
	};
	walk(userInputs, at, true);
	if (issues.length > 0) return issues;

	// Every top-level default, checked as the start would apply it (not `required`: a default
	// is checked on its own).
	const properties = isPlainObject(userInputs.properties) ? userInputs.properties : {};
	const defaults: Record<string, unknown> = {};
	for (const [name, property] of Object.entries(properties))
		if (isPlainObject(property) && "default" in property) defaults[name] = property.default;
	const schema: Schema = { type: "object", ...userInputs, required: [] };
	try {
		const result = new Validator(schema, draftOf(schema), false).validate(defaults);
		if (!result.valid) {
			for (const found of violations(result.errors)) {
				const [, name = "", ...rest] = found.pointer.split("/");
				const where = rest.length ? `/${rest.join("/")}` : "";
				problem(
					`${at}/properties/${name}/default`,
					`the default does not match its own schema${where ? ` at ${where}` : ""}: ${found.message}`,
				);
			}
		}
	} catch (err) {
		problem(at, `cannot be used as a JSON Schema: ${err instanceof Error ? err.message : err}`);
	}
	return issues;
}

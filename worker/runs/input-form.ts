import { type Schema, Validator } from "@cfworker/json-schema";
import { SECRET_INPUT_ENCRYPTION } from "../../engine/definition";
import { compilePattern, escapeToken, isPlainObject } from "./input-patterns";
import { draftOf, type UserInputs, violations } from "./inputs";

// Save-time checks of a trigger's input form itself (validateRunInputs checks inputs against it).

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
	const topLevel = `${at}/properties/`;
	const isTopLevelProperty = (pointer: string) =>
		pointer.startsWith(topLevel) && !pointer.slice(topLevel.length).includes("/");
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
		secretFieldProblems(schema, pointer, isTopLevelProperty(pointer), problem);
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

/**
 * A secret input (docs/ARCHITECTURE.md#secrets) is a top-level property marked
 * `"encryption": "aes256-gcm"` or `"writeOnly": true`, without a default: a default would sit
 * in the definition, in clear, for every reader of the workflow.
 */
function secretFieldProblems(
	schema: Record<string, unknown>,
	pointer: string,
	topLevel: boolean,
	problem: (pointer: string, message: string) => void,
): void {
	const { encryption, writeOnly } = schema;
	if (encryption !== undefined && encryption !== SECRET_INPUT_ENCRYPTION) {
		problem(`${pointer}/encryption`, `the one encryption there is is "${SECRET_INPUT_ENCRYPTION}"`);
	}
	if (encryption === undefined && writeOnly !== true) return;
	if (!topLevel) {
		problem(pointer, "only a top-level property of the form can be a secret input");
	} else if ("default" in schema) {
		problem(
			`${pointer}/default`,
			"a secret input has no default: it would be stored in the definition, in clear",
		);
	}
}

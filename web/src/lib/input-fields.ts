// Turns a trigger's userInputs JSON Schema into form fields, and form values back into inputs.
// The API validates the inputs (and answers 422 with a pointer per field), so this only shapes
// values by type; anything it cannot parse is sent as typed so the API can say what is wrong.
import type { JsonSchema } from "../api/types";

export type FieldKind =
	| "string"
	| "number"
	| "integer"
	| "boolean"
	| "enum"
	| "string-list"
	| "json";

export interface InputField {
	name: string;
	label: string;
	kind: FieldKind;
	required: boolean;
	description?: string;
	options?: string[];
	/** The form's starting value (text, or "true"/"false" for booleans). */
	initial: string;
	/** A secret input (`encryption: "aes256-gcm"` or `writeOnly: true`): a password field. */
	secret: boolean;
}

function typeOf(schema: JsonSchema): string | undefined {
	return Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
}

function kindOf(schema: JsonSchema): FieldKind {
	if (schema.enum?.every((v) => typeof v === "string")) return "enum";
	const type = typeOf(schema);
	if (type === "string" || type === "number" || type === "integer" || type === "boolean")
		return type;
	if (type === "array" && typeOf(schema.items ?? {}) === "string") return "string-list";
	return "json";
}

function initialOf(kind: FieldKind, value: unknown): string {
	if (value === undefined) return kind === "boolean" ? "false" : "";
	if (kind === "string-list" && Array.isArray(value)) return value.join("\n");
	if (kind === "json") return JSON.stringify(value, null, 2);
	return String(value);
}

export function fieldsOf(schema: JsonSchema | undefined): InputField[] {
	const required = new Set(schema?.required ?? []);
	return Object.entries(schema?.properties ?? {}).map(([name, property]) => {
		const kind = kindOf(property);
		return {
			name,
			label: property.title ?? name,
			kind,
			required: required.has(name),
			description: property.description,
			options: kind === "enum" ? (property.enum as string[]) : undefined,
			initial: initialOf(kind, property.default),
			secret: property.encryption === "aes256-gcm" || property.writeOnly === true,
		};
	});
}

function parseFieldValue(field: InputField, text: string): unknown {
	switch (field.kind) {
		case "boolean":
			return text === "true";
		case "number":
		case "integer": {
			const number = Number(text);
			return text.trim() !== "" && Number.isFinite(number) ? number : text;
		}
		case "string-list":
			return text
				.split("\n")
				.map((line) => line.trim())
				.filter(Boolean);
		case "json":
			try {
				return JSON.parse(text);
			} catch {
				return text;
			}
		case "string":
		case "enum":
			return text;
	}
}

/**
 * Inputs for the API: empty fields are left out, so schema defaults apply and a required field
 * left blank is the API's "is required" beside it (an empty string would count as given).
 */
export function inputsOf(
	fields: InputField[],
	values: Record<string, string>,
): Record<string, unknown> {
	const inputs: Record<string, unknown> = {};
	for (const field of fields) {
		const text = values[field.name] ?? field.initial;
		if (text === "") continue;
		inputs[field.name] = parseFieldValue(field, text);
	}
	return inputs;
}

/**
 * A 422's errors split between the fields they point at (joined per field) and the rest, which
 * belong to the whole form.
 */
export function problemsByField(
	errors: { pointer: string; message: string }[],
	fields: InputField[],
): { byField: Record<string, string>; rest: string[] } {
	const byField: Record<string, string> = {};
	const rest: string[] = [];
	for (const error of errors) {
		const name = fieldOfPointer(error.pointer);
		if (name && fields.some((f) => f.name === name)) {
			byField[name] = byField[name] ? `${byField[name]}; ${error.message}` : error.message;
		} else rest.push(`${error.pointer || "inputs"}: ${error.message}`);
	}
	return { byField, rest };
}

/** "/inputs/a~1b/0" → "a/b": the field a 422 error belongs to (undefined: the whole form). */
export function fieldOfPointer(pointer: string): string | undefined {
	const match = /^\/(?:inputs|initialContext)\/([^/]+)/.exec(pointer);
	return match?.[1]?.replace(/~1/g, "/").replace(/~0/g, "~");
}

/** A fresh key per submission: a retried request (same key) is answered once, not run twice. */
export function newIdempotencyKey(): string {
	if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
	return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) =>
		b.toString(16).padStart(2, "0"),
	).join("");
}

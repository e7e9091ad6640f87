// Completion and hover docs in the definition editor, from the definition's JSON Schema as the
// API's OpenAPI document publishes it (derived there from the same zod schemas that validate a
// save), so the editor can never offer a field the API would refuse.
//
// Written here rather than taken from codemirror-json-schema: that package brings shiki,
// markdown-it and yaml with it, megabytes for what is a walk over a schema by path. This walk
// knows the few keywords the generated schema uses (properties, additionalProperties, items,
// oneOf/anyOf/allOf, enum/const, default, description, $ref into the document).
import type { Completion, CompletionContext, CompletionResult } from "@codemirror/autocomplete";
import { syntaxTree } from "@codemirror/language";
import type { EditorState } from "@codemirror/state";
import { hoverTooltip, type Tooltip } from "@codemirror/view";
import type { SyntaxNode } from "@lezer/common";
import { type JsonPath, keysOf, pathTo, placeAt, siblingValue } from "./json-tree";

export interface Schema {
	$ref?: string;
	type?: string | string[];
	description?: string;
	properties?: Record<string, Schema>;
	additionalProperties?: Schema | boolean;
	required?: string[];
	items?: Schema;
	oneOf?: Schema[];
	anyOf?: Schema[];
	allOf?: Schema[];
	enum?: unknown[];
	const?: unknown;
	default?: unknown;
	minimum?: number;
	maximum?: number;
	minLength?: number;
	maxLength?: number;
	maxItems?: number;
	pattern?: string;
}

/** The schema plus the document its `$ref`s point into. */
export interface SchemaRoot {
	schema: Schema;
	document: { components?: { schemas?: Record<string, Schema> } };
}

function deref(root: SchemaRoot, schema: Schema, seen = 0): Schema {
	const ref = schema.$ref;
	if (!ref || seen > 20) return schema;
	const name = /^#\/components\/schemas\/(.+)$/.exec(ref)?.[1];
	const target = name ? root.document.components?.schemas?.[name] : undefined;
	return target ? deref(root, target, seen + 1) : schema;
}

/**
 * The alternatives a schema allows, flattened (oneOf/anyOf), each dereferenced; allOf parts are
 * merged into one. `discriminate` picks, among object alternatives, those whose `type` property
 * admits the object's own `type` (a node's `config.type`).
 */
function alternatives(root: SchemaRoot, schema: Schema, objectType?: unknown): Schema[] {
	const plain = deref(root, schema);
	const union = plain.oneOf ?? plain.anyOf;
	if (union) {
		const all = union.flatMap((s) => alternatives(root, s, objectType));
		if (objectType === undefined) return all;
		const matching = all.filter((s) => admits(root, s.properties?.type, objectType));
		return matching.length > 0 ? matching : all;
	}
	if (plain.allOf) {
		const parts = plain.allOf.flatMap((s) => alternatives(root, s, objectType));
		return [
			Object.assign({}, ...parts, {
				properties: Object.assign({}, ...parts.map((p) => p.properties ?? {})),
			}),
		];
	}
	return [plain];
}

function admits(root: SchemaRoot, schema: Schema | undefined, value: unknown): boolean {
	if (!schema) return false;
	const plain = deref(root, schema);
	if (plain.const !== undefined) return plain.const === value;
	if (plain.enum) return plain.enum.includes(value);
	return false;
}

/** One step down: the schemas of `key` (an object's property or an array's items). */
function child(root: SchemaRoot, schema: Schema, key: string | number): Schema[] {
	return alternatives(root, schema).flatMap((s): Schema[] => {
		if (typeof key === "number") return s.items ? [s.items] : [];
		const property = s.properties?.[key];
		if (property) return [property];
		if (s.additionalProperties && typeof s.additionalProperties === "object")
			return [s.additionalProperties];
		return [];
	});
}

/**
 * The schemas that may describe the value at `path`. `typeAt` tells, for an object on the
 * path, its `type` member (so a WEBHOOK node's config is described by the WEBHOOK schema only).
 */
export function schemasAt(
	root: SchemaRoot,
	path: JsonPath,
	typeAt: (depth: number) => unknown = () => undefined,
): Schema[] {
	let current: Schema[] = [root.schema];
	path.forEach((key, depth) => {
		const type = typeAt(depth);
		current = current
			.flatMap((s) => alternatives(root, s, type))
			.flatMap((s) => child(root, s, key));
	});
	return current;
}

function typeText(root: SchemaRoot, schema: Schema): string {
	const s = deref(root, schema);
	if (s.const !== undefined) return JSON.stringify(s.const);
	if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(" | ");
	const union = s.oneOf ?? s.anyOf;
	if (union) return [...new Set(union.map((u) => typeText(root, u)))].join(" | ");
	if (Array.isArray(s.type)) return s.type.join(" | ");
	if (s.type === "array" && s.items) return `${typeText(root, s.items)}[]`;
	return s.type ?? "any";
}

/** A few plain lines about a schema: its type, bounds and default, then its description. */
export function describeSchema(root: SchemaRoot, schema: Schema, name?: string): string {
	const s = deref(root, schema);
	const facts: string[] = [typeText(root, s)];
	if (s.minLength !== undefined) facts.push(`at least ${s.minLength} characters`);
	if (s.maxLength !== undefined) facts.push(`at most ${s.maxLength} characters`);
	if (s.minimum !== undefined) facts.push(`≥ ${s.minimum}`);
	if (s.maximum !== undefined) facts.push(`≤ ${s.maximum}`);
	if (s.maxItems !== undefined) facts.push(`at most ${s.maxItems} items`);
	if (s.default !== undefined) facts.push(`default ${JSON.stringify(s.default)}`);
	const head = name ? `${name}: ${facts.join(", ")}` : facts.join(", ");
	return s.description ? `${head}\n${s.description}` : head;
}

/**
 * For each depth of the path down to `node`, the `type` member of the value there when it is an
 * object (the objects and arrays around `node`, outermost first, are the path's values).
 */
function typesAlong(state: EditorState, node: SyntaxNode): (depth: number) => unknown {
	const containers: SyntaxNode[] = [];
	for (let n: SyntaxNode | null = node; n; n = n.parent)
		if (n.name === "Object" || n.name === "Array") containers.unshift(n);
	return (depth) => {
		const container = containers[depth];
		return container?.name === "Object" ? siblingValue(state, container, "type") : undefined;
	};
}

/** Completion of keys (with their docs) and of enum, const and boolean values. */
export function schemaCompletion(root: SchemaRoot) {
	return (context: CompletionContext): CompletionResult | null => {
		const place = placeAt(context.state, context.pos);
		if (place.kind === "none") return null;
		const node = syntaxTree(context.state).resolveInner(context.pos, -1);
		const typeAt = typesAlong(context.state, node);
		if (place.kind === "key") {
			const present = new Set(keysOf(context.state, place.object));
			const ownType = siblingValue(context.state, place.object, "type");
			const options = new Map<string, Completion>();
			for (const schema of schemasAt(root, place.path, typeAt)) {
				for (const s of alternatives(root, schema, ownType)) {
					for (const [key, property] of Object.entries(s.properties ?? {})) {
						if (present.has(key) || options.has(key)) continue;
						const required = s.required?.includes(key) ?? false;
						options.set(key, {
							label: key,
							apply: `${JSON.stringify(key)}: `,
							type: "property",
							detail: required
								? `${typeText(root, property)} (required)`
								: typeText(root, property),
							info: describeSchema(root, property),
							boost: required ? 1 : 0,
						});
					}
				}
			}
			if (options.size === 0) return null;
			// Typing inside quotes keeps them; a bare word gets the quoted key.
			return {
				from: place.from,
				to: place.to,
				options: [...options.values()],
				validFor: /^"?\w*"?$/,
			};
		}
		// The value of a `type` member picks the object's variant: offer every variant's.
		const last = place.path.length - 1;
		const variantsOpen = (depth: number) =>
			depth === last && place.path[last] === "type" ? undefined : typeAt(depth);
		const values = new Map<string, Completion>();
		for (const schema of schemasAt(root, place.path, variantsOpen)) {
			for (const s of alternatives(root, schema)) {
				const choices = s.const !== undefined ? [s.const] : (s.enum ?? []);
				for (const choice of choices) {
					const text = JSON.stringify(choice);
					values.set(text, { label: text, type: "enum", info: s.description });
				}
				if (s.type === "boolean")
					for (const b of ["true", "false"]) values.set(b, { label: b, type: "keyword" });
			}
		}
		if (values.size === 0) return null;
		// A finished value (the cursor in "DELAY") is being replaced: offer every choice, not
		// only those matching the text before the cursor. A value being typed filters as usual.
		const current = context.state.sliceDoc(place.from, place.to);
		const finished = /^".*"$|^(true|false|null|-?\d[\d.eE+-]*)$/.test(current);
		return {
			from: place.from,
			to: place.to,
			options: [...values.values()],
			filter: !finished,
			validFor: /^"?[\w-]*"?$/,
		};
	};
}

/** Hover over a key: what the field is (type, bounds, default, description). */
export function schemaHover(root: SchemaRoot) {
	return hoverTooltip((view, pos): Tooltip | null => {
		const node = syntaxTree(view.state).resolveInner(pos, 1);
		if (node.name !== "PropertyName") return null;
		const property = node.parent;
		const object = property?.parent;
		if (!property || !object) return null;
		const key = view.state.sliceDoc(node.from, node.to).replace(/^"|"$/g, "");
		const path = [...pathTo(view.state, object), key];
		const typeAt = typesAlong(view.state, node);
		const found = schemasAt(root, path, typeAt);
		if (found.length === 0) return null;
		const text = [...new Set(found.map((s) => describeSchema(root, s, key)))].join("\n\n");
		return {
			pos: node.from,
			end: node.to,
			above: true,
			create: () => {
				const dom = document.createElement("div");
				dom.className = "schema-doc";
				dom.textContent = text;
				return { dom };
			},
		};
	});
}

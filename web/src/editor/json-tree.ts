// Where things are in a JSON text, read from CodeMirror's syntax tree (@lezer/json): the JSON
// path at the cursor (for completion and hover), and the text range of an RFC 6901 pointer (to
// show the API's 422 errors where they point). The tree is kept up to date as the user types
// and tolerates broken text, which JSON.parse cannot do.
import { syntaxTree } from "@codemirror/language";
import type { EditorState } from "@codemirror/state";
import type { SyntaxNode } from "@lezer/common";

export type JsonPath = (string | number)[];

const VALUE_NODES = new Set(["Object", "Array", "String", "Number", "True", "False", "Null"]);

/** The children of an Object (its Property nodes) or an Array (its values). */
function children(node: SyntaxNode, names: Set<string> | string): SyntaxNode[] {
	const found: SyntaxNode[] = [];
	for (let child = node.firstChild; child; child = child.nextSibling) {
		if (typeof names === "string" ? child.name === names : names.has(child.name)) found.push(child);
	}
	return found;
}

/** A property's key as JSON text means it: `"a\u0062"` is "ab". */
export function keyOf(state: EditorState, property: SyntaxNode): string | null {
	const name = property.getChild("PropertyName");
	if (!name) return null;
	const text = state.sliceDoc(name.from, name.to);
	try {
		return JSON.parse(text) as string;
	} catch {
		return text.replace(/^"|"$/g, "");
	}
}

/** A property's value node (after the colon), if typed yet. */
export function propertyValue(property: SyntaxNode): SyntaxNode | null {
	for (let child = property.lastChild; child; child = child.prevSibling) {
		if (VALUE_NODES.has(child.name)) return child;
		if (child.name === ":" || child.name === "PropertyName") return null;
	}
	return null;
}

/** The path from the document's top value down to `node` (its enclosing keys and indexes). */
export function pathTo(state: EditorState, node: SyntaxNode): JsonPath {
	const path: JsonPath = [];
	let child: SyntaxNode = node;
	for (let parent = node.parent; parent; child = parent, parent = parent.parent) {
		if (parent.name === "Property") {
			// Inside the value (not the key itself): the property's key is a step of the path.
			if (child.name !== "PropertyName") {
				const key = keyOf(state, parent);
				if (key !== null) path.unshift(key);
			}
		} else if (parent.name === "Array") {
			const index = children(parent, VALUE_NODES).findIndex((v) => v.from === child.from);
			if (index >= 0) path.unshift(index);
		}
	}
	return path;
}

export type CursorPlace =
	/** Typing a key of the object at `path` (inside a PropertyName or between properties). */
	| { kind: "key"; path: JsonPath; object: SyntaxNode; from: number; to: number }
	/** Typing the value at `path` (the string, number or word under the cursor). */
	| { kind: "value"; path: JsonPath; from: number; to: number }
	| { kind: "none" };

/** What the cursor at `pos` is in: an object's key, a value, or neither. */
export function placeAt(state: EditorState, pos: number): CursorPlace {
	const node = syntaxTree(state).resolveInner(pos, -1);
	if (node.name === "PropertyName") {
		const property = node.parent;
		const object = property?.parent;
		if (!property || !object) return { kind: "none" };
		return { kind: "key", path: pathTo(state, object), object, from: node.from, to: node.to };
	}
	if (node.name === "Object" || node.name === "{" || node.name === ",") {
		const object = node.name === "Object" ? node : node.parent;
		if (object?.name === "Object")
			return { kind: "key", path: pathTo(state, object), object, from: pos, to: pos };
	}
	// A bare word where a key belongs (`{ ide` parses as an error inside the object).
	if (node.name === "⚠" && node.parent?.name === "Object") {
		const object = node.parent;
		return { kind: "key", path: pathTo(state, object), object, from: node.from, to: node.to };
	}
	const value = VALUE_NODES.has(node.name) && node.name !== "Object" && node.name !== "Array";
	if (value) return { kind: "value", path: pathTo(state, node), from: node.from, to: node.to };
	// Just after a colon, nothing typed yet.
	if (node.name === ":" && node.parent?.name === "Property") {
		const key = keyOf(state, node.parent);
		const object = node.parent.parent;
		if (key !== null && object)
			return { kind: "value", path: [...pathTo(state, object), key], from: pos, to: pos };
	}
	if (node.name === "Property") {
		const key = keyOf(state, node);
		const object = node.parent;
		if (key !== null && object && !propertyValue(node))
			return { kind: "value", path: [...pathTo(state, object), key], from: pos, to: pos };
	}
	return { kind: "none" };
}

/** Keys already present in an Object node. */
export function keysOf(state: EditorState, object: SyntaxNode): string[] {
	return children(object, "Property")
		.map((p) => keyOf(state, p))
		.filter((k): k is string => k !== null);
}

/** The value of property `key` in an Object node, as text parsed (e.g. a node's config.type). */
export function siblingValue(state: EditorState, object: SyntaxNode, key: string): unknown {
	const property = children(object, "Property").find((p) => keyOf(state, p) === key);
	const value = property ? propertyValue(property) : null;
	if (!value || value.name === "Object" || value.name === "Array") return undefined;
	try {
		return JSON.parse(state.sliceDoc(value.from, value.to));
	} catch {
		return undefined;
	}
}

/** RFC 6901: "/nodes/0/config" → ["nodes", "0", "config"]. */
export function pointerSegments(pointer: string): string[] {
	if (pointer === "") return [];
	return pointer
		.slice(1)
		.split("/")
		.map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"));
}

/**
 * The text range a pointer names: the value it points at, or, when the text has no such value
 * (a required field left out), the start of the deepest object or array on the way, marked
 * `missing`. For a property the range starts at its key; an object or array value is marked
 * by its key (or opening bracket) only, not all the lines it spans.
 */
export function locatePointer(
	state: EditorState,
	pointer: string,
): { from: number; to: number; missing: boolean } | null {
	const top = syntaxTree(state).topNode.firstChild;
	if (!top) return null;
	let node: SyntaxNode = top;
	let markFrom = top.from;
	let keyTo: number | null = null;
	for (const segment of pointerSegments(pointer)) {
		let next: SyntaxNode | null = null;
		if (node.name === "Object") {
			const property = children(node, "Property").find((p) => keyOf(state, p) === segment);
			if (property) {
				next = propertyValue(property);
				markFrom = property.from;
				keyTo = property.getChild("PropertyName")?.to ?? null;
			}
		} else if (node.name === "Array" && /^\d+$/.test(segment)) {
			next = children(node, VALUE_NODES)[Number(segment)] ?? null;
			if (next) markFrom = next.from;
			keyTo = null;
		}
		if (!next) return { from: node.from, to: node.from + 1, missing: true };
		node = next;
	}
	const container = node.name === "Object" || node.name === "Array";
	const to = container ? (keyTo ?? node.from + 1) : node.to;
	return { from: markFrom, to, missing: false };
}

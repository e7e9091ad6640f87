import type { Node, ObjectPatternEntry, Pattern } from "./ast";
import { parsePipe } from "./parser";
import { parseString } from "./parser-literals";
import type { TokenCursor } from "./parser-state";

/** Destructuring patterns for `as`, `reduce` and `foreach`: `$x`, `[$a, $b]`, `{a: $x, $b}`. */
export function parsePattern(cursor: TokenCursor): Pattern {
	const token = cursor.peek;
	if (token.type === "variable") {
		cursor.next();
		return { kind: "variable", name: token.value, pos: token.pos };
	}
	if (token.type === "op" && token.value === "[") {
		cursor.next();
		const items: Pattern[] = [];
		do items.push(parsePattern(cursor));
		while (cursor.acceptOp(","));
		cursor.expectOp("]", "to close the array pattern");
		return { kind: "array", items, pos: token.pos };
	}
	if (token.type === "op" && token.value === "{") {
		cursor.next();
		const entries: ObjectPatternEntry[] = [];
		do entries.push(parseObjectPatternEntry(cursor));
		while (cursor.acceptOp(","));
		cursor.expectOp("}", "to close the object pattern");
		return { kind: "object", entries, pos: token.pos };
	}
	throw cursor.unexpected("expected a pattern ($name, [...] or {...})");
}

function parseObjectPatternEntry(cursor: TokenCursor): ObjectPatternEntry {
	const token = cursor.peek;
	let key: Node;
	if (token.type === "variable") {
		cursor.next();
		key = { kind: "literal", pos: token.pos, value: token.value };
		const value = cursor.acceptOp(":") ? parsePattern(cursor) : null;
		return { key, keyVariable: token.value, value };
	}
	if (token.type === "ident") {
		cursor.next();
		key = { kind: "literal", pos: token.pos, value: token.value };
	} else if (token.type === "string") {
		key = parseString(cursor, null);
	} else if (token.type === "op" && token.value === "(") {
		cursor.next();
		key = parsePipe(cursor);
		cursor.expectOp(")", "to close the computed key");
	} else {
		throw cursor.unexpected("expected a key in the object pattern");
	}
	cursor.expectOp(":", "after a key in an object pattern");
	return { key, keyVariable: null, value: parsePattern(cursor) };
}

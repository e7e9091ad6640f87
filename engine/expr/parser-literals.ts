import type { Node, ObjectEntry } from "./ast";
import type { StringPart } from "./lexer";
import { parsePipe, parseSource } from "./parser";
import type { TokenCursor } from "./parser-state";
import { parsePostfix } from "./parser-terms";

// Literal-ish terms: strings (with interpolation) and object construction.

/** Parses a string token; interpolations are parsed as full expressions at their own offset. */
export function parseString(cursor: TokenCursor, format: string | null): Node {
	const token = cursor.next();
	if (token.type !== "string") throw cursor.errorAt(token.pos, "expected a string");
	const parts = token.parts.map((part: StringPart) =>
		"text" in part ? part.text : parseSource(part.source, part.offset, cursor.source),
	);
	if (format === null && parts.length === 1 && typeof parts[0] === "string") {
		return { kind: "literal", pos: token.pos, value: parts[0] };
	}
	return { kind: "string", pos: token.pos, parts, format };
}

export function parseObject(cursor: TokenCursor): Node {
	const pos = cursor.next().pos;
	const entries: ObjectEntry[] = [];
	if (!cursor.isOp("}")) {
		do entries.push(parseObjectEntry(cursor));
		while (cursor.acceptOp(","));
	}
	cursor.expectOp("}", "to close the object (values with operators need parentheses)");
	return { kind: "object", pos, entries };
}

function parseObjectEntry(cursor: TokenCursor): ObjectEntry {
	const token = cursor.peek;
	let key: Node;
	if (token.type === "variable") {
		cursor.next();
		return {
			key: literal(token.value, token.pos),
			value: { kind: "variable", pos: token.pos, name: token.value },
		};
	}
	if (token.type === "ident") {
		cursor.next();
		key = literal(token.value, token.pos);
	} else if (token.type === "string" || token.type === "format") {
		if (token.type === "format") cursor.next();
		key = parseString(cursor, token.type === "format" ? token.value : null);
	} else if (token.type === "op" && token.value === "(") {
		cursor.next();
		key = parsePipe(cursor);
		cursor.expectOp(")", "to close the computed key");
		cursor.expectOp(":", "after a computed key");
		return { key, value: parseObjectValue(cursor) };
	} else {
		throw cursor.unexpected("expected an object key");
	}
	if (!cursor.acceptOp(":")) {
		const identity: Node = { kind: "identity", pos: token.pos };
		return { key, value: { kind: "index", pos: token.pos, target: identity, key } };
	}
	return { key, value: parseObjectValue(cursor) };
}

/** jq only allows a term, a negated term or a pipe of terms as an object value. */
function parseObjectValue(cursor: TokenCursor): Node {
	const left: Node = cursor.isOp("-")
		? { kind: "negate", pos: cursor.next().pos, body: parsePostfix(cursor, false) }
		: parsePostfix(cursor, false);
	if (!cursor.isOp("|")) return left;
	const pos = cursor.next().pos;
	return { kind: "pipe", pos, left, right: parseObjectValue(cursor) };
}

function literal(value: string, pos: number): Node {
	return { kind: "literal", pos, value };
}

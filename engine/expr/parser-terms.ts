import type { Node } from "./ast";
import type { Token } from "./lexer";
import { parsePipe } from "./parser";
import { parseKeywordOrCall } from "./parser-keywords";
import { parseObject, parseString } from "./parser-literals";
import { parsePattern } from "./parser-patterns";
import type { TokenCursor } from "./parser-state";

/** A term followed by suffixes: `.a`, `[i]`, `[a:b]`, `[]`, `?`, and (if allowed) `as $x | body`. */
export function parsePostfix(cursor: TokenCursor, allowBinding: boolean): Node {
	let node = parsePrimary(cursor);
	for (;;) {
		const token = cursor.peek;
		if (token.type === "field") {
			cursor.next();
			node = { kind: "index", pos: token.pos, target: node, key: literal(token.value, token.pos) };
		} else if (token.type === "op" && token.value === "." && cursor.peekAt(1).type === "string") {
			cursor.next();
			node = { kind: "index", pos: token.pos, target: node, key: parseString(cursor, null) };
		} else if (token.type === "op" && token.value === "[") {
			node = parseBracketSuffix(cursor, node);
		} else if (token.type === "op" && token.value === "?") {
			cursor.next();
			node = { kind: "try", pos: token.pos, body: node, handler: null };
		} else if (allowBinding && token.type === "ident" && token.value === "as") {
			cursor.next();
			const pattern = parsePattern(cursor);
			if (cursor.isOp("?//")) {
				throw cursor.errorAt(cursor.peek.pos, "the ?// destructuring alternative is not supported");
			}
			cursor.expectOp("|", "after the pattern of `as`");
			return { kind: "bind", pos: token.pos, source: node, pattern, body: parsePipe(cursor) };
		} else {
			return node;
		}
	}
}

function parseBracketSuffix(cursor: TokenCursor, target: Node): Node {
	const pos = cursor.next().pos;
	if (cursor.acceptOp("]")) return { kind: "iterate", pos, target };
	if (cursor.acceptOp(":")) {
		const to = parsePipe(cursor);
		cursor.expectOp("]", "to close the slice");
		return { kind: "slice", pos, target, from: null, to };
	}
	const key = parsePipe(cursor);
	if (cursor.acceptOp(":")) {
		const to = cursor.isOp("]") ? null : parsePipe(cursor);
		cursor.expectOp("]", "to close the slice");
		return { kind: "slice", pos, target, from: key, to };
	}
	cursor.expectOp("]", "to close the index");
	return { kind: "index", pos, target, key };
}

function literal(value: string, pos: number): Node {
	return { kind: "literal", pos, value };
}

function parsePrimary(cursor: TokenCursor): Node {
	const token = cursor.peek;
	switch (token.type) {
		case "number":
			cursor.next();
			return { kind: "literal", pos: token.pos, value: token.value };
		case "string":
			return parseString(cursor, null);
		case "format":
			cursor.next();
			if (cursor.peek.type === "string") return parseString(cursor, token.value);
			return { kind: "format", pos: token.pos, name: token.value };
		case "field":
			cursor.next();
			return {
				kind: "index",
				pos: token.pos,
				target: { kind: "identity", pos: token.pos },
				key: literal(token.value, token.pos),
			};
		case "variable":
			cursor.next();
			return { kind: "variable", pos: token.pos, name: token.value };
		case "ident":
			return parseKeywordOrCall(cursor, token.value, token.pos);
		case "op":
			return parseOperatorTerm(cursor, token);
		case "eof":
			throw cursor.unexpected("expected a value or filter");
	}
}

function parseOperatorTerm(cursor: TokenCursor, token: Token & { type: "op" }): Node {
	switch (token.value) {
		case ".":
			cursor.next();
			if (cursor.peek.type === "string") {
				return {
					kind: "index",
					pos: token.pos,
					target: { kind: "identity", pos: token.pos },
					key: parseString(cursor, null),
				};
			}
			return { kind: "identity", pos: token.pos };
		case "..":
			cursor.next();
			return { kind: "recurseAll", pos: token.pos };
		case "(": {
			cursor.next();
			const body = parsePipe(cursor);
			cursor.expectOp(")", "to close the parenthesis");
			return body;
		}
		case "[": {
			cursor.next();
			if (cursor.acceptOp("]")) return { kind: "array", pos: token.pos, body: null };
			const body = parsePipe(cursor);
			cursor.expectOp("]", "to close the array");
			return { kind: "array", pos: token.pos, body };
		}
		case "{":
			return parseObject(cursor);
		case "-": {
			cursor.next();
			return { kind: "negate", pos: token.pos, body: parsePostfix(cursor, false) };
		}
		default:
			throw cursor.unexpected("expected a value or filter");
	}
}

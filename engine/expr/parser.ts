import type { AssignOp, BinaryOp, FunctionDef, Node } from "./ast";
import { tokenize } from "./lexer";
import { TokenCursor } from "./parser-state";
import { parsePostfix } from "./parser-terms";

// Precedence climbing, lowest first, as in jq 1.6:
//   def | pipe (right) | comma | `//` (right) | assignment (nonassoc) | or | and
//   | comparison (nonassoc) | + - | * / % | unary minus | postfix terms.

/** Parses a whole expression; throws ExprSyntaxError. */
export function parseExpression(source: string): Node {
	return parseSource(source, 0, source);
}

/** Parses `source` (a slice of `full` starting at `base`, e.g. an interpolation). */
export function parseSource(source: string, base: number, full: string): Node {
	const cursor = new TokenCursor(tokenize(source, base, full), full);
	const node = parsePipe(cursor);
	if (cursor.peek.type !== "eof") throw cursor.unexpected("expected an operator or end");
	return node;
}

export function parsePipe(cursor: TokenCursor): Node {
	if (cursor.isKeyword("def")) {
		const def = parseDef(cursor);
		return { kind: "def", pos: def.pos, def, rest: parsePipe(cursor) };
	}
	const left = parseComma(cursor);
	if (cursor.isOp("|")) {
		const pos = cursor.next().pos;
		return { kind: "pipe", pos, left, right: parsePipe(cursor) };
	}
	return left;
}

export function parseDef(cursor: TokenCursor): FunctionDef {
	const pos = cursor.expectKeyword("def", "").pos;
	const nameToken = cursor.next();
	if (nameToken.type !== "ident")
		throw cursor.errorAt(nameToken.pos, "expected a function name after def");
	const params: string[] = [];
	if (cursor.acceptOp("(")) {
		do {
			const param = cursor.next();
			if (param.type === "ident") params.push(param.value);
			else if (param.type === "variable") params.push(`$${param.value}`);
			else throw cursor.errorAt(param.pos, "expected a parameter name");
		} while (cursor.acceptOp(";"));
		cursor.expectOp(")", "to close the parameter list");
	}
	cursor.expectOp(":", `after "def ${nameToken.value}"`);
	const body = parsePipe(cursor);
	cursor.expectOp(";", `to end the definition of ${nameToken.value}`);
	return { name: nameToken.value, params, body, pos };
}

function parseComma(cursor: TokenCursor): Node {
	let left = parseAlternative(cursor);
	while (cursor.isOp(",")) {
		const pos = cursor.next().pos;
		left = { kind: "comma", pos, left, right: parseAlternative(cursor) };
	}
	return left;
}

function parseAlternative(cursor: TokenCursor): Node {
	const left = parseAssignment(cursor);
	if (cursor.isOp("?//"))
		throw cursor.errorAt(cursor.peek.pos, "the ?// destructuring alternative is not supported");
	if (!cursor.isOp("//")) return left;
	const pos = cursor.next().pos;
	return { kind: "alternative", pos, left, right: parseAlternative(cursor) };
}

const ASSIGN_OPS = new Set(["=", "|=", "+=", "-=", "*=", "/=", "%=", "//="]);

function parseAssignment(cursor: TokenCursor): Node {
	const left = parseOr(cursor);
	const token = cursor.peek;
	if (token.type !== "op" || !ASSIGN_OPS.has(token.value)) return left;
	cursor.next();
	const right = parseAlternative(cursor);
	return { kind: "assign", pos: token.pos, op: token.value as AssignOp, left, right };
}

function parseOr(cursor: TokenCursor): Node {
	let left = parseAnd(cursor);
	while (cursor.isKeyword("or")) {
		const pos = cursor.next().pos;
		left = { kind: "or", pos, left, right: parseAnd(cursor) };
	}
	return left;
}

function parseAnd(cursor: TokenCursor): Node {
	let left = parseComparison(cursor);
	while (cursor.isKeyword("and")) {
		const pos = cursor.next().pos;
		left = { kind: "and", pos, left, right: parseComparison(cursor) };
	}
	return left;
}

const COMPARISON_OPS = new Set(["==", "!=", "<", "<=", ">", ">="]);

function parseComparison(cursor: TokenCursor): Node {
	const left = parseAdditive(cursor);
	const token = cursor.peek;
	if (token.type !== "op" || !COMPARISON_OPS.has(token.value)) return left;
	cursor.next();
	const right = parseAdditive(cursor);
	const after = cursor.peek;
	if (after.type === "op" && COMPARISON_OPS.has(after.value)) {
		throw cursor.errorAt(after.pos, "comparisons cannot be chained; use parentheses or and/or");
	}
	return { kind: "binary", pos: token.pos, op: token.value as BinaryOp, left, right };
}

function parseAdditive(cursor: TokenCursor): Node {
	let left = parseMultiplicative(cursor);
	for (;;) {
		const token = cursor.peek;
		if (token.type !== "op" || (token.value !== "+" && token.value !== "-")) return left;
		cursor.next();
		const right = parseMultiplicative(cursor);
		left = { kind: "binary", pos: token.pos, op: token.value, left, right };
	}
}

function parseMultiplicative(cursor: TokenCursor): Node {
	let left = parseUnary(cursor);
	for (;;) {
		const token = cursor.peek;
		if (
			token.type !== "op" ||
			!(token.value === "*" || token.value === "/" || token.value === "%")
		) {
			return left;
		}
		cursor.next();
		const right = parseUnary(cursor);
		left = { kind: "binary", pos: token.pos, op: token.value, left, right };
	}
}

function parseUnary(cursor: TokenCursor): Node {
	if (cursor.isOp("-")) {
		const pos = cursor.next().pos;
		return { kind: "negate", pos, body: parseMultiplicative(cursor) };
	}
	return parsePostfix(cursor, true);
}

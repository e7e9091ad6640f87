import type {
	AssignOp,
	BinaryOp,
	FunctionDef,
	IfBranch,
	Node,
	ObjectEntry,
	ObjectPatternEntry,
	Pattern,
} from "./ast";
import type { StringPart, Token } from "./lexer";
import { tokenize } from "./lexer";
import { TokenCursor } from "./parser-state";

// The jq grammar as one recursive-descent parser: every construct can contain a whole
// expression again, so its parts live together rather than in files that import each other.

// Precedence climbing, lowest first, as in jq 1.6:
//   def | pipe (right) | comma | `//` (right) | assignment (nonassoc) | or | and
//   | comparison (nonassoc) | + - | * / % | unary minus | postfix terms.

/** Parses a whole expression; throws ExprSyntaxError. */
export function parseExpression(source: string): Node {
	return parseSource(source, 0, source, 0);
}

/** Parses `source` (a slice of `full` starting at `base`, e.g. an interpolation). */
function parseSource(source: string, base: number, full: string, depth: number): Node {
	const cursor = new TokenCursor(tokenize(source, base, full), full, depth);
	const node = parsePipe(cursor);
	if (cursor.peek.type !== "eof") throw cursor.unexpected("expected an operator or end");
	return node;
}

/** Every nested expression starts here, so this is where most nesting is counted. */
function parsePipe(cursor: TokenCursor): Node {
	cursor.enter();
	let node: Node;
	if (cursor.isKeyword("def")) {
		const def = parseDef(cursor);
		node = { kind: "def", pos: def.pos, def, rest: parsePipe(cursor) };
	} else {
		const left = parseComma(cursor);
		if (cursor.isOp("|")) {
			const pos = cursor.next().pos;
			node = { kind: "pipe", pos, left, right: parsePipe(cursor) };
		} else node = left;
	}
	cursor.leave();
	return node;
}

function parseDef(cursor: TokenCursor): FunctionDef {
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

/**
 * `a, b, c, …` as a balanced tree: `,` is associative (outputs keep their order however it is
 * grouped), so a long list costs log(n) levels of nesting, not n.
 */
function parseComma(cursor: TokenCursor): Node {
	const items = [parseAlternative(cursor)];
	const positions: number[] = [];
	while (cursor.isOp(",")) {
		positions.push(cursor.next().pos);
		items.push(parseAlternative(cursor));
	}
	const group = (from: number, to: number): Node => {
		if (to - from === 1) return items[from] as Node;
		const middle = (from + to) >> 1;
		const pos = positions[middle - 1] as number;
		return { kind: "comma", pos, left: group(from, middle), right: group(middle, to) };
	};
	return group(0, items.length);
}

function parseAlternative(cursor: TokenCursor): Node {
	const left = parseAssignment(cursor);
	if (cursor.isOp("?//"))
		throw cursor.errorAt(cursor.peek.pos, "the ?// destructuring alternative is not supported");
	if (!cursor.isOp("//")) return left;
	const pos = cursor.next().pos;
	cursor.enter();
	const right = parseAlternative(cursor);
	cursor.leave();
	return { kind: "alternative", pos, left, right };
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

// A chain of left-associative operators nests one level per operator (`1 + 2 + 3` is
// `(1 + 2) + 3`): each one is counted while the chain is read.

function parseOr(cursor: TokenCursor): Node {
	let left = parseAnd(cursor);
	let levels = 0;
	while (cursor.isKeyword("or")) {
		const pos = cursor.next().pos;
		cursor.enter();
		levels++;
		left = { kind: "or", pos, left, right: parseAnd(cursor) };
	}
	cursor.leave(levels);
	return left;
}

function parseAnd(cursor: TokenCursor): Node {
	let left = parseComparison(cursor);
	let levels = 0;
	while (cursor.isKeyword("and")) {
		const pos = cursor.next().pos;
		cursor.enter();
		levels++;
		left = { kind: "and", pos, left, right: parseComparison(cursor) };
	}
	cursor.leave(levels);
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
	let levels = 0;
	for (;;) {
		const token = cursor.peek;
		if (token.type !== "op" || (token.value !== "+" && token.value !== "-")) break;
		cursor.next();
		cursor.enter();
		levels++;
		const right = parseMultiplicative(cursor);
		left = { kind: "binary", pos: token.pos, op: token.value, left, right };
	}
	cursor.leave(levels);
	return left;
}

function parseMultiplicative(cursor: TokenCursor): Node {
	let left = parseUnary(cursor);
	let levels = 0;
	for (;;) {
		const token = cursor.peek;
		if (token.type !== "op" || !(token.value === "*" || token.value === "/" || token.value === "%"))
			break;
		cursor.next();
		cursor.enter();
		levels++;
		const right = parseUnary(cursor);
		left = { kind: "binary", pos: token.pos, op: token.value, left, right };
	}
	cursor.leave(levels);
	return left;
}

function parseUnary(cursor: TokenCursor): Node {
	if (cursor.isOp("-")) {
		const pos = cursor.next().pos;
		cursor.enter();
		const body = parseMultiplicative(cursor);
		cursor.leave();
		return { kind: "negate", pos, body };
	}
	return parsePostfix(cursor, true);
}

// Postfix terms and primaries

/** A term followed by suffixes: `.a`, `[i]`, `[a:b]`, `[]`, `?`, and (if allowed) `as $x | body`. */
function parsePostfix(cursor: TokenCursor, allowBinding: boolean): Node {
	let node = parsePrimary(cursor);
	// Each suffix wraps the term so far, one level deeper (`.a.b.c` is ((.a).b).c).
	let levels = 0;
	for (;;) {
		const token = cursor.peek;
		const binding = allowBinding && token.type === "ident" && token.value === "as";
		if (!binding && !isSuffix(cursor, token)) break;
		cursor.enter();
		levels++;
		if (token.type === "field") {
			cursor.next();
			node = { kind: "index", pos: token.pos, target: node, key: literal(token.value, token.pos) };
		} else if (token.type === "op" && token.value === ".") {
			cursor.next();
			node = { kind: "index", pos: token.pos, target: node, key: parseString(cursor, null) };
		} else if (token.type === "op" && token.value === "[") {
			node = parseBracketSuffix(cursor, node);
		} else if (token.type === "op" && token.value === "?") {
			cursor.next();
			node = { kind: "try", pos: token.pos, body: node, handler: null };
		} else {
			cursor.next();
			const pattern = parsePattern(cursor);
			if (cursor.isOp("?//")) {
				throw cursor.errorAt(cursor.peek.pos, "the ?// destructuring alternative is not supported");
			}
			cursor.expectOp("|", "after the pattern of `as`");
			node = { kind: "bind", pos: token.pos, source: node, pattern, body: parsePipe(cursor) };
			break;
		}
	}
	cursor.leave(levels);
	return node;
}

/** `.name`, `."name"`, `[…]` and `?` after a term. */
function isSuffix(cursor: TokenCursor, token: Token): boolean {
	if (token.type === "field") return true;
	if (token.type !== "op") return false;
	if (token.value === ".") return cursor.peekAt(1).type === "string";
	return token.value === "[" || token.value === "?";
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
			cursor.enter();
			const body = parsePostfix(cursor, false);
			cursor.leave();
			return { kind: "negate", pos: token.pos, body };
		}
		default:
			throw cursor.unexpected("expected a value or filter");
	}
}

// Terms introduced by a word: if, try, reduce, foreach, def, label, break, true/false/null,
// and function calls.

const UNSUPPORTED_KEYWORDS: Record<string, string> = {
	import: "modules (import) are not supported",
	include: "modules (include) are not supported",
};

// Words that end an expression rather than start one; a call to them is a syntax error.
const RESERVED = new Set(["then", "elif", "else", "end", "as", "catch", "and", "or"]);

const CONSTANTS: Record<string, boolean | null> = { true: true, false: false, null: null };

function parseKeywordOrCall(cursor: TokenCursor, name: string, pos: number): Node {
	const unsupported = UNSUPPORTED_KEYWORDS[name];
	if (unsupported) throw cursor.errorAt(pos, unsupported);
	if (RESERVED.has(name)) throw cursor.unexpected("expected a value or filter");
	if (Object.hasOwn(CONSTANTS, name)) {
		cursor.next();
		return { kind: "literal", pos, value: CONSTANTS[name] ?? null };
	}
	switch (name) {
		case "if":
			return parseIf(cursor);
		case "try": {
			cursor.next();
			cursor.enter();
			const body = parsePostfix(cursor, false);
			let handler: Node | null = null;
			if (cursor.isKeyword("catch")) {
				cursor.next();
				handler = parsePostfix(cursor, false);
			}
			cursor.leave();
			return { kind: "try", pos, body, handler };
		}
		case "reduce":
		case "foreach":
			return parseFold(cursor, name, pos);
		case "def": {
			const def = parseDef(cursor);
			return { kind: "def", pos, def, rest: parsePipe(cursor) };
		}
		case "label": {
			cursor.next();
			const label = cursor.next();
			if (label.type !== "variable") throw cursor.errorAt(label.pos, "expected $name after label");
			cursor.expectOp("|", "after the label name");
			return { kind: "label", pos, name: label.value, body: parsePipe(cursor) };
		}
		case "break": {
			cursor.next();
			const label = cursor.next();
			if (label.type !== "variable") throw cursor.errorAt(label.pos, "expected $name after break");
			return { kind: "break", pos, name: label.value };
		}
		default: {
			cursor.next();
			const args: Node[] = [];
			if (cursor.acceptOp("(")) {
				do args.push(parsePipe(cursor));
				while (cursor.acceptOp(";"));
				cursor.expectOp(")", `to close the arguments of ${name}`);
			}
			return { kind: "call", pos, name, args };
		}
	}
}

function parseIf(cursor: TokenCursor): Node {
	const pos = cursor.next().pos;
	const branches: IfBranch[] = [];
	for (;;) {
		const cond = parsePipe(cursor);
		cursor.expectKeyword("then", "after the if condition");
		branches.push({ cond, body: parsePipe(cursor) });
		if (cursor.isKeyword("elif")) {
			cursor.next();
			continue;
		}
		if (cursor.isKeyword("end")) {
			throw cursor.errorAt(
				cursor.peek.pos,
				"if without else is not supported (jq 1.6); add `else . end`",
			);
		}
		cursor.expectKeyword("else", "(every if needs an else branch)");
		const otherwise = parsePipe(cursor);
		cursor.expectKeyword("end", "to close the if");
		return { kind: "if", pos, branches, otherwise };
	}
}

function parseFold(cursor: TokenCursor, name: "reduce" | "foreach", pos: number): Node {
	cursor.next();
	cursor.enter();
	const source = parsePostfix(cursor, false);
	cursor.leave();
	cursor.expectKeyword("as", `after the ${name} source`);
	const pattern = parsePattern(cursor);
	cursor.expectOp("(", `to start the ${name} body`);
	const init = parsePipe(cursor);
	cursor.expectOp(";", `after the ${name} initial value`);
	const update = parsePipe(cursor);
	if (name === "reduce") {
		cursor.expectOp(")", "to close reduce");
		return { kind: "reduce", pos, source, pattern, init, update };
	}
	const extract = cursor.acceptOp(";") ? parsePipe(cursor) : null;
	cursor.expectOp(")", "to close foreach");
	return { kind: "foreach", pos, source, pattern, init, update, extract };
}

// Literal-ish terms: strings (with interpolation) and object construction.

/** Parses a string token; interpolations are parsed as full expressions at their own offset. */
function parseString(cursor: TokenCursor, format: string | null): Node {
	const token = cursor.next();
	if (token.type !== "string") throw cursor.errorAt(token.pos, "expected a string");
	const parts = token.parts.map((part: StringPart) =>
		"text" in part ? part.text : parseSource(part.source, part.offset, cursor.source, cursor.depth),
	);
	if (format === null && parts.length === 1 && typeof parts[0] === "string") {
		return { kind: "literal", pos: token.pos, value: parts[0] };
	}
	return { kind: "string", pos: token.pos, parts, format };
}

function parseObject(cursor: TokenCursor): Node {
	const pos = cursor.next().pos;
	cursor.enter();
	const entries: ObjectEntry[] = [];
	if (!cursor.isOp("}")) {
		do entries.push(parseObjectEntry(cursor));
		while (cursor.acceptOp(","));
	}
	cursor.expectOp("}", "to close the object (values with operators need parentheses)");
	cursor.leave();
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
	cursor.enter();
	const right = parseObjectValue(cursor);
	cursor.leave();
	return { kind: "pipe", pos, left, right };
}

// Destructuring patterns

/** Destructuring patterns for `as`, `reduce` and `foreach`: `$x`, `[$a, $b]`, `{a: $x, $b}`. */
function parsePattern(cursor: TokenCursor): Pattern {
	cursor.enter();
	const pattern = parsePatternLevel(cursor);
	cursor.leave();
	return pattern;
}

function parsePatternLevel(cursor: TokenCursor): Pattern {
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

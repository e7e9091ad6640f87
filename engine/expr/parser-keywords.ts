import type { IfBranch, Node } from "./ast";
import { parseDef, parsePipe } from "./parser";
import { parsePattern } from "./parser-patterns";
import type { TokenCursor } from "./parser-state";
import { parsePostfix } from "./parser-terms";

// Terms introduced by a word: if, try, reduce, foreach, def, label, break, true/false/null,
// and function calls.

const UNSUPPORTED_KEYWORDS: Record<string, string> = {
	import: "modules (import) are not supported",
	include: "modules (include) are not supported",
};

// Words that end an expression rather than start one; a call to them is a syntax error.
const RESERVED = new Set(["then", "elif", "else", "end", "as", "catch", "and", "or"]);

const CONSTANTS: Record<string, boolean | null> = { true: true, false: false, null: null };

export function parseKeywordOrCall(cursor: TokenCursor, name: string, pos: number): Node {
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
			const body = parsePostfix(cursor, false);
			if (!cursor.isKeyword("catch")) return { kind: "try", pos, body, handler: null };
			cursor.next();
			return { kind: "try", pos, body, handler: parsePostfix(cursor, false) };
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
	const source = parsePostfix(cursor, false);
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

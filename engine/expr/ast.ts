// The parsed form of an expression. Every node carries `pos` (source offset) for messages.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export type ArithmeticOp = "+" | "-" | "*" | "/" | "%";
export type ComparisonOp = "==" | "!=" | "<" | "<=" | ">" | ">=";
export type BinaryOp = ArithmeticOp | ComparisonOp;
export type AssignOp = "=" | "|=" | "+=" | "-=" | "*=" | "/=" | "%=" | "//=";

export type Node =
	| { kind: "identity"; pos: number }
	| { kind: "recurseAll"; pos: number }
	| { kind: "literal"; pos: number; value: Json }
	| { kind: "string"; pos: number; parts: (string | Node)[]; format: string | null }
	| { kind: "format"; pos: number; name: string }
	| { kind: "index"; pos: number; target: Node; key: Node }
	| { kind: "slice"; pos: number; target: Node; from: Node | null; to: Node | null }
	| { kind: "iterate"; pos: number; target: Node }
	| { kind: "try"; pos: number; body: Node; handler: Node | null }
	| { kind: "array"; pos: number; body: Node | null }
	| { kind: "object"; pos: number; entries: ObjectEntry[] }
	| { kind: "negate"; pos: number; body: Node }
	| { kind: "pipe"; pos: number; left: Node; right: Node }
	| { kind: "comma"; pos: number; left: Node; right: Node }
	| { kind: "binary"; pos: number; op: BinaryOp; left: Node; right: Node }
	| { kind: "and"; pos: number; left: Node; right: Node }
	| { kind: "or"; pos: number; left: Node; right: Node }
	| { kind: "alternative"; pos: number; left: Node; right: Node }
	| { kind: "assign"; pos: number; op: AssignOp; left: Node; right: Node }
	| { kind: "if"; pos: number; branches: IfBranch[]; otherwise: Node }
	| { kind: "reduce"; pos: number; source: Node; pattern: Pattern; init: Node; update: Node }
	| {
			kind: "foreach";
			pos: number;
			source: Node;
			pattern: Pattern;
			init: Node;
			update: Node;
			extract: Node | null;
	  }
	| { kind: "bind"; pos: number; source: Node; pattern: Pattern; body: Node }
	| { kind: "variable"; pos: number; name: string }
	| { kind: "call"; pos: number; name: string; args: Node[] }
	| { kind: "def"; pos: number; def: FunctionDef; rest: Node }
	| { kind: "label"; pos: number; name: string; body: Node }
	| { kind: "break"; pos: number; name: string };

export interface IfBranch {
	cond: Node;
	body: Node;
}

/** `{a}`, `{$x}`, `{"k": v}`, `{(expr): v}`; `value` null means the shorthand form. */
export interface ObjectEntry {
	key: Node;
	value: Node;
}

export interface FunctionDef {
	name: string;
	/** Parameter names; `$x` parameters keep their `$`. */
	params: string[];
	body: Node;
	pos: number;
}

export type Pattern =
	| { kind: "variable"; name: string; pos: number }
	| { kind: "array"; items: Pattern[]; pos: number }
	| { kind: "object"; entries: ObjectPatternEntry[]; pos: number };

/** `$name` (binds and reads key "name"), `key: pattern`, `$name: pattern`, `(expr): pattern`. */
export interface ObjectPatternEntry {
	key: Node;
	keyVariable: string | null;
	value: Pattern | null;
}

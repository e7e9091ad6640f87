import { syntaxErrorAt } from "./errors";

// Tokens carry their source offset so the parser can point at them in errors.
export type Token =
	| { type: "number"; value: number; pos: number; end: number }
	| { type: "string"; parts: StringPart[]; pos: number; end: number }
	| { type: "ident"; value: string; pos: number; end: number }
	| { type: "field"; value: string; pos: number; end: number }
	| { type: "variable"; value: string; pos: number; end: number }
	| { type: "format"; value: string; pos: number; end: number }
	| { type: "op"; value: string; pos: number; end: number }
	| { type: "eof"; pos: number; end: number };

/** A string literal is literal text and `\(...)` interpolations (kept as source slices). */
export type StringPart = { text: string } | { source: string; offset: number };

// Longest first so that `//=` wins over `//` and `/`.
const OPERATORS = [
	"?//",
	"//=",
	"|=",
	"+=",
	"-=",
	"*=",
	"/=",
	"%=",
	"==",
	"!=",
	"<=",
	">=",
	"//",
	"..",
	"|",
	",",
	"+",
	"-",
	"*",
	"/",
	"%",
	"=",
	"<",
	">",
	"(",
	")",
	"[",
	"]",
	"{",
	"}",
	":",
	";",
	".",
	"?",
];

const isIdentStart = (c: string) => /[A-Za-z_]/.test(c);
const isIdentChar = (c: string) => /[A-Za-z0-9_]/.test(c);
const isDigit = (c: string) => c >= "0" && c <= "9";

export function tokenize(source: string, base = 0, full = source): Token[] {
	const tokens: Token[] = [];
	let i = 0;
	const fail = (at: number, reason: string) => syntaxErrorAt(full, base + at, reason);
	while (i < source.length) {
		const c = source[i] as string;
		if (c === " " || c === "\t" || c === "\n" || c === "\r") {
			i++;
			continue;
		}
		if (c === "#") {
			while (i < source.length && source[i] !== "\n") i++;
			continue;
		}
		const start = i;
		if (c === '"') {
			const { parts, end } = scanString(source, i, base, full, 0);
			tokens.push({ type: "string", parts, pos: base + start, end: base + end });
			i = end;
			continue;
		}
		if (isDigit(c) || (c === "." && isDigit(source[i + 1] ?? ""))) {
			const match = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(source.slice(i));
			const text = match?.[0] ?? c;
			tokens.push({
				type: "number",
				value: Number(text),
				pos: base + i,
				end: base + i + text.length,
			});
			i += text.length;
			continue;
		}
		if (isIdentStart(c)) {
			while (i < source.length && isIdentChar(source[i] as string)) i++;
			if (source.startsWith("::", i)) throw fail(i, "modules (name::function) are not supported");
			tokens.push({
				type: "ident",
				value: source.slice(start, i),
				pos: base + start,
				end: base + i,
			});
			continue;
		}
		if (c === "$" || c === "@") {
			i++;
			if (c === "$" && source.startsWith("__loc__", i)) {
				throw fail(start, "$__loc__ is not supported");
			}
			while (i < source.length && isIdentChar(source[i] as string)) i++;
			const name = source.slice(start + 1, i);
			if (!name || !isIdentStart(name[0] as string)) {
				throw fail(start, `expected a name after "${c}"`);
			}
			const type = c === "$" ? "variable" : "format";
			tokens.push({ type, value: name, pos: base + start, end: base + i });
			continue;
		}
		if (c === "." && isIdentStart(source[i + 1] ?? "")) {
			i++;
			while (i < source.length && isIdentChar(source[i] as string)) i++;
			tokens.push({
				type: "field",
				value: source.slice(start + 1, i),
				pos: base + start,
				end: base + i,
			});
			continue;
		}
		const op = OPERATORS.find((candidate) => source.startsWith(candidate, i));
		if (!op) throw fail(i, `unexpected character ${JSON.stringify(c)}`);
		tokens.push({ type: "op", value: op, pos: base + i, end: base + i + op.length });
		i += op.length;
	}
	tokens.push({ type: "eof", pos: base + source.length, end: base + source.length });
	return tokens;
}

const ESCAPES: Record<string, string> = {
	'"': '"',
	"\\": "\\",
	"/": "/",
	b: "\b",
	f: "\f",
	n: "\n",
	r: "\r",
	t: "\t",
};

/**
 * Strings inside interpolations inside strings…: each level is scanned again when its
 * interpolation is parsed, so the depth is capped to keep lexing linear in practice.
 */
export const MAX_STRING_NESTING = 16;

/** Scans a string literal starting at the opening quote; returns parts and the offset after it. */
function scanString(
	source: string,
	open: number,
	base: number,
	full: string,
	nesting: number,
): { parts: StringPart[]; end: number } {
	if (nesting > MAX_STRING_NESTING) {
		throw syntaxErrorAt(
			full,
			base + open,
			`strings nest more than ${MAX_STRING_NESTING} deep inside string interpolations`,
		);
	}
	const parts: StringPart[] = [];
	let text = "";
	let i = open + 1;
	while (i < source.length) {
		const c = source[i] as string;
		if (c === '"') {
			if (text || parts.length === 0) parts.push({ text });
			return { parts, end: i + 1 };
		}
		if (c !== "\\") {
			text += c;
			i++;
			continue;
		}
		const next = source[i + 1] ?? "";
		if (next === "(") {
			const close = findInterpolationEnd(source, i + 2, base, full, nesting);
			if (text) parts.push({ text });
			text = "";
			parts.push({ source: source.slice(i + 2, close), offset: base + i + 2 });
			i = close + 1;
		} else if (next === "u") {
			const hex = source.slice(i + 2, i + 6);
			if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw syntaxErrorAt(full, base + i, "invalid \\u escape");
			text += String.fromCharCode(Number.parseInt(hex, 16));
			i += 6;
		} else if (next in ESCAPES) {
			text += ESCAPES[next];
			i += 2;
		} else {
			throw syntaxErrorAt(full, base + i, `invalid escape "\\${next}" in string`);
		}
	}
	throw syntaxErrorAt(full, base + open, "unterminated string");
}

/** Finds the `)` closing an interpolation by tokenizing (so nested strings/parens are honoured). */
function findInterpolationEnd(
	source: string,
	from: number,
	base: number,
	full: string,
	nesting: number,
): number {
	let depth = 0;
	let i = from;
	while (i < source.length) {
		const c = source[i] as string;
		if (c === '"') {
			i = scanString(source, i, base, full, nesting + 1).end;
			continue;
		}
		if (c === "#") {
			while (i < source.length && source[i] !== "\n") i++;
			continue;
		}
		if (c === "(") depth++;
		if (c === ")") {
			if (depth === 0) return i;
			depth--;
		}
		i++;
	}
	throw syntaxErrorAt(full, base + from - 2, "unterminated string interpolation \\(");
}

import { syntaxErrorAt } from "./errors";
import { MAX_STRING_NESTING } from "./lexer";

// Finding `{{ expr }}` templates inside strings. The scanner understands jq string literals
// (including `\(...)` interpolation) and braces, so `{{ {a: {b: 1}} }}` and `{{ "}}" }}` work.
// A literal `{{` in output is written as a template of a string: `{{ "{{" }}`.

export interface TemplateSpan {
	/** The expression text between the braces (untrimmed). */
	expr: string;
	/** Offset of the opening `{{` in the string. */
	offset: number;
	/** Offset of the expression text (just after `{{`). */
	exprOffset: number;
	/** Length of the whole template including braces. */
	length: number;
}

/** All templates in `text`, in order. Throws ExprSyntaxError for an unterminated `{{`. */
export function templatesIn(text: string): TemplateSpan[] {
	const spans: TemplateSpan[] = [];
	let from = 0;
	for (;;) {
		const open = text.indexOf("{{", from);
		if (open < 0) return spans;
		const exprOffset = open + 2;
		const close = findClose(text, exprOffset);
		if (close < 0)
			throw syntaxErrorAt(text, open, "unterminated template: `{{` without a matching `}}`");
		spans.push({
			expr: text.slice(exprOffset, close),
			offset: open,
			exprOffset,
			length: close + 2 - open,
		});
		from = close + 2;
	}
}

function findClose(text: string, start: number): number {
	let depth = 0;
	let i = start;
	while (i < text.length) {
		const c = text[i];
		if (c === '"') {
			i = skipString(text, i, 0);
			continue;
		}
		if (c === "{") depth++;
		else if (c === "}") {
			if (depth === 0 && text[i + 1] === "}") return i;
			if (depth > 0) depth--;
		}
		i++;
	}
	return -1;
}

/** Returns the offset after the string literal starting at `open` (or the end of text). */
function skipString(text: string, open: number, nesting: number): number {
	// The lexer refuses deeper nesting anyway; stopping here keeps this recursion shallow.
	if (nesting > MAX_STRING_NESTING)
		throw syntaxErrorAt(text, open, `strings nest more than ${MAX_STRING_NESTING} deep`);
	let i = open + 1;
	while (i < text.length) {
		const c = text[i];
		if (c === '"') return i + 1;
		if (c === "\\" && text[i + 1] === "(") {
			let depth = 0;
			i += 2;
			while (i < text.length) {
				const d = text[i];
				if (d === '"') {
					i = skipString(text, i, nesting + 1);
					continue;
				}
				if (d === "(") depth++;
				if (d === ")") {
					if (depth === 0) break;
					depth--;
				}
				i++;
			}
			i++;
			continue;
		}
		i += c === "\\" ? 2 : 1;
	}
	return text.length;
}

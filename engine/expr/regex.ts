import type { Json } from "./ast";
import { ExprLimitError } from "./errors";
import type { Budget } from "./limits";
import { fail } from "./runtime";
import { describeValue } from "./values";

// jq regexes (Oniguruma) mapped onto JS RegExp. Patterns whose backtracking can explode are
// refused, because a running RegExp cannot be interrupted by the step budget.

export interface CompiledRegex {
	regex: RegExp;
	global: boolean;
	skipEmpty: boolean;
	/** Capture group names by group number (1-based; index 0 unused), null when unnamed. */
	names: (string | null)[];
}

const cache = new Map<string, CompiledRegex>();
const CACHE_LIMIT = 256;

export function compileRegex(pattern: Json, flags: Json): CompiledRegex {
	if (typeof pattern !== "string")
		return fail(`${describeValue(pattern)} cannot be matched, as it is not a string`);
	if (flags !== null && typeof flags !== "string")
		return fail(`${describeValue(flags)} is not a string`);
	const cacheKey = `${flags ?? ""}\u0000${pattern}`;
	const cached = cache.get(cacheKey);
	if (cached) return cached;
	let jsFlags = "dg";
	let global = false;
	let skipEmpty = false;
	let source = pattern;
	for (const flag of flags ?? "") {
		switch (flag) {
			case "g":
				global = true;
				break;
			case "i":
				jsFlags += "i";
				break;
			case "x":
				source = stripExtended(source);
				break;
			case "n":
				skipEmpty = true;
				break;
			case "s":
			case "l":
				// Single-line (^ and $ only at the ends) is already JS's default; longest-match has no JS equivalent.
				break;
			case "p":
				jsFlags += "s";
				break;
			default:
				return fail(`${flags} is not a valid modifier string`);
		}
	}
	rejectNestedQuantifiers(source);
	const compiled: CompiledRegex = {
		regex: build(source, jsFlags),
		global,
		skipEmpty,
		names: groupNames(source),
	};
	if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
	cache.set(cacheKey, compiled);
	return compiled;
}

function build(source: string, flags: string): RegExp {
	try {
		return new RegExp(source, `${flags}u`);
	} catch {
		try {
			return new RegExp(source, flags);
		} catch (e) {
			return fail(
				`${JSON.stringify(source)} (at offset 0) is not a valid regex: ${(e as Error).message}`,
			);
		}
	}
}

/** Extended mode: whitespace and `#` comments outside character classes are ignored. */
function stripExtended(source: string): string {
	let out = "";
	let inClass = false;
	for (let i = 0; i < source.length; i++) {
		const c = source[i] as string;
		if (c === "\\") {
			out += c + (source[i + 1] ?? "");
			i++;
		} else if (inClass) {
			if (c === "]") inClass = false;
			out += c;
		} else if (c === "[") {
			inClass = true;
			out += c;
		} else if (c === "#") {
			while (i < source.length && source[i] !== "\n") i++;
		} else if (!/\s/.test(c)) {
			out += c;
		}
	}
	return out;
}

function groupNames(source: string): (string | null)[] {
	const names: (string | null)[] = [null];
	let inClass = false;
	for (let i = 0; i < source.length; i++) {
		const c = source[i];
		if (c === "\\") i++;
		else if (inClass) inClass = c !== "]";
		else if (c === "[") inClass = true;
		else if (c === "(") {
			if (source[i + 1] !== "?") names.push(null);
			else {
				const named = /^\(\?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(source.slice(i));
				if (named) names.push(named[1] as string);
			}
		}
	}
	return names;
}

/** Refuses `(a+)+`-style patterns: a repeated group that itself contains repetition. */
function rejectNestedQuantifiers(source: string): void {
	const groups: boolean[] = [false];
	let closedGroupRepeats = false;
	let previousWasGroup = false;
	let inClass = false;
	for (let i = 0; i < source.length; i++) {
		const c = source[i] as string;
		if (c === "\\") {
			i++;
			previousWasGroup = false;
			continue;
		}
		if (inClass) {
			inClass = c !== "]";
			continue;
		}
		const repeats = c === "*" || c === "+" || (c === "{" && /^\{\d*,?\d*\}/.test(source.slice(i)));
		if (repeats) {
			if (previousWasGroup && closedGroupRepeats) {
				throw new ExprLimitError(
					"regex",
					0,
					`the pattern ${JSON.stringify(source)} repeats a group that already repeats (catastrophic backtracking risk); simplify it`,
				);
			}
			groups[groups.length - 1] = true;
		}
		if (c === "[") inClass = true;
		if (c === "(") groups.push(false);
		if (c === ")" && groups.length > 1) {
			closedGroupRepeats = groups.pop() as boolean;
			if (closedGroupRepeats) groups[groups.length - 1] = true;
			previousWasGroup = true;
			continue;
		}
		if (!(c === "?" && previousWasGroup)) previousWasGroup = false;
	}
}

/** Converts UTF-16 offsets to code point offsets (jq reports code points). */
function codePointOffsets(text: string): ((utf16: number) => number) | null {
	if (!/[\ud800-\udfff]/.test(text)) return null;
	const table = new Int32Array(text.length + 1);
	let cp = 0;
	for (let i = 0; i < text.length; i++) {
		table[i] = cp;
		const code = text.charCodeAt(i);
		if (!(code >= 0xdc00 && code <= 0xdfff && i > 0)) cp++;
	}
	table[text.length] = cp;
	return (utf16) => table[utf16] ?? cp;
}

/** All matches as jq match objects; without the g flag at most one. */
export function matchAll(text: Json, re: CompiledRegex, budget: Budget): Json[] {
	if (typeof text !== "string")
		return fail(`${describeValue(text)} cannot be matched, as it is not a string`);
	const toCp = codePointOffsets(text) ?? ((n: number) => n);
	const regex = re.regex;
	const out: Json[] = [];
	let start = 0;
	do {
		budget.step();
		regex.lastIndex = start;
		const m = regex.exec(text);
		if (!m?.indices) break;
		const [from, to] = m.indices[0] as [number, number];
		if (!(re.skipEmpty && from === to)) out.push(matchObject(text, m, re.names, toCp));
		start = to === from ? to + 1 : to;
		budget.checkArrayLength(out.length);
	} while (re.global && start < text.length);
	return out;
}

function matchObject(
	text: string,
	m: RegExpExecArray,
	names: (string | null)[],
	toCp: (n: number) => number,
): Json {
	const [from, to] = (m.indices as RegExpIndicesArray)[0] as [number, number];
	const captures: Json[] = [];
	for (let g = 1; g < m.length; g++) {
		const span = m.indices?.[g];
		const name = names[g] ?? null;
		if (!span) captures.push({ offset: -1, string: null, length: 0, name });
		else {
			const [a, b] = span;
			captures.push({ offset: toCp(a), length: toCp(b) - toCp(a), string: text.slice(a, b), name });
		}
	}
	return {
		offset: toCp(from),
		length: toCp(to) - toCp(from),
		string: text.slice(from, to),
		captures,
	};
}

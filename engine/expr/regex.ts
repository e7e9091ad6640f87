import { RE2JS } from "re2js";
import type { Json } from "./ast";
import type { Budget } from "./limits";
import { COSTS } from "./limits";
import { fail } from "./runtime";
import { hasSurrogates } from "./text";
import { describeValue } from "./values";

// jq regexes (Oniguruma) run by RE2 (re2js): matching takes time linear in the input, so no
// pattern or input can stall the run (a running JavaScript RegExp can backtrack for minutes and
// nothing, not the step budget, can interrupt it). RE2 has no lookaround or backreferences:
// such patterns are refused with a clear error.

export interface CompiledRegex {
	regex: RE2JS;
	global: boolean;
	skipEmpty: boolean;
	/** Capture group names by group number (1-based; index 0 unused), null when unnamed. */
	names: (string | null)[];
}

const cache = new Map<string, CompiledRegex>();
const CACHE_LIMIT = 256;

export function compileRegex(pattern: Json, flags: Json, budget: Budget): CompiledRegex {
	if (typeof pattern !== "string")
		return fail(`${describeValue(pattern)} cannot be matched, as it is not a string`);
	if (flags !== null && typeof flags !== "string")
		return fail(`${describeValue(flags)} is not a string`);
	const cacheKey = `${flags ?? ""}\u0000${pattern}`;
	const cached = cache.get(cacheKey);
	if (cached) return cached;
	// Compiling costs in proportion to the program, which repetitions (`a{1000}`) make far
	// larger than the pattern: the text is charged before, the program after.
	budget.spend(COSTS.regexCompile, pattern.length);
	let re2Flags = 0;
	let global = false;
	let skipEmpty = false;
	let source = pattern;
	for (const flag of flags ?? "") {
		switch (flag) {
			case "g":
				global = true;
				break;
			case "i":
				re2Flags |= RE2JS.CASE_INSENSITIVE;
				break;
			case "x":
				source = stripExtended(source);
				break;
			case "n":
				skipEmpty = true;
				break;
			case "s":
			case "l":
				// Single-line (^ and $ only at the ends) is already RE2's default; longest-match is not offered.
				break;
			case "p":
				re2Flags |= RE2JS.DOTALL;
				break;
			default:
				return fail(`${flags} is not a valid modifier string`);
		}
	}
	const regex = build(source, re2Flags);
	budget.spend(COSTS.regexCompile, regex.programSize());
	const compiled: CompiledRegex = { regex, global, skipEmpty, names: groupNames(source) };
	if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
	cache.set(cacheKey, compiled);
	return compiled;
}

function build(source: string, flags: number): RE2JS {
	try {
		return RE2JS.compile(source, flags);
	} catch (e) {
		return fail(
			`${JSON.stringify(source)} (at offset 0) is not a valid regex (RE2 syntax; no lookaround or backreferences): ${(e as Error).message}`,
		);
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

/** Converts UTF-16 offsets to code point offsets (jq reports code points). */
function codePointOffsets(text: string, budget: Budget): ((utf16: number) => number) | null {
	if (!hasSurrogates(text, budget)) return null;
	budget.codePoints(text.length);
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
	const toCp = codePointOffsets(text, budget) ?? ((n: number) => n);
	const matcher = re.regex.matcher(text);
	// RE2 runs every live state of the program over each character it scans, so a search
	// costs up to (characters scanned × program size); charged after each search, which
	// RE2 keeps linear, so one search is bounded and the next one is refused.
	const program = re.regex.programSize();
	// re2js backtracks over inputs up to 256 Kib of (characters × instructions) and sets up its
	// NFA, at a larger fixed cost, for every search of a longer one.
	const search = text.length * program <= 262_144 ? COSTS.regexSearch : COSTS.regexSearchLong;
	const out: Json[] = [];
	let start = 0;
	do {
		budget.spend(search, 1);
		if (!matcher.find(start)) {
			budget.spend(COSTS.regexScan, (text.length - start) * program);
			break;
		}
		const from = matcher.start(0);
		const to = matcher.end(0);
		budget.spend(COSTS.regexScan, (to - start + 1) * program);
		if (!(re.skipEmpty && from === to)) {
			// A match object: four keys, and one object of four keys per capture group.
			budget.keys(4 * (1 + re.names.length), 4);
			out.push(matchObject(text, matcher, re.names, toCp));
		}
		start = to === from ? to + 1 : to;
		budget.checkArrayLength(out.length);
	} while (re.global && start < text.length);
	return out;
}

function matchObject(
	text: string,
	m: ReturnType<RE2JS["matcher"]>,
	names: (string | null)[],
	toCp: (n: number) => number,
): Json {
	const from = m.start(0);
	const to = m.end(0);
	const captures: Json[] = [];
	for (let g = 1; g <= m.groupCount(); g++) {
		const a = m.start(g);
		const b = m.end(g);
		const name = names[g] ?? null;
		if (a < 0) captures.push({ offset: -1, string: null, length: 0, name });
		else
			captures.push({ offset: toCp(a), length: toCp(b) - toCp(a), string: text.slice(a, b), name });
	}
	return {
		offset: toCp(from),
		length: toCp(to) - toCp(from),
		string: text.slice(from, to),
		captures,
	};
}

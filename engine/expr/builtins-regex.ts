import type { Json } from "./ast";
import type { BuiltinFactory, BuiltinTable } from "./builtins-helpers";
import { eachArgs, generatorBuiltin, valueBuiltin } from "./builtins-helpers";
import type { Budget } from "./limits";
import { compileRegex, matchAll } from "./regex";
import type { Compiled } from "./runtime";
import { fail, fromRun } from "./runtime";
import { codePointsOf } from "./text";
import { describeValue, isObject, setKey } from "./values";

// Regex built-ins: test, match, capture, scan, split/2, splits, sub, gsub.

/** `match($val)`: $val is a regex string or `[regex, flags]`. */
function unpack(value: Json): [Json, Json] {
	if (typeof value === "string") return [value, null];
	if (Array.isArray(value) && value.length > 0) return [value[0] ?? null, value[1] ?? null];
	return fail(`${describeValue(value)} not a string or array`);
}

function matches(
	input: Json,
	pattern: Json,
	flags: Json,
	budget: Budget,
	forceGlobal = false,
): Json[] {
	const re = compileRegex(
		pattern,
		forceGlobal ? `g${typeof flags === "string" ? flags : ""}` : flags,
		budget,
	);
	return matchAll(input, re, budget);
}

function captureObject(match: Json): { [key: string]: Json } {
	const out: { [key: string]: Json } = {};
	const captures = isObject(match) && Array.isArray(match.captures) ? match.captures : [];
	for (const capture of captures) {
		if (isObject(capture) && typeof capture.name === "string")
			setKey(out, capture.name, capture.string ?? null);
	}
	return out;
}

function segments(input: Json, pattern: Json, flags: Json, budget: Budget): Json[] {
	const found = matches(input, pattern, flags, budget, true);
	const text = codePointsOf(input as string, budget);
	const out: Json[] = [];
	let previous = 0;
	for (const m of found) {
		const { offset, length } = m as { offset: number; length: number };
		out.push(text.slice(previous, offset).join(""));
		previous = offset + length;
	}
	out.push(text.slice(previous).join(""));
	return out;
}

/** sub/gsub: the replacement filter runs on the capture object of each match. */
function substitute(global: boolean): BuiltinFactory {
	return (args) => {
		const [pattern, replacement, flagsArg] = args as [Compiled, Compiled, Compiled | undefined];
		return fromRun((input, s, budget, emit) => {
			const valueArgs = flagsArg ? [pattern, flagsArg] : [pattern];
			eachArgs(valueArgs, input, s, budget, "last-outer", ([re, flags]) => {
				const mode = `${global ? "g" : ""}${typeof flags === "string" ? flags : ""}`;
				const found = matchAll(input, compileRegex(re ?? null, mode || null, budget), budget);
				const text = codePointsOf(input as string, budget);
				// Every combination of replacement outputs, in match order.
				const build = (at: number, previous: number, acc: string): void => {
					const m = found[at] as { offset: number; length: number } | undefined;
					if (!m) {
						emit(budget.checkString(acc + text.slice(previous).join("")));
						return;
					}
					const before = acc + text.slice(previous, m.offset).join("");
					replacement.run(captureObject(m as unknown as Json), s, budget, (r) => {
						if (typeof r !== "string") fail(`${describeValue(r)} cannot be added to a string`);
						build(at + 1, m.offset + m.length, before + r);
					});
				};
				build(0, 0, "");
			});
		});
	};
}

export const regexBuiltins: BuiltinTable = {
	"test/1": valueBuiltin((input, [val], budget) => {
		const [re, flags] = unpack(val ?? null);
		return matches(input, re, flags, budget).length > 0;
	}),
	"test/2": valueBuiltin(
		(input, [re, flags], budget) => matches(input, re ?? null, flags ?? null, budget).length > 0,
	),
	"match/1": generatorBuiltin((input, [val], budget, emit) => {
		const [re, flags] = unpack(val ?? null);
		for (const m of matches(input, re, flags, budget)) emit(m);
	}),
	"match/2": generatorBuiltin((input, [re, flags], budget, emit) => {
		for (const m of matches(input, re ?? null, flags ?? null, budget)) emit(m);
	}),
	"capture/1": generatorBuiltin((input, [val], budget, emit) => {
		const [re, flags] = unpack(val ?? null);
		for (const m of matches(input, re, flags, budget)) emit(captureObject(m));
	}),
	"capture/2": generatorBuiltin((input, [re, flags], budget, emit) => {
		for (const m of matches(input, re ?? null, flags ?? null, budget)) emit(captureObject(m));
	}),
	"scan/1": generatorBuiltin((input, [re], budget, emit) => {
		for (const m of matches(input, re ?? null, "g", budget)) {
			const { captures, string } = m as { captures: { string: Json }[]; string: Json };
			emit(captures.length > 0 ? captures.map((c) => c.string) : string);
		}
	}),
	"split/2": valueBuiltin(
		(input, [re, flags], budget) => segments(input, re ?? null, flags ?? null, budget),
		"first-outer",
	),
	"splits/1": generatorBuiltin((input, [re], budget, emit) => {
		for (const part of segments(input, re ?? null, null, budget)) emit(part);
	}, "first-outer"),
	"splits/2": generatorBuiltin((input, [re, flags], budget, emit) => {
		for (const part of segments(input, re ?? null, flags ?? null, budget)) emit(part);
	}, "first-outer"),
	"sub/2": substitute(false),
	"sub/3": substitute(false),
	"gsub/2": substitute(true),
	"gsub/3": substitute(true),
};

import type { Json } from "./ast";
import type { BuiltinTable } from "./builtins-helpers";
import { valueBuiltin } from "./builtins-helpers";
import type { Budget } from "./limits";
import { splitString } from "./operators";
import { fail } from "./runtime";
import { codePointsOf } from "./text";
import { describeValue, isObject, preview, toJson } from "./values";

// String built-ins that do not involve regular expressions.

function requireStrings(name: string, input: Json, arg: Json): [string, string] {
	if (typeof input !== "string" || typeof arg !== "string")
		return fail(`${name}() requires string inputs`);
	return [input, arg];
}

function implode(input: Json, budget: Budget): Json {
	if (!Array.isArray(input)) return fail("implode input must be an array");
	budget.checkStringLength(input.length * 2);
	budget.codePoints(input.length);
	let out = "";
	for (const code of input) {
		if (
			typeof code !== "number" ||
			!Number.isInteger(code) ||
			code < 0 ||
			code > 0x10ffff ||
			(code >= 0xd800 && code <= 0xdfff)
		) {
			return fail(
				`implode input must be an array of valid Unicode code points (got ${preview(code)})`,
			);
		}
		out += String.fromCodePoint(code);
	}
	return out;
}

/** jq 1.6's `join`: null is empty, numbers and booleans are printed, anything else is an error. */
function join(input: Json, separator: Json, budget: Budget): Json {
	const items = Array.isArray(input)
		? input
		: isObject(input)
			? Object.values(input)
			: fail(`Cannot iterate over ${describeValue(input)}`);
	if (items.length === 0) return "";
	if (typeof separator !== "string") {
		return fail(
			`${describeValue(separator)} cannot be used as a separator: join requires a string`,
		);
	}
	let out = "";
	let length = 0;
	for (const [i, item] of items.entries()) {
		budget.step();
		let text: string;
		if (item === null) text = "";
		else if (typeof item === "string") text = item;
		else if (typeof item === "number" || typeof item === "boolean") text = toJson(item, budget);
		else
			return fail(
				`string (${JSON.stringify(out.slice(0, 8))}) and ${describeValue(item)} cannot be added`,
			);
		const piece = i === 0 ? text : separator + text;
		length += piece.length;
		budget.checkStringLength(length);
		out += piece;
	}
	budget.chars(out.length);
	return out;
}

function asciiCase(input: Json, upper: boolean, budget: Budget): Json {
	if (typeof input !== "string")
		return fail(`${describeValue(input)} cannot be case-converted, as it is not a string`);
	budget.chars(input.length * 2);
	return input.replace(upper ? /[a-z]+/g : /[A-Z]+/g, (run) =>
		upper ? run.toUpperCase() : run.toLowerCase(),
	);
}

/** Comparing a prefix or suffix scans at most its length (and copies the rest when trimming). */
function affix(text: string, part: string, budget: Budget): void {
	budget.chars(Math.min(text.length, part.length));
}

export const stringBuiltins: BuiltinTable = {
	"startswith/1": valueBuiltin((input, [prefix], budget) => {
		const [text, start] = requireStrings("startswith", input, prefix ?? null);
		affix(text, start, budget);
		return text.startsWith(start);
	}),
	"endswith/1": valueBuiltin((input, [suffix], budget) => {
		const [text, end] = requireStrings("endswith", input, suffix ?? null);
		affix(text, end, budget);
		return text.endsWith(end);
	}),
	"ltrimstr/1": valueBuiltin((input, [prefix], budget) => {
		if (typeof input !== "string" || typeof prefix !== "string") return input;
		affix(input, prefix, budget);
		if (!input.startsWith(prefix)) return input;
		budget.chars(input.length - prefix.length);
		return input.slice(prefix.length);
	}),
	"rtrimstr/1": valueBuiltin((input, [suffix], budget) => {
		if (typeof input !== "string" || typeof suffix !== "string" || suffix.length === 0)
			return input;
		affix(input, suffix, budget);
		if (!input.endsWith(suffix)) return input;
		budget.chars(input.length - suffix.length);
		return input.slice(0, input.length - suffix.length);
	}),
	"explode/0": valueBuiltin((input, _args, budget) => {
		if (typeof input !== "string")
			return fail(`${describeValue(input)} cannot be exploded, as it is not a string`);
		const chars = codePointsOf(input, budget);
		budget.checkArrayLength(chars.length);
		return chars.map((char) => char.codePointAt(0) as number);
	}),
	"implode/0": valueBuiltin((input, _args, budget) => implode(input, budget)),
	"split/1": valueBuiltin((input, [separator], budget) => {
		if (typeof input !== "string" || typeof separator !== "string")
			return fail("split input and separator must be strings");
		return splitString(input, separator, budget);
	}),
	"join/1": valueBuiltin((input, [separator], budget) => join(input, separator ?? null, budget)),
	"ascii_downcase/0": valueBuiltin((input, _args, budget) => asciiCase(input, false, budget)),
	"ascii_upcase/0": valueBuiltin((input, _args, budget) => asciiCase(input, true, budget)),
};

import type { Json } from "./ast";
import type { BuiltinTable } from "./builtins-helpers";
import { generatorBuiltin, valueBuiltin } from "./builtins-helpers";
import { ExprRuntimeError } from "./errors";
import type { Budget } from "./limits";
import { add } from "./operators";
import type { Compiled } from "./runtime";
import { fail, fromRun, fromSingle } from "./runtime";
import { codePointLength, utf8ByteLength } from "./text";
import { checkDepthOf } from "./validate";
import {
	describeValue,
	isObject,
	preview,
	sortedKeys,
	toJson,
	toText,
	truthy,
	typeOf,
} from "./values";

// Core built-ins: types, length, keys, select/map, add/any/all, conversions.

export function length(value: Json, budget: Budget): Json {
	if (value === null) return 0;
	switch (typeof value) {
		case "boolean":
			return fail(`${describeValue(value)} has no length`);
		case "number":
			return Math.abs(value);
		case "string":
			return codePointLength(value, budget);
	}
	if (Array.isArray(value)) return value.length;
	// Objects keep no count: listing the keys is the work.
	const size = Object.keys(value).length;
	budget.keys(size);
	return size;
}

export function keysOf(value: Json, sorted: boolean, budget: Budget): Json {
	if (Array.isArray(value)) {
		budget.elements(value.length);
		return value.map((_, i) => i);
	}
	if (isObject(value)) {
		return sorted ? sortedKeys(value, budget) : chargedKeys(value, budget);
	}
	return fail(`${describeValue(value)} has no keys`);
}

function chargedKeys(value: { [key: string]: Json }, budget: Budget): string[] {
	const keys = Object.keys(value);
	budget.keys(keys.length);
	return keys;
}

function has(value: Json, key: Json): Json {
	if (value === null) return false;
	if (isObject(value) && typeof key === "string") return Object.hasOwn(value, key);
	if (Array.isArray(value) && typeof key === "number") return key >= 0 && key < value.length;
	return fail(`Cannot check whether ${typeOf(value)} has a ${typeOf(key)} key`);
}

function addAll(value: Json, budget: Budget): Json {
	const items = Array.isArray(value)
		? value
		: isObject(value)
			? Object.values(value)
			: fail(`Cannot iterate over ${describeValue(value)}`);
	let sum: Json = null;
	for (const item of items) {
		budget.step();
		sum = add(sum, item, budget);
	}
	return sum;
}

const NUMBER_TEXT = /^\s*-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

function toNumber(value: Json, budget: Budget): Json {
	if (typeof value === "number") return value;
	if (typeof value === "string") budget.chars(value.length);
	if (typeof value === "string" && NUMBER_TEXT.test(value)) return Number(value);
	if (typeof value === "string") return fail(`Cannot parse ${preview(value)} as a number`);
	return fail(`${describeValue(value)} cannot be parsed as a number`);
}

function fromJson(value: Json, budget: Budget): Json {
	if (typeof value !== "string") return fail(`${describeValue(value)} cannot be parsed as JSON`);
	// Parsing builds every value of the text; a value takes at least two characters or so.
	budget.chars(value.length);
	budget.values(value.length / 4);
	let parsed: Json;
	try {
		parsed = JSON.parse(value) as Json;
	} catch (e) {
		if (e instanceof SyntaxError)
			return fail(`${e.message} (while parsing '${value.slice(0, 40)}')`);
		throw e;
	}
	checkDepthOf(parsed, budget.limits.maxDepth);
	return parsed;
}

/** `select(f)`, `map(f)` and friends take filters, not values. */
function select(args: Compiled[]): Compiled {
	const cond = args[0] as Compiled;
	return fromRun(
		(input, s, budget, emit) => cond.run(input, s, budget, (c) => truthy(c) && emit(input)),
		(input, path, s, budget, emit) =>
			cond.run(input, s, budget, (c) => truthy(c) && emit(path, input)),
	);
}

function map(args: Compiled[]): Compiled {
	const f = args[0] as Compiled;
	return fromSingle((input, s, budget) => {
		const items = Array.isArray(input)
			? input
			: isObject(input)
				? Object.values(input)
				: fail(`Cannot iterate over ${describeValue(input)}`);
		const out: Json[] = [];
		for (const item of items) {
			budget.step();
			if (f.single) out.push(f.single(item, s, budget));
			else f.run(item, s, budget, (v) => out.push(v));
			budget.checkArrayLength(out.length);
		}
		return out;
	});
}

/** any/all with an optional generator and condition; stop at the first decisive value. */
function quantifier(wanted: boolean, source: "input" | "generator", hasCond: boolean) {
	return (args: Compiled[]): Compiled =>
		fromSingle((input, s, budget) => {
			let result = !wanted;
			const stop = {};
			const check = (value: Json) => {
				budget.step();
				const test = (c: Json) => {
					if (truthy(c) === wanted) {
						result = wanted;
						throw stop;
					}
				};
				const cond = hasCond ? (args[args.length - 1] as Compiled) : null;
				if (cond) cond.run(value, s, budget, test);
				else test(value);
			};
			try {
				if (source === "generator") (args[0] as Compiled).run(input, s, budget, check);
				else {
					const items = Array.isArray(input)
						? input
						: isObject(input)
							? Object.values(input)
							: fail(`Cannot iterate over ${describeValue(input)}`);
					for (const item of items) check(item);
				}
			} catch (e) {
				if (e !== stop) throw e;
			}
			return result;
		});
}

function typeFilter(...types: string[]) {
	return (): Compiled =>
		fromRun(
			(input, _s, _b, emit) => types.includes(typeOf(input)) && emit(input),
			(input, path, _s, _b, emit) => types.includes(typeOf(input)) && emit(path, input),
		);
}

export const coreBuiltins: BuiltinTable = {
	"empty/0": () =>
		fromRun(
			() => {},
			() => {},
		),
	"error/0": () => fromRun((input) => raise(input)),
	"error/1": generatorBuiltin((_input, [message]) => raise(message ?? null)),
	"not/0": valueBuiltin((input) => !truthy(input)),
	"length/0": valueBuiltin((input, _args, budget) => length(input, budget)),
	"utf8bytelength/0": valueBuiltin((input, _args, budget) =>
		typeof input === "string"
			? utf8ByteLength(input, budget)
			: fail(`${describeValue(input)} only strings have UTF-8 byte length`),
	),
	"type/0": valueBuiltin((input) => typeOf(input)),
	"keys/0": valueBuiltin((input, _args, budget) => keysOf(input, true, budget)),
	"keys_unsorted/0": valueBuiltin((input, _args, budget) => keysOf(input, false, budget)),
	"has/1": valueBuiltin((input, [key]) => has(input, key ?? null)),
	"in/1": valueBuiltin((input, [object]) => has(object ?? null, input)),
	"select/1": select,
	"map/1": map,
	"add/0": valueBuiltin((input, _args, budget) => addAll(input, budget)),
	"any/0": quantifier(true, "input", false),
	"any/1": quantifier(true, "input", true),
	"any/2": quantifier(true, "generator", true),
	"all/0": quantifier(false, "input", false),
	"all/1": quantifier(false, "input", true),
	"all/2": quantifier(false, "generator", true),
	"tostring/0": valueBuiltin((input, _args, budget) => budget.checkString(toText(input, budget))),
	"tojson/0": valueBuiltin((input, _args, budget) => budget.checkString(toJson(input, budget))),
	"fromjson/0": valueBuiltin((input, _args, budget) => fromJson(input, budget)),
	"tonumber/0": valueBuiltin((input, _args, budget) => toNumber(input, budget)),
	"infinite/0": valueBuiltin(() => Number.POSITIVE_INFINITY),
	"nan/0": valueBuiltin(() => Number.NaN),
	"isnan/0": valueBuiltin((input) =>
		typeof input === "number"
			? Number.isNaN(input)
			: fail(`${describeValue(input)} number required`),
	),
	"isinfinite/0": valueBuiltin((input) =>
		typeof input === "number"
			? Math.abs(input) === Number.POSITIVE_INFINITY
			: fail(`${describeValue(input)} number required`),
	),
	"isnormal/0": valueBuiltin((input) =>
		typeof input === "number"
			? Number.isFinite(input) && input !== 0 && Math.abs(input) >= 2.2250738585072014e-308
			: fail(`${describeValue(input)} number required`),
	),
	// No process environment leaks into expressions.
	"env/0": valueBuiltin(() => ({})),
	"debug/0": () =>
		fromSingle(
			(input) => input,
			(input, path, _s, _b, emit) => emit(path, input),
		),
	"values/0": typeFilter("boolean", "number", "string", "array", "object"),
	"nulls/0": typeFilter("null"),
	"booleans/0": typeFilter("boolean"),
	"numbers/0": typeFilter("number"),
	"strings/0": typeFilter("string"),
	"arrays/0": typeFilter("array"),
	"objects/0": typeFilter("object"),
	"iterables/0": typeFilter("array", "object"),
	"scalars/0": typeFilter("null", "boolean", "number", "string"),
};

function raise(value: Json): never {
	const message = typeof value === "string" ? value : `${describeValue(value)} (not a string)`;
	throw new ExprRuntimeError(message, value);
}

import { index, indicesOf } from "./access";
import type { Json } from "./ast";
import type { BuiltinTable } from "./builtins-helpers";
import { valueBuiltin } from "./builtins-helpers";
import type { Budget } from "./limits";
import type { Compiled, Scope } from "./runtime";
import { collect, fail, fromSingle } from "./runtime";
import { compare, describeValue, equals, isObject, setKey, typeOf } from "./values";

// Array/object built-ins: sorting, grouping, min/max, containment, entries, flatten.

function requireArray(input: Json, what: string): Json[] {
	return Array.isArray(input)
		? input
		: fail(`${describeValue(input)} cannot be ${what}, as it is not an array`);
}

/** Pairs each element with `[f]` (jq sorts by the array of all outputs), stable sorted. */
function keyed(
	f: Compiled,
	input: Json,
	s: Scope,
	budget: Budget,
	what: string,
): { key: Json; value: Json }[] {
	const items = requireArray(input, what);
	const pairs = items.map((value) => {
		budget.step();
		return { key: collect(f, value, s, budget) as Json, value };
	});
	budget.sort(pairs.length);
	return pairs.sort((a, b) => compare(a.key, b.key, budget));
}

function byKey(build: (pairs: { key: Json; value: Json }[], budget: Budget) => Json, what: string) {
	return (args: Compiled[]): Compiled =>
		fromSingle((input, s, budget) =>
			build(keyed(args[0] as Compiled, input, s, budget, what), budget),
		);
}

function groups(pairs: { key: Json; value: Json }[], budget: Budget): Json[][] {
	const out: Json[][] = [];
	let last: Json | undefined;
	for (const pair of pairs) {
		if (out.length > 0 && equals(last as Json, pair.key, budget))
			(out[out.length - 1] as Json[]).push(pair.value);
		else out.push([pair.value]);
		last = pair.key;
	}
	return out;
}

function extreme(pairs: { key: Json; value: Json }[], pickMax: boolean): Json {
	if (pairs.length === 0) return null;
	// jq keeps the last of equal maxima and the first of equal minima.
	return (pickMax ? pairs[pairs.length - 1] : pairs[0])?.value ?? null;
}

/** jq's containment: every pair of values tried is charged (arrays compare each with each). */
export function contains(a: Json, b: Json, budget: Budget, depth = 0): boolean {
	budget.checkDepth(depth);
	budget.values(1);
	if (isObject(a) && isObject(b)) {
		const keys = Object.keys(b);
		budget.keys(keys.length);
		return keys.every(
			(key) => Object.hasOwn(a, key) && contains(a[key] as Json, b[key] as Json, budget, depth + 1),
		);
	}
	if (Array.isArray(a) && Array.isArray(b))
		return b.every((bItem) => a.some((aItem) => contains(aItem, bItem, budget, depth + 1)));
	if (typeof a === "string" && typeof b === "string") {
		budget.chars(a.length);
		return a.includes(b);
	}
	return typeOf(a) === typeOf(b) && equals(a, b, budget);
}

/** Only the outermost kinds must agree; nested mismatches are simply "not contained". */
function containsChecked(a: Json, b: Json, budget: Budget): boolean {
	if (typeOf(a) !== typeOf(b)) {
		return fail(
			`${describeValue(a)} and ${describeValue(b)} cannot have their containment checked`,
		);
	}
	return contains(a, b, budget);
}

function flatten(input: Json, depth: Json, budget: Budget): Json {
	if (typeof depth !== "number" || depth < 0) return fail("flatten depth must not be negative");
	const items = isObject(input) ? Object.values(input) : requireArray(input, "flattened");
	const out: Json[] = [];
	const walk = (list: Json[], remaining: number, level: number) => {
		budget.checkDepth(level);
		for (const item of list) {
			budget.step();
			if (Array.isArray(item) && remaining > 0) walk(item, remaining - 1, level + 1);
			else out.push(item);
		}
		budget.checkArrayLength(out.length);
	};
	walk(items, depth, 0);
	return out;
}

function toEntries(input: Json, budget: Budget): Json {
	if (isObject(input)) {
		const keys = Object.keys(input);
		budget.keys(keys.length);
		budget.keys(keys.length * 2, 2);
		return keys.map((key) => ({ key, value: input[key] as Json }));
	}
	if (Array.isArray(input)) {
		budget.keys(input.length * 2, 2);
		return input.map((value, key) => ({ key, value }));
	}
	return fail(`${describeValue(input)} has no keys`);
}

// jq 1.6 accepts these spellings (and not `k`/`v`, which came later).
const ENTRY_KEY_NAMES = ["key", "name", "Name", "Key"];

function fromEntries(input: Json, budget: Budget): Json {
	const items = Array.isArray(input) ? input : fail(`Cannot iterate over ${describeValue(input)}`);
	const out: { [key: string]: Json } = {};
	let size = 1;
	for (const entry of items) {
		budget.step();
		budget.keys(1, size++);
		let key: Json = null;
		for (const name of ENTRY_KEY_NAMES) {
			key = index(entry, name, budget);
			if (key !== null && key !== false) break;
		}
		if (typeof key !== "string") return fail(`Cannot use ${describeValue(key)} as object key`);
		const value =
			isObject(entry) && Object.hasOwn(entry, "value")
				? (entry.value as Json)
				: index(entry, "Value", budget);
		setKey(out, key, value);
	}
	return out;
}

/** jq 1.6 `_strindices`: UTF-16 offsets of every occurrence, overlapping ones too. */
function indices(input: Json, target: Json, budget: Budget): Json {
	if (input === null) return null;
	if (typeof input === "string" && typeof target === "string") {
		if (target === "") return null;
		budget.chars(input.length);
		const out: number[] = [];
		for (let at = input.indexOf(target); at >= 0; at = input.indexOf(target, at + 1)) {
			out.push(at);
			budget.checkArrayLength(out.length);
			budget.elements(1);
		}
		return out;
	}
	if (Array.isArray(input))
		return indicesOf(input, Array.isArray(target) ? target : [target], budget);
	return fail(`Cannot determine indices in ${describeValue(input)}`);
}

function positionOf(input: Json, target: Json, last: boolean, budget: Budget): Json {
	const found = indices(input, target, budget);
	if (!Array.isArray(found) || found.length === 0) return null;
	return (last ? found[found.length - 1] : found[0]) ?? null;
}

function sorted(input: Json, budget: Budget): Json[] {
	const items = requireArray(input, "sorted");
	budget.sort(items.length);
	return [...items].sort((a, b) => compare(a, b, budget));
}

export const collectionBuiltins: BuiltinTable = {
	"sort/0": valueBuiltin((input, _args, budget) => sorted(input, budget)),
	"sort_by/1": byKey((pairs) => pairs.map((pair) => pair.value), "sorted"),
	"group_by/1": byKey(groups, "grouped"),
	"unique/0": valueBuiltin((input, _args, budget) =>
		sorted(input, budget).filter((v, i, all) => i === 0 || !equals(all[i - 1] as Json, v, budget)),
	),
	"unique_by/1": byKey(
		(pairs, budget) => groups(pairs, budget).map((group) => group[0] as Json),
		"grouped",
	),
	"min/0": valueBuiltin((input, _args, budget) => sorted(input, budget)[0] ?? null),
	"max/0": valueBuiltin((input, _args, budget) => sorted(input, budget).at(-1) ?? null),
	"min_by/1": byKey((pairs) => extreme(pairs, false), "iterated over"),
	"max_by/1": byKey((pairs) => extreme(pairs, true), "iterated over"),
	// jq 1.6: `[.[length - 1 - range(0; length)]]`, so empty strings/objects and 0 give [].
	"reverse/0": valueBuiltin((input, _args, budget) => {
		if (Array.isArray(input)) {
			budget.elements(input.length);
			return [...input].reverse();
		}
		const empty =
			input === "" || input === 0 || (isObject(input) && Object.keys(input).length === 0);
		if (input === null || empty) return [];
		return fail(`Cannot index ${typeOf(input)} with number`);
	}),
	"contains/1": valueBuiltin((input, [other], budget) =>
		containsChecked(input, other ?? null, budget),
	),
	"inside/1": valueBuiltin((input, [other], budget) =>
		containsChecked(other ?? null, input, budget),
	),
	"flatten/0": valueBuiltin((input, _args, budget) => flatten(input, 1e9, budget)),
	"flatten/1": valueBuiltin((input, [depth], budget) => flatten(input, depth ?? null, budget)),
	"to_entries/0": valueBuiltin((input, _args, budget) => toEntries(input, budget)),
	"from_entries/0": valueBuiltin((input, _args, budget) => fromEntries(input, budget)),
	"indices/1": valueBuiltin((input, [target], budget) => indices(input, target ?? null, budget)),
	"index/1": valueBuiltin((input, [target], budget) =>
		positionOf(input, target ?? null, false, budget),
	),
	"rindex/1": valueBuiltin((input, [target], budget) =>
		positionOf(input, target ?? null, true, budget),
	),
	"first/0": valueBuiltin((input, _args, budget) => index(input, 0, budget)),
	"last/0": valueBuiltin((input, _args, budget) => index(input, -1, budget)),
	"nth/1": valueBuiltin((input, [n], budget) => index(input, n ?? null, budget)),
	"transpose/0": valueBuiltin((input, _args, budget) => {
		const rows = requireArray(input, "transposed").map((row) => requireArray(row, "transposed"));
		let width = 0;
		for (const row of rows) width = Math.max(width, row.length);
		budget.checkArrayLength(width);
		budget.elements(width * rows.length);
		return Array.from({ length: width }, (_, i) => rows.map((row) => row[i] ?? null));
	}),
	"with_entries/1": (args) =>
		fromSingle((input, s, budget) => {
			const f = args[0] as Compiled;
			const mapped: Json[] = [];
			for (const entry of toEntries(input, budget) as Json[]) {
				budget.step();
				f.run(entry, s, budget, (v) => mapped.push(v));
			}
			return fromEntries(mapped, budget);
		}),
};

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
	budget.charge(pairs.length * Math.log2(pairs.length + 1));
	return pairs.sort((a, b) => compare(a.key, b.key));
}

function byKey(build: (pairs: { key: Json; value: Json }[]) => Json, what: string) {
	return (args: Compiled[]): Compiled =>
		fromSingle((input, s, budget) => build(keyed(args[0] as Compiled, input, s, budget, what)));
}

function groups(pairs: { key: Json; value: Json }[]): Json[][] {
	const out: Json[][] = [];
	let last: Json | undefined;
	for (const pair of pairs) {
		if (out.length > 0 && equals(last as Json, pair.key))
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

export function contains(a: Json, b: Json): boolean {
	if (isObject(a) && isObject(b)) {
		return Object.keys(b).every(
			(key) => Object.hasOwn(a, key) && contains(a[key] as Json, b[key] as Json),
		);
	}
	if (Array.isArray(a) && Array.isArray(b))
		return b.every((bItem) => a.some((aItem) => contains(aItem, bItem)));
	if (typeof a === "string" && typeof b === "string") return a.includes(b);
	return typeOf(a) === typeOf(b) && equals(a, b);
}

/** Only the outermost kinds must agree; nested mismatches are simply "not contained". */
function containsChecked(a: Json, b: Json): boolean {
	if (typeOf(a) !== typeOf(b)) {
		return fail(
			`${describeValue(a)} and ${describeValue(b)} cannot have their containment checked`,
		);
	}
	return contains(a, b);
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

function toEntries(input: Json): Json {
	if (isObject(input)) return Object.keys(input).map((key) => ({ key, value: input[key] as Json }));
	if (Array.isArray(input)) return input.map((value, key) => ({ key, value }));
	return fail(`${describeValue(input)} has no keys`);
}

// jq 1.6 accepts these spellings (and not `k`/`v`, which came later).
const ENTRY_KEY_NAMES = ["key", "name", "Name", "Key"];

function fromEntries(input: Json, budget: Budget): Json {
	const items = Array.isArray(input) ? input : fail(`Cannot iterate over ${describeValue(input)}`);
	const out: { [key: string]: Json } = {};
	for (const entry of items) {
		budget.step();
		let key: Json = null;
		for (const name of ENTRY_KEY_NAMES) {
			key = index(entry, name);
			if (key !== null && key !== false) break;
		}
		if (typeof key !== "string") return fail(`Cannot use ${describeValue(key)} as object key`);
		const value =
			isObject(entry) && Object.hasOwn(entry, "value")
				? (entry.value as Json)
				: index(entry, "Value");
		setKey(out, key, value);
	}
	return out;
}

function indices(input: Json, target: Json): Json {
	if (input === null) return null;
	if (typeof input === "string" && typeof target === "string") {
		if (target === "") return null;
		const out: number[] = [];
		for (let at = input.indexOf(target); at >= 0; at = input.indexOf(target, at + 1)) out.push(at);
		return out;
	}
	if (Array.isArray(input)) return indicesOf(input, Array.isArray(target) ? target : [target]);
	return fail(`Cannot determine indices in ${describeValue(input)}`);
}

function positionOf(input: Json, target: Json, last: boolean): Json {
	const found = indices(input, target);
	if (!Array.isArray(found) || found.length === 0) return null;
	return (last ? found[found.length - 1] : found[0]) ?? null;
}

function sorted(input: Json, budget: Budget): Json[] {
	const items = requireArray(input, "sorted");
	budget.charge(items.length * Math.log2(items.length + 1));
	return [...items].sort((a, b) => compare(a, b));
}

export const collectionBuiltins: BuiltinTable = {
	"sort/0": valueBuiltin((input, _args, budget) => sorted(input, budget)),
	"sort_by/1": byKey((pairs) => pairs.map((pair) => pair.value), "sorted"),
	"group_by/1": byKey(groups, "grouped"),
	"unique/0": valueBuiltin((input, _args, budget) =>
		sorted(input, budget).filter((v, i, all) => i === 0 || !equals(all[i - 1] as Json, v)),
	),
	"unique_by/1": byKey((pairs) => groups(pairs).map((group) => group[0] as Json), "grouped"),
	"min/0": valueBuiltin((input, _args, budget) => sorted(input, budget)[0] ?? null),
	"max/0": valueBuiltin((input, _args, budget) => sorted(input, budget).at(-1) ?? null),
	"min_by/1": byKey((pairs) => extreme(pairs, false), "iterated over"),
	"max_by/1": byKey((pairs) => extreme(pairs, true), "iterated over"),
	// jq 1.6: `[.[length - 1 - range(0; length)]]`, so empty strings/objects and 0 give [].
	"reverse/0": valueBuiltin((input) => {
		if (Array.isArray(input)) return [...input].reverse();
		const empty =
			input === "" || input === 0 || (isObject(input) && Object.keys(input).length === 0);
		if (input === null || empty) return [];
		return fail(`Cannot index ${typeOf(input)} with number`);
	}),
	"contains/1": valueBuiltin((input, [other]) => containsChecked(input, other ?? null)),
	"inside/1": valueBuiltin((input, [other]) => containsChecked(other ?? null, input)),
	"flatten/0": valueBuiltin((input, _args, budget) => flatten(input, 1e9, budget)),
	"flatten/1": valueBuiltin((input, [depth], budget) => flatten(input, depth ?? null, budget)),
	"to_entries/0": valueBuiltin((input) => toEntries(input)),
	"from_entries/0": valueBuiltin((input, _args, budget) => fromEntries(input, budget)),
	"indices/1": valueBuiltin((input, [target]) => indices(input, target ?? null)),
	"index/1": valueBuiltin((input, [target]) => positionOf(input, target ?? null, false)),
	"rindex/1": valueBuiltin((input, [target]) => positionOf(input, target ?? null, true)),
	"first/0": valueBuiltin((input) => index(input, 0)),
	"last/0": valueBuiltin((input) => index(input, -1)),
	"nth/1": valueBuiltin((input, [n]) => index(input, n ?? null)),
	"transpose/0": valueBuiltin((input) => {
		const rows = requireArray(input, "transposed").map((row) => requireArray(row, "transposed"));
		const width = Math.max(0, ...rows.map((row) => row.length));
		return Array.from({ length: width }, (_, i) => rows.map((row) => row[i] ?? null));
	}),
	"with_entries/1": (args) =>
		fromSingle((input, s, budget) => {
			const f = args[0] as Compiled;
			const mapped: Json[] = [];
			for (const entry of toEntries(input) as Json[]) {
				budget.step();
				f.run(entry, s, budget, (v) => mapped.push(v));
			}
			return fromEntries(mapped, budget);
		}),
};

import type { Json } from "./ast";
import type { Budget } from "./limits";

// jq's value model on top of plain JSON values: type names, ordering, equality, printing.

export type JqType = "null" | "boolean" | "number" | "string" | "array" | "object";

export function typeOf(value: Json): JqType {
	if (value === null) return "null";
	switch (typeof value) {
		case "boolean":
			return "boolean";
		case "number":
			return "number";
		case "string":
			return "string";
		default:
			return Array.isArray(value) ? "array" : "object";
	}
}

export function isObject(value: Json): value is { [key: string]: Json } {
	return value !== null && typeof value === "object" && !Array.isArray(value);
}

export function truthy(value: Json): boolean {
	return value !== null && value !== false;
}

// Order of types when sorting/comparing values of different types, as in jq.
const TYPE_RANK: Record<JqType, number> = {
	null: 0,
	boolean: 1,
	number: 3,
	string: 4,
	array: 5,
	object: 6,
};

function rank(value: Json): number {
	return value === true ? 2 : TYPE_RANK[typeOf(value)];
}

/** Compares strings by Unicode code point (jq compares UTF-8 bytes), not UTF-16 units. */
export function compareStrings(a: string, b: string): number {
	if (a === b) return 0;
	const length = Math.min(a.length, b.length);
	for (let i = 0; i < length; i++) {
		const x = a.charCodeAt(i);
		const y = b.charCodeAt(i);
		if (x === y) continue;
		// Surrogates (astral code points) sort above every BMP character.
		const xs = x >= 0xd800 && x <= 0xdfff ? x + 0x10000 : x;
		const ys = y >= 0xd800 && y <= 0xdfff ? y + 0x10000 : y;
		return xs < ys ? -1 : 1;
	}
	return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

function compareNumbers(a: number, b: number): number {
	// jq 1.6 sorts nan below every number, including another nan.
	if (Number.isNaN(a)) return -1;
	if (Number.isNaN(b)) return 1;
	return a < b ? -1 : a === b ? 0 : 1;
}

export function sortedKeys(object: { [key: string]: Json }, budget: Budget): string[] {
	const keys = Object.keys(object);
	budget.keys(keys.length);
	budget.sort(keys.length);
	return keys.sort(compareStrings);
}

/**
 * Total order over JSON values, as jq's `sort` and comparison operators use it. Charges every
 * value visited, the characters compared and the keys sorted.
 */
export function compare(a: Json, b: Json, budget: Budget, depth = 0): number {
	budget.checkDepth(depth);
	budget.values(1);
	const ra = rank(a);
	const rb = rank(b);
	if (ra !== rb) return ra < rb ? -1 : 1;
	if (typeof a === "number") return compareNumbers(a, b as number);
	if (typeof a === "string") {
		budget.chars(Math.min(a.length, (b as string).length));
		return compareStrings(a, b as string);
	}
	if (Array.isArray(a)) {
		const other = b as Json[];
		const length = Math.min(a.length, other.length);
		for (let i = 0; i < length; i++) {
			const c = compare(a[i] as Json, other[i] as Json, budget, depth + 1);
			if (c !== 0) return c;
		}
		return a.length < other.length ? -1 : a.length > other.length ? 1 : 0;
	}
	if (isObject(a)) {
		const other = b as { [key: string]: Json };
		const keysA = sortedKeys(a, budget);
		const keysB = sortedKeys(other, budget);
		const byKeys = compare(keysA, keysB, budget, depth + 1);
		if (byKeys !== 0) return byKeys;
		for (const key of keysA) {
			const c = compare(a[key] as Json, other[key] as Json, budget, depth + 1);
			if (c !== 0) return c;
		}
	}
	return 0;
}

export function equals(a: Json, b: Json, budget: Budget): boolean {
	budget.values(1);
	if (typeof a === "string") {
		// Strings of one length are compared character by character, even when they are the
		// same string (JavaScript cannot tell).
		if (typeof b === "string" && a.length === b.length) budget.chars(a.length);
		return a === b;
	}
	if (a === b) return typeof a !== "number" || !Number.isNaN(a);
	if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
	return compare(a, b, budget) === 0;
}

const MAX_DOUBLE_TEXT = "1.7976931348623157e+308";

/** Formats a number like jq 1.6: shortest round-trip digits, `1e+17`, `1e-05`, `-0`. */
export function formatNumber(n: number): string {
	if (Number.isNaN(n)) return "null";
	if (n === Number.POSITIVE_INFINITY) return MAX_DOUBLE_TEXT;
	if (n === Number.NEGATIVE_INFINITY) return `-${MAX_DOUBLE_TEXT}`;
	if (n === 0) return Object.is(n, -0) ? "-0" : "0";
	if (Number.isInteger(n) && Math.abs(n) < 1e16) return String(n);
	const sign = n < 0 ? "-" : "";
	const [mantissa = "", exponentText = "0"] = Math.abs(n).toExponential().split("e");
	const digits = mantissa.replace(".", "");
	const exponent = Number(exponentText);
	const pointPosition = exponent + 1;
	if (pointPosition <= -4 || pointPosition > digits.length + 15) {
		const fraction = digits.length > 1 ? `.${digits.slice(1)}` : "";
		const expSign = exponent < 0 ? "-" : "+";
		const expDigits = String(Math.abs(exponent)).padStart(2, "0");
		return `${sign}${digits[0]}${fraction}e${expSign}${expDigits}`;
	}
	if (pointPosition <= 0) return `${sign}0.${"0".repeat(-pointPosition)}${digits}`;
	if (pointPosition >= digits.length)
		return `${sign}${digits}${"0".repeat(pointPosition - digits.length)}`;
	return `${sign}${digits.slice(0, pointPosition)}.${digits.slice(pointPosition)}`;
}

/**
 * Compact JSON as jq prints it (`tojson`, `tostring`, string interpolation). Charges every
 * value, key and character printed; the caller checks the length of the result.
 */
export function toJson(value: Json, budget: Budget, depth = 0): string {
	budget.checkDepth(depth);
	budget.values(1);
	if (value === null) return "null";
	switch (typeof value) {
		case "boolean":
			return value ? "true" : "false";
		case "number":
			// Shortest round-trip digits are a costly conversion.
			budget.values(1);
			return formatNumber(value);
		case "string":
			budget.chars(value.length);
			return JSON.stringify(value);
	}
	if (Array.isArray(value)) {
		let out = "[";
		for (let i = 0; i < value.length; i++) {
			if (i > 0) out += ",";
			out += toJson(value[i] as Json, budget, depth + 1);
			budget.checkStringLength(out.length);
		}
		return `${out}]`;
	}
	let out = "{";
	let first = true;
	const keys = Object.keys(value);
	budget.keys(keys.length);
	for (const key of keys) {
		if (!first) out += ",";
		first = false;
		budget.chars(key.length);
		out += `${JSON.stringify(key)}:${toJson(value[key] as Json, budget, depth + 1)}`;
		budget.checkStringLength(out.length);
	}
	return `${out}}`;
}

/** `tostring`: strings unchanged, everything else as JSON. */
export function toText(value: Json, budget: Budget): string {
	return typeof value === "string" ? value : toJson(value, budget);
}

const PREVIEW_LENGTH = 11;

/**
 * How jq names a value in error messages: `number (1)`, `string ("abc")`, with the JSON cut
 * to 10 characters and `...`. Prints only that much, so an error about a large value (which
 * `try` may catch in a loop) costs no more than one about a small one.
 */
export function describeValue(value: Json): string {
	return `${typeOf(value)} (${preview(value)})`;
}

// Listing a large object's keys takes time in proportion to its size even to print three of
// them, and a loop of caught errors can describe the same object again and again.
const objectPreviews = new WeakMap<object, string>();

/** The first characters of a value's compact JSON (10 and `...` when longer than 11). */
export function preview(value: Json): string {
	if (!isObject(value)) return printPreview(value);
	const known = objectPreviews.get(value);
	if (known !== undefined) return known;
	const printed = printPreview(value);
	objectPreviews.set(value, printed);
	return printed;
}

function printPreview(value: Json): string {
	let out = "";
	const write = (v: Json): boolean => {
		if (out.length > PREVIEW_LENGTH) return false;
		if (v === null || typeof v !== "object") {
			out +=
				typeof v === "string"
					? JSON.stringify(v.slice(0, PREVIEW_LENGTH + 1))
					: v === null
						? "null"
						: typeof v === "number"
							? formatNumber(v)
							: String(v);
			return out.length <= PREVIEW_LENGTH;
		}
		if (Array.isArray(v)) {
			out += "[";
			for (let i = 0; i < v.length; i++) {
				if (i > 0) out += ",";
				if (!write(v[i] as Json)) return false;
			}
			out += "]";
			return out.length <= PREVIEW_LENGTH;
		}
		out += "{";
		let first = true;
		for (const key in v) {
			if (!first) out += ",";
			first = false;
			out += `${JSON.stringify(key.slice(0, PREVIEW_LENGTH + 1))}:`;
			if (!write(v[key] as Json)) return false;
		}
		out += "}";
		return out.length <= PREVIEW_LENGTH;
	};
	write(value);
	return out.length > PREVIEW_LENGTH ? `${out.slice(0, PREVIEW_LENGTH - 1)}...` : out;
}

/** Sets an own key; `__proto__` is defined as data so a user key never changes a prototype. */
export function setKey(object: { [key: string]: Json }, key: string, value: Json): void {
	if (key === "__proto__") {
		Object.defineProperty(object, key, {
			value,
			enumerable: true,
			writable: true,
			configurable: true,
		});
	} else {
		object[key] = value;
	}
}

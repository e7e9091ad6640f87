import { copyObject, keysToAdd } from "./access";
import type { BinaryOp, Json } from "./ast";
import type { Budget } from "./limits";
import { fail } from "./runtime";
import { codePointsOf } from "./text";
import { compare, describeValue, equals, isObject, setKey } from "./values";

// jq's binary operators over values. Sizes of produced strings/arrays are checked against
// the budget before they are built, so `"x" * 1e9` fails fast instead of allocating.

export function applyBinary(op: BinaryOp, left: Json, right: Json, budget: Budget): Json {
	switch (op) {
		case "+":
			return add(left, right, budget);
		case "-":
			return subtract(left, right, budget);
		case "*":
			return multiply(left, right, budget);
		case "/":
			return divide(left, right, budget);
		case "%":
			return modulo(left, right);
		case "==":
			return equals(left, right, budget);
		case "!=":
			return !equals(left, right, budget);
		case "<":
			return compare(left, right, budget) < 0;
		case "<=":
			return compare(left, right, budget) <= 0;
		case ">":
			return compare(left, right, budget) > 0;
		case ">=":
			return compare(left, right, budget) >= 0;
	}
}

export function add(left: Json, right: Json, budget: Budget): Json {
	if (left === null) return right;
	if (right === null) return left;
	if (typeof left === "number" && typeof right === "number") return left + right;
	if (typeof left === "string" && typeof right === "string") {
		budget.checkStringLength(left.length + right.length);
		budget.chars(left.length + right.length);
		return left + right;
	}
	if (Array.isArray(left) && Array.isArray(right)) {
		budget.checkArrayLength(left.length + right.length);
		budget.elements(left.length + right.length);
		return left.concat(right);
	}
	if (isObject(left) && isObject(right)) {
		const merged = copyObject(left, budget);
		for (const key of keysToAdd(right, Object.keys(left).length, budget))
			setKey(merged, key, right[key] as Json);
		budget.checkObjectSize(Object.keys(merged).length);
		return merged;
	}
	return cannot(left, right, "added");
}

function subtract(left: Json, right: Json, budget: Budget): Json {
	if (typeof left === "number" && typeof right === "number") return left - right;
	if (Array.isArray(left) && Array.isArray(right)) {
		return left.filter((item) => !right.some((other) => equals(item, other, budget)));
	}
	return cannot(left, right, "subtracted");
}

function multiply(left: Json, right: Json, budget: Budget): Json {
	if (typeof left === "number" && typeof right === "number") return left * right;
	if (typeof left === "string" && typeof right === "number") return repeat(left, right, budget);
	if (typeof left === "number" && typeof right === "string") return repeat(right, left, budget);
	if (isObject(left) && isObject(right)) return deepMerge(left, right, budget, 0);
	return cannot(left, right, "multiplied");
}

/** jq 1.6: `n <= 0` gives null; otherwise 1 + (int)(n - 1) copies, so 0 < n < 2 gives one. */
function repeat(text: string, times: number, budget: Budget): Json {
	if (!(times > 0)) return null;
	const copies = times >= 2 ? Math.trunc(times - 1) + 1 : 1;
	budget.checkStringLength(text.length * copies);
	budget.chars(text.length * copies);
	return text.repeat(copies);
}

function deepMerge(
	left: { [key: string]: Json },
	right: { [key: string]: Json },
	budget: Budget,
	depth: number,
): Json {
	budget.checkDepth(depth);
	const merged = copyObject(left, budget);
	for (const key of keysToAdd(right, Object.keys(left).length, budget)) {
		const a = merged[key];
		const b = right[key] as Json;
		const both = Object.hasOwn(merged, key) && a !== undefined && isObject(a) && isObject(b);
		setKey(merged, key, both ? deepMerge(a, b, budget, depth + 1) : b);
	}
	return merged;
}

function divide(left: Json, right: Json, budget: Budget): Json {
	if (typeof left === "number" && typeof right === "number") {
		if (right === 0) return cannot(left, right, "divided because the divisor is zero");
		return left / right;
	}
	if (typeof left === "string" && typeof right === "string")
		return splitString(left, right, budget);
	return cannot(left, right, "divided");
}

export function splitString(text: string, separator: string, budget: Budget): Json {
	if (text === "") return [];
	if (separator === "") {
		const chars = codePointsOf(text, budget);
		budget.checkArrayLength(chars.length);
		return chars;
	}
	budget.chars(text.length);
	const parts = text.split(separator);
	budget.checkArrayLength(parts.length);
	budget.elements(parts.length);
	return parts;
}

/** C's `(intmax_t)x` on x86-64: truncation, with out-of-range and nan giving INT64_MIN. */
function toIntmax(x: number): bigint {
	if (Number.isNaN(x) || Math.abs(x) >= 2 ** 63) return -(2n ** 63n);
	return BigInt(Math.trunc(x));
}

function modulo(left: Json, right: Json): Json {
	if (typeof left !== "number" || typeof right !== "number") return cannot(left, right, "divided");
	if (Math.abs(left) < 2 ** 53 && Math.abs(right) < 2 ** 53) {
		const divisor = Math.trunc(right);
		if (divisor === 0)
			return cannot(left, right, "divided (remainder) because the divisor is zero");
		// `+ 0` turns JS's -0 into 0: C integer remainders have no sign of zero.
		return (Math.trunc(left) % divisor) + 0;
	}
	const divisor = toIntmax(right);
	if (divisor === 0n) return cannot(left, right, "divided (remainder) because the divisor is zero");
	const dividend = toIntmax(left);
	if (divisor === -1n) return 0;
	return Number(dividend % divisor);
}

function cannot(left: Json, right: Json, what: string): never {
	return fail(`${describeValue(left)} and ${describeValue(right)} cannot be ${what}`);
}

export function negate(value: Json): Json {
	if (typeof value === "number") return -value;
	return fail(`${describeValue(value)} cannot be negated`);
}

import type { Json } from "./ast";
import type { Budget } from "./limits";
import type { Path, PathKey } from "./runtime";
import { fail } from "./runtime";
import { compare, describeValue, equals, isObject, setKey, typeOf } from "./values";

// Indexing, slicing and iteration (`.a`, `.[i]`, `.[a:b]`, `.[]`) and the path operations
// built on them (getpath, setpath, delpaths).

const hasOwn = Object.prototype.hasOwnProperty;

export function index(value: Json, key: Json): Json {
	if (typeof key === "string") {
		if (isObject(value)) return hasOwn.call(value, key) ? ((value[key] as Json) ?? null) : null;
		if (value === null) return null;
		return fail(`Cannot index ${typeOf(value)} with string "${key}"`);
	}
	if (typeof key === "number") {
		if (Array.isArray(value)) {
			if (!Number.isInteger(key)) return null;
			const i = key < 0 ? value.length + key : key;
			return i >= 0 && i < value.length ? (value[i] as Json) : null;
		}
		if (value === null) return null;
		return fail(`Cannot index ${typeOf(value)} with number`);
	}
	if (isObject(key) && (Array.isArray(value) || typeof value === "string" || value === null)) {
		if (!("start" in key || "end" in key)) return fail(`Cannot index ${typeOf(value)} with object`);
		return slice(value, key.start ?? null, key.end ?? null);
	}
	if (Array.isArray(key) && Array.isArray(value)) return indicesOf(value, key);
	if (value === null && key === null) return null;
	return fail(`Cannot index ${typeOf(value)} with ${typeOf(key)}`);
}

/** Positions where `needle` occurs as a contiguous sub-array (jq's `.[array]`). */
export function indicesOf(haystack: Json[], needle: Json[]): Json {
	if (needle.length === 0) return null;
	const out: number[] = [];
	for (let i = 0; i + needle.length <= haystack.length; i++) {
		let match = true;
		for (let j = 0; j < needle.length && match; j++)
			match = equals(haystack[i + j] as Json, needle[j] as Json);
		if (match) out.push(i);
	}
	return out;
}

/** Resolves slice bounds as jq 1.6 does: negative from the end, clamped, start floored, end ceiled. */
export function sliceBounds(length: number, from: Json, to: Json): [number, number] {
	if ((from !== null && typeof from !== "number") || (to !== null && typeof to !== "number")) {
		return fail("Start and end indices of an array slice must be numbers");
	}
	let start = from ?? 0;
	let end = to ?? length;
	if (start < 0) start += length;
	if (end < 0) end += length;
	start = Math.min(Math.max(start, 0), length);
	end = Math.min(end, length);
	if (end < start) end = start;
	return [Math.floor(start), Math.ceil(end)];
}

export function slice(value: Json, from: Json, to: Json): Json {
	if (value === null) return null;
	if (Array.isArray(value)) {
		const [start, end] = sliceBounds(value.length, from, to);
		return value.slice(start, end);
	}
	if (typeof value === "string") {
		const codePoints = Array.from(value);
		const [start, end] = sliceBounds(codePoints.length, from, to);
		return codePoints.slice(start, end).join("");
	}
	return fail(`Cannot index ${typeOf(value)} with object`);
}

/** Keys to iterate with `.[]` (and in path mode). */
export function iterationKeys(value: Json): (string | number)[] {
	if (Array.isArray(value)) return value.map((_, i) => i);
	if (isObject(value)) return Object.keys(value);
	return fail(`Cannot iterate over ${describeValue(value)}`);
}

export function getPath(value: Json, path: Json[]): Json {
	let current = value;
	for (const key of path) {
		if (current === null) return null;
		current = index(current, key);
	}
	return current;
}

export function pathKeyToJson(key: PathKey): Json {
	return typeof key === "object" ? { start: key.start, end: key.end } : key;
}

export function setPath(
	value: Json,
	path: Json[],
	replacement: Json,
	budget: Budget,
	at = 0,
): Json {
	if (at >= path.length) return replacement;
	budget.checkDepth(at);
	const key = path[at] as Json;
	if (typeof key === "string") {
		if (value !== null && !isObject(value))
			return fail(`Cannot index ${typeOf(value)} with string "${key}"`);
		const copy: { [key: string]: Json } = { ...(value ?? {}) };
		const child = hasOwn.call(copy, key) ? (copy[key] as Json) : null;
		setKey(copy, key, setPath(child, path, replacement, budget, at + 1));
		budget.checkObjectSize(Object.keys(copy).length);
		return copy;
	}
	if (typeof key === "number") {
		if (value !== null && !Array.isArray(value))
			return fail(`Cannot index ${typeOf(value)} with number`);
		const copy = value ? [...value] : [];
		const i = Math.trunc(key < 0 ? copy.length + key : key);
		if (i < 0) return fail("Out of bounds negative array index");
		budget.checkArrayLength(i + 1);
		budget.charge(i);
		while (copy.length < i) copy.push(null);
		copy[i] = setPath(
			i < copy.length ? (copy[i] as Json) : null,
			path,
			replacement,
			budget,
			at + 1,
		);
		return copy;
	}
	if (isObject(key)) {
		if (value !== null && !Array.isArray(value))
			return fail(`Cannot update field at object index of ${typeOf(value)}`);
		const array = value ?? [];
		const [start, end] = sliceBounds(array.length, key.start ?? null, key.end ?? null);
		const updated = setPath(array.slice(start, end), path, replacement, budget, at + 1);
		if (!Array.isArray(updated))
			return fail("A slice of an array can only be assigned another array");
		const result = [...array.slice(0, start), ...updated, ...array.slice(end)];
		budget.checkArrayLength(result.length);
		return result;
	}
	return fail(`Invalid path component ${describeValue(key)}`);
}

/** Deletes several paths; the longest/last first so earlier deletions do not shift later ones. */
export function deletePaths(value: Json, paths: Json[], budget: Budget): Json {
	const sorted = [...paths].sort((a, b) => compare(b, a));
	let result = value;
	for (const path of sorted) {
		if (!Array.isArray(path)) return fail("Path must be specified as an array");
		result = deletePath(result, path, budget, 0);
	}
	return result;
}

function deletePath(value: Json, path: Json[], budget: Budget, at: number): Json {
	if (value === null) return null;
	if (at >= path.length) return null;
	budget.checkDepth(at);
	const key = path[at] as Json;
	if (at === path.length - 1) return deleteKey(value, key);
	const child = index(value, key);
	if (child === null) return value;
	return setPath(value, [key], deletePath(child, path, budget, at + 1), budget);
}

function deleteKey(value: Json, key: Json): Json {
	if (typeof key === "string" && isObject(value)) {
		const copy = { ...value };
		delete copy[key];
		return copy;
	}
	if (typeof key === "number" && Array.isArray(value)) {
		const i = key < 0 ? value.length + key : key;
		if (i < 0 || i >= value.length) return value;
		return [...value.slice(0, i), ...value.slice(i + 1)];
	}
	if (isObject(key) && Array.isArray(value)) {
		const [start, end] = sliceBounds(value.length, key.start ?? null, key.end ?? null);
		return [...value.slice(0, start), ...value.slice(end)];
	}
	return fail(`Cannot delete field at ${typeOf(key)} index of ${typeOf(value)}`);
}

export function toPathJson(path: Path): Json[] {
	return path.map(pathKeyToJson);
}

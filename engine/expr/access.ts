import type { Json } from "./ast";
import type { Budget } from "./limits";
import type { Path, PathKey } from "./runtime";
import { fail } from "./runtime";
import { codePointLength, sliceCodePoints } from "./text";
import { compare, describeValue, equals, isObject, preview, setKey, typeOf } from "./values";

// Indexing, slicing and iteration (`.a`, `.[i]`, `.[a:b]`, `.[]`) and the path operations
// built on them (getpath, setpath, delpaths).

const hasOwn = Object.prototype.hasOwnProperty;

export function index(value: Json, key: Json, budget: Budget): Json {
	if (typeof key === "string") {
		if (isObject(value)) return hasOwn.call(value, key) ? ((value[key] as Json) ?? null) : null;
		if (value === null) return null;
		return fail(`Cannot index ${typeOf(value)} with string ${preview(key)}`);
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
		return slice(value, key.start ?? null, key.end ?? null, budget);
	}
	if (Array.isArray(key) && Array.isArray(value)) return indicesOf(value, key, budget);
	if (value === null && key === null) return null;
	return fail(`Cannot index ${typeOf(value)} with ${typeOf(key)}`);
}

/** Positions where `needle` occurs as a contiguous sub-array (jq's `.[array]`). */
export function indicesOf(haystack: Json[], needle: Json[], budget: Budget): Json {
	if (needle.length === 0) return null;
	const out: number[] = [];
	for (let i = 0; i + needle.length <= haystack.length; i++) {
		budget.elements(1);
		let match = true;
		for (let j = 0; j < needle.length && match; j++)
			match = equals(haystack[i + j] as Json, needle[j] as Json, budget);
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

export function slice(value: Json, from: Json, to: Json, budget: Budget): Json {
	if (value === null) return null;
	if (Array.isArray(value)) {
		const [start, end] = sliceBounds(value.length, from, to);
		budget.elements(end - start);
		return value.slice(start, end);
	}
	if (typeof value === "string") {
		const [start, end] = sliceBounds(codePointLength(value, budget), from, to);
		return sliceCodePoints(value, start, end, budget);
	}
	return fail(`Cannot index ${typeOf(value)} with object`);
}

/** Keys to iterate with `.[]` (and in path mode). */
export function iterationKeys(value: Json, budget: Budget): (string | number)[] {
	if (Array.isArray(value)) {
		budget.elements(value.length);
		return value.map((_, i) => i);
	}
	if (isObject(value)) {
		const keys = Object.keys(value);
		budget.keys(keys.length);
		return keys;
	}
	return fail(`Cannot iterate over ${describeValue(value)}`);
}

export function getPath(value: Json, path: Json[], budget: Budget): Json {
	let current = value;
	for (const key of path) {
		if (current === null) return null;
		budget.elements(1);
		current = index(current, key, budget);
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
	budget.values(1);
	const key = path[at] as Json;
	if (typeof key === "string") {
		if (value !== null && !isObject(value))
			return fail(`Cannot index ${typeOf(value)} with string ${preview(key)}`);
		const copy = copyObject(value ?? {}, budget);
		const child = hasOwn.call(copy, key) ? (copy[key] as Json) : null;
		setKey(copy, key, setPath(child, path, replacement, budget, at + 1));
		budget.checkObjectSize(Object.keys(copy).length);
		return copy;
	}
	if (typeof key === "number") {
		if (value !== null && !Array.isArray(value))
			return fail(`Cannot index ${typeOf(value)} with number`);
		const i = Math.trunc(key < 0 ? (value?.length ?? 0) + key : key);
		if (i < 0) return fail("Out of bounds negative array index");
		budget.checkArrayLength(i + 1);
		budget.elements(Math.max(i + 1, value?.length ?? 0));
		const copy = value ? [...value] : [];
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
		budget.elements(end - start);
		const updated = setPath(array.slice(start, end), path, replacement, budget, at + 1);
		if (!Array.isArray(updated))
			return fail("A slice of an array can only be assigned another array");
		budget.checkArrayLength(array.length - (end - start) + updated.length);
		budget.elements(array.length - (end - start) + updated.length);
		return [...array.slice(0, start), ...updated, ...array.slice(end)];
	}
	return fail(`Invalid path component ${describeValue(key)}`);
}

/** Deletes several paths; the longest/last first so earlier deletions do not shift later ones. */
export function deletePaths(value: Json, paths: Json[], budget: Budget): Json {
	budget.sort(paths.length);
	const sorted = [...paths].sort((a, b) => compare(b, a, budget));
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
	budget.values(1);
	const key = path[at] as Json;
	if (at === path.length - 1) return deleteKey(value, key, budget);
	const child = index(value, key, budget);
	if (child === null) return value;
	return setPath(value, [key], deletePath(child, path, budget, at + 1), budget);
}

function deleteKey(value: Json, key: Json, budget: Budget): Json {
	if (typeof key === "string" && isObject(value)) {
		const copy = copyObject(value, budget);
		delete copy[key];
		return copy;
	}
	if (typeof key === "number" && Array.isArray(value)) {
		const i = key < 0 ? value.length + key : key;
		if (i < 0 || i >= value.length) return value;
		budget.elements(value.length);
		return [...value.slice(0, i), ...value.slice(i + 1)];
	}
	if (isObject(key) && Array.isArray(value)) {
		const [start, end] = sliceBounds(value.length, key.start ?? null, key.end ?? null);
		budget.elements(value.length);
		return [...value.slice(0, start), ...value.slice(end)];
	}
	return fail(`Cannot delete field at ${typeOf(key)} index of ${typeOf(value)}`);
}

/** A shallow copy of an object, charged per key (values are immutable, so they are shared). */
export function copyObject(
	value: { [key: string]: Json },
	budget: Budget,
): { [key: string]: Json } {
	budget.keys(Object.keys(value).length);
	return { ...value };
}

/** Charges for adding the keys of `added` to an object that has `size` keys; returns them. */
export function keysToAdd(added: { [key: string]: Json }, size: number, budget: Budget): string[] {
	const keys = Object.keys(added);
	budget.keys(keys.length, size + keys.length);
	return keys;
}

export function toPathJson(path: Path, budget: Budget): Json[] {
	budget.elements(path.length);
	return path.map(pathKeyToJson);
}

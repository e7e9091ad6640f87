import { index, iterationKeys, slice } from "./access";
import type { Json, Node } from "./ast";
import type { CompileContext, CompileScope } from "./compile-scope";
import type { Compiled, Path, PathKey } from "./runtime";
import { fromRun, fromSingle } from "./runtime";
import { isObject } from "./values";

// Access filters: `.a.b` (fast path), `.[k]`, `.[a:b]`, `.[]` and `..`, in value and path mode.

/**
 * Fast path for the most common template, a chain of literal field names on `.`
 * (`.outputs.trigger.message`): one closure walking the keys, no per-step dispatch.
 */
export function compileFieldPath(node: Node & { kind: "index" }): Compiled | null {
	const keys: string[] = [];
	let current: Node = node;
	while (current.kind === "index") {
		if (current.key.kind !== "literal" || typeof current.key.value !== "string") return null;
		keys.unshift(current.key.value);
		current = current.target;
	}
	if (current.kind !== "identity") return null;
	const paths: Compiled["paths"] = (input, path, _s, budget, emit) => {
		let value = input;
		for (const key of keys) value = value === null ? null : index(value, key, budget);
		budget.step();
		budget.elements(path.length + keys.length);
		emit([...path, ...keys], value);
	};
	return fromSingle((input, _s, budget) => {
		budget.step();
		let value = input;
		for (let i = 0; i < keys.length; i++) {
			if (value === null) return null;
			const key = keys[i] as string;
			if (typeof value === "object" && !Array.isArray(value)) {
				// `?? null`: JS callers may pass `undefined` members; jq has none.
				value = Object.hasOwn(value, key) ? ((value[key] as Json) ?? null) : null;
			} else {
				value = index(value, key, budget);
			}
		}
		return value;
	}, paths);
}

export function compileIndex(target: Compiled, key: Compiled): Compiled {
	const ts = target.single;
	const ks = key.single;
	const paths: Compiled["paths"] = (input, path, s, budget, emit) =>
		key.run(input, s, budget, (k) =>
			target.paths(input, path, s, budget, (p, v) => {
				budget.step();
				budget.elements(p.length);
				emit([...p, k as PathKey], v === null ? null : index(v, k, budget));
			}),
		);
	if (ts && ks) {
		return fromSingle((input, s, budget) => {
			budget.step();
			return index(ts(input, s, budget), ks(input, s, budget), budget);
		}, paths);
	}
	return fromRun(
		(input, s, budget, emit) =>
			key.run(input, s, budget, (k) =>
				target.run(input, s, budget, (v) => {
					budget.step();
					emit(index(v, k, budget));
				}),
			),
		paths,
	);
}

export function compileSlice(
	node: Node & { kind: "slice" },
	scope: CompileScope,
	context: CompileContext,
): Compiled {
	const target = context.compile(node.target, scope);
	const nullFilter = fromSingle(() => null);
	const from = node.from ? context.compile(node.from, scope) : nullFilter;
	const to = node.to ? context.compile(node.to, scope) : nullFilter;
	const bounds = (
		input: Json,
		s: Parameters<Compiled["run"]>[1],
		budget: Parameters<Compiled["run"]>[2],
		each: (f: Json, t: Json) => void,
	) => to.run(input, s, budget, (t) => from.run(input, s, budget, (f) => each(f, t)));
	return fromRun(
		(input, s, budget, emit) =>
			bounds(input, s, budget, (f, t) =>
				target.run(input, s, budget, (v) => emit(slice(v, f, t, budget))),
			),
		(input, path, s, budget, emit) =>
			bounds(input, s, budget, (f, t) =>
				target.paths(input, path, s, budget, (p, v) => {
					budget.elements(p.length);
					emit([...p, { start: f, end: t }], slice(v, f, t, budget));
				}),
			),
	);
}

export function compileIterate(target: Compiled): Compiled {
	return fromRun(
		(input, s, budget, emit) =>
			target.run(input, s, budget, (value) => {
				if (Array.isArray(value)) {
					for (const item of value) {
						budget.step();
						emit(item);
					}
					return;
				}
				for (const key of iterationKeys(value, budget)) {
					budget.step();
					emit((value as { [key: string]: Json })[key] as Json);
				}
			}),
		(input, path, s, budget, emit) =>
			target.paths(input, path, s, budget, (p, value) => {
				for (const key of iterationKeys(value, budget)) {
					budget.step();
					budget.elements(p.length);
					emit([...p, key], index(value, key, budget));
				}
			}),
	);
}

/** `..`: every value, depth first, parents before children (an explicit stack, no recursion). */
export function compileRecurseAll(): Compiled {
	return fromRun(
		(input, _s, budget, emit) => walkDepthFirst(input, [], budget, (_p, v) => emit(v), false),
		(input, path, _s, budget, emit) => walkDepthFirst(input, path, budget, emit, true),
	);
}

export function walkDepthFirst(
	root: Json,
	rootPath: Path,
	budget: Parameters<Compiled["run"]>[2],
	emit: (path: Path, value: Json) => void,
	trackPaths: boolean,
): void {
	// One frame per container being walked; a child (and its path) is made only when it is
	// reached, so a walk stopped by the budget has done no more than it was charged for.
	type Frame = {
		container: Json[] | { [key: string]: Json };
		keys: string[] | null;
		path: Path;
		depth: number;
		next: number;
	};
	const stack: Frame[] = [];
	const visit = (value: Json, path: Path, depth: number) => {
		budget.step();
		budget.checkDepth(depth);
		emit(path, value);
		if (Array.isArray(value)) stack.push({ container: value, keys: null, path, depth, next: 0 });
		else if (isObject(value)) {
			const keys = Object.keys(value);
			budget.keys(keys.length);
			stack.push({ container: value, keys, path, depth, next: 0 });
		}
	};
	visit(root, rootPath, 0);
	while (stack.length > 0) {
		const frame = stack[stack.length - 1] as Frame;
		const { container, keys } = frame;
		const length = keys ? keys.length : (container as Json[]).length;
		if (frame.next >= length) {
			stack.pop();
			continue;
		}
		const at = frame.next++;
		const key = keys ? (keys[at] as string) : at;
		let path = frame.path;
		if (trackPaths) {
			budget.values(1);
			budget.elements(path.length);
			path = [...path, key];
		}
		visit((container as { [key: string]: Json })[key] as Json, path, frame.depth + 1);
	}
}

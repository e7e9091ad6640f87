import { index, iterationKeys, slice } from "./access";
import type { Json, Node } from "./ast";
import { compileBreak, compileCall, compileDef, compileLabel } from "./compile-calls";
import { compileBind, compileFold, compileIf, compileTry } from "./compile-control";
import {
	compileAlternative,
	compileAnd,
	compileArray,
	compileAssign,
	compileBinary,
	compileObject,
	compileOr,
	compileString,
} from "./compile-ops";
import type { CompileContext, CompileScope } from "./compile-scope";
import { applyFormat, isFormat } from "./formats";
import { negate } from "./operators";
import type { Compiled, Path, PathKey } from "./runtime";
import { fromRun, fromSingle, lookupVariable } from "./runtime";
import { isObject } from "./values";

// Compiles the AST to closures. Filters that always yield exactly one value get a `single`
// function so common templates (`.a.b`, comparisons, `and`) run without callbacks.

export function compileNode(node: Node, scope: CompileScope, context: CompileContext): Compiled {
	switch (node.kind) {
		case "identity":
			return fromSingle(
				(input) => input,
				(input, path, _scope, _budget, emit) => emit(path, input),
			);
		case "recurseAll":
			return compileRecurseAll();
		case "literal": {
			const value = node.value;
			return fromSingle(() => value);
		}
		case "string":
			return compileString(node, scope, context);
		case "format": {
			if (!isFormat(node.name))
				throw context.error(node.pos, `@${node.name} is not a valid format`);
			const name = node.name;
			return fromSingle((input, _scope, budget) =>
				budget.checkString(applyFormat(name, input, budget)),
			);
		}
		case "index":
			return (
				compileFieldPath(node) ??
				compileIndex(
					compileNode(node.target, scope, context),
					compileNode(node.key, scope, context),
				)
			);
		case "slice":
			return compileSlice(node, scope, context);
		case "iterate":
			return compileIterate(compileNode(node.target, scope, context));
		case "try":
			return compileTry(node, scope, context);
		case "array":
			return compileArray(node, scope, context);
		case "object":
			return compileObject(node, scope, context);
		case "negate": {
			const body = compileNode(node.body, scope, context);
			const single = body.single;
			if (single) return fromSingle((input, s, budget) => negate(single(input, s, budget)));
			return fromRun((input, s, budget, emit) =>
				body.run(input, s, budget, (v) => emit(negate(v))),
			);
		}
		case "pipe":
			return compilePipe(
				compileNode(node.left, scope, context),
				compileNode(node.right, scope, context),
			);
		case "comma": {
			const left = compileNode(node.left, scope, context);
			const right = compileNode(node.right, scope, context);
			return fromRun(
				(input, s, budget, emit) => {
					left.run(input, s, budget, emit);
					right.run(input, s, budget, emit);
				},
				(input, path, s, budget, emit) => {
					left.paths(input, path, s, budget, emit);
					right.paths(input, path, s, budget, emit);
				},
			);
		}
		case "binary":
			return compileBinary(node, scope, context);
		case "and":
			return compileAnd(node, scope, context);
		case "or":
			return compileOr(node, scope, context);
		case "alternative":
			return compileAlternative(node, scope, context);
		case "assign":
			return compileAssign(node, scope, context);
		case "if":
			return compileIf(node, scope, context);
		case "reduce":
		case "foreach":
			return compileFold(node, scope, context);
		case "bind":
			return compileBind(node, scope, context);
		case "variable":
			return compileVariable(node.name, node.pos, scope, context);
		case "call":
			return compileCall(node, scope, context);
		case "def":
			return compileDef(node, scope, context);
		case "label":
			return compileLabel(node, scope, context);
		case "break":
			return compileBreak(node, scope, context);
	}
}

function compileVariable(
	name: string,
	pos: number,
	scope: CompileScope,
	context: CompileContext,
): Compiled {
	for (let frame = scope; frame !== null; frame = frame.parent) {
		if (frame.kind === "variable" && frame.key === name) {
			return fromSingle((_input, s) => lookupVariable(s, name));
		}
	}
	// No process environment leaks into expressions: $ENV (like `env`) is an empty object.
	if (name === "ENV") return fromSingle(() => ({}));
	throw context.error(pos, `$${name} is not defined`);
}

function compilePipe(left: Compiled, right: Compiled): Compiled {
	const ls = left.single;
	const rs = right.single;
	const paths: Compiled["paths"] = (input, path, s, budget, emit) =>
		left.paths(input, path, s, budget, (p, v) => right.paths(v, p, s, budget, emit));
	if (ls && rs) return fromSingle((input, s, budget) => rs(ls(input, s, budget), s, budget), paths);
	if (ls)
		return fromRun(
			(input, s, budget, emit) => right.run(ls(input, s, budget), s, budget, emit),
			paths,
		);
	return fromRun(
		(input, s, budget, emit) => left.run(input, s, budget, (v) => right.run(v, s, budget, emit)),
		paths,
	);
}

/**
 * Fast path for the most common template, a chain of literal field names on `.`
 * (`.outputs.trigger.message`): one closure walking the keys, no per-step dispatch.
 */
function compileFieldPath(node: Node & { kind: "index" }): Compiled | null {
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
		for (const key of keys) value = value === null ? null : index(value, key);
		budget.step();
		emit([...path, ...keys], value);
	};
	return fromSingle((input, _s, budget) => {
		budget.step();
		let value = input;
		for (let i = 0; i < keys.length; i++) {
			if (value === null) return null;
			const key = keys[i] as string;
			if (typeof value === "object" && !Array.isArray(value)) {
				value = Object.hasOwn(value, key) ? (value[key] as Json) : null;
			} else {
				value = index(value, key);
			}
		}
		return value;
	}, paths);
}

function compileIndex(target: Compiled, key: Compiled): Compiled {
	const ts = target.single;
	const ks = key.single;
	const paths: Compiled["paths"] = (input, path, s, budget, emit) =>
		key.run(input, s, budget, (k) =>
			target.paths(input, path, s, budget, (p, v) => {
				budget.step();
				emit([...p, k as PathKey], v === null ? null : index(v, k));
			}),
		);
	if (ts && ks) {
		return fromSingle((input, s, budget) => {
			budget.step();
			return index(ts(input, s, budget), ks(input, s, budget));
		}, paths);
	}
	return fromRun(
		(input, s, budget, emit) =>
			key.run(input, s, budget, (k) =>
				target.run(input, s, budget, (v) => {
					budget.step();
					emit(index(v, k));
				}),
			),
		paths,
	);
}

function compileSlice(
	node: Node & { kind: "slice" },
	scope: CompileScope,
	context: CompileContext,
): Compiled {
	const target = compileNode(node.target, scope, context);
	const nullFilter = fromSingle(() => null);
	const from = node.from ? compileNode(node.from, scope, context) : nullFilter;
	const to = node.to ? compileNode(node.to, scope, context) : nullFilter;
	const bounds = (
		input: Json,
		s: Parameters<Compiled["run"]>[1],
		budget: Parameters<Compiled["run"]>[2],
		each: (f: Json, t: Json) => void,
	) => to.run(input, s, budget, (t) => from.run(input, s, budget, (f) => each(f, t)));
	return fromRun(
		(input, s, budget, emit) =>
			bounds(input, s, budget, (f, t) => target.run(input, s, budget, (v) => emit(slice(v, f, t)))),
		(input, path, s, budget, emit) =>
			bounds(input, s, budget, (f, t) =>
				target.paths(input, path, s, budget, (p, v) =>
					emit([...p, { start: f, end: t }], slice(v, f, t)),
				),
			),
	);
}

function compileIterate(target: Compiled): Compiled {
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
				for (const key of iterationKeys(value)) {
					budget.step();
					emit((value as { [key: string]: Json })[key] as Json);
				}
			}),
		(input, path, s, budget, emit) =>
			target.paths(input, path, s, budget, (p, value) => {
				for (const key of iterationKeys(value)) {
					budget.step();
					emit([...p, key], index(value, key));
				}
			}),
	);
}

/** `..`: every value, depth first, parents before children (an explicit stack, no recursion). */
function compileRecurseAll(): Compiled {
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
	const stack: { value: Json; path: Path; depth: number }[] = [
		{ value: root, path: rootPath, depth: 0 },
	];
	while (stack.length > 0) {
		const { value, path, depth } = stack.pop() as { value: Json; path: Path; depth: number };
		budget.step();
		budget.checkDepth(depth);
		emit(path, value);
		if (Array.isArray(value)) {
			for (let i = value.length - 1; i >= 0; i--) {
				stack.push({
					value: value[i] as Json,
					path: trackPaths ? [...path, i] : path,
					depth: depth + 1,
				});
			}
		} else if (isObject(value)) {
			const keys = Object.keys(value);
			for (let i = keys.length - 1; i >= 0; i--) {
				const key = keys[i] as string;
				stack.push({
					value: value[key] as Json,
					path: trackPaths ? [...path, key] : path,
					depth: depth + 1,
				});
			}
		}
	}
}

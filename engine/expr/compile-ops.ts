import { deletePaths, getPath, setPath, toPathJson } from "./access";
import type { Json, Node } from "./ast";
import { compileNode } from "./compile";
import type { CompileContext, CompileScope } from "./compile-scope";
import { applyFormat, isFormat } from "./formats";
import type { Budget } from "./limits";
import { add, applyBinary } from "./operators";
import type { Compiled, Emit, Path, Scope } from "./runtime";
import { collect, fail, fromRun, fromSingle, StopSignal } from "./runtime";
import { setKey, toText, truthy } from "./values";

// Operators and constructors: strings, arrays, objects, arithmetic/comparison, and/or, `//`,
// and the assignment operators (`=`, `|=`, `+=`, ...).

type NodeOf<K extends Node["kind"]> = Node & { kind: K };

export function compileString(
	node: NodeOf<"string">,
	scope: CompileScope,
	context: CompileContext,
): Compiled {
	const format = node.format;
	if (format !== null && !isFormat(format))
		throw context.error(node.pos, `@${format} is not a valid format`);
	const parts = node.parts.map((part) =>
		typeof part === "string" ? part : compileNode(part, scope, context),
	);
	const render = (value: Json, budget: Budget): string =>
		format === null ? toText(value) : applyFormat(format, value, budget);
	if (parts.every((part) => typeof part === "string" || part.single)) {
		return fromSingle((input, s, budget) => {
			let out = "";
			for (const part of parts)
				out +=
					typeof part === "string"
						? part
						: render((part.single as NonNullable<Compiled["single"]>)(input, s, budget), budget);
			return budget.checkString(out);
		});
	}
	// Later interpolations are the outer loops, as jq builds strings with `+`.
	const build = (
		input: Json,
		s: Scope,
		budget: Budget,
		at: number,
		suffix: string,
		emit: Emit,
	): void => {
		if (at < 0) {
			emit(budget.checkString(suffix));
			return;
		}
		const part = parts[at] as string | Compiled;
		if (typeof part === "string") {
			build(input, s, budget, at - 1, part + suffix, emit);
			return;
		}
		part.run(input, s, budget, (value) =>
			build(input, s, budget, at - 1, render(value, budget) + suffix, emit),
		);
	};
	return fromRun((input, s, budget, emit) => build(input, s, budget, parts.length - 1, "", emit));
}

export function compileArray(
	node: NodeOf<"array">,
	scope: CompileScope,
	context: CompileContext,
): Compiled {
	if (node.body === null) return fromSingle(() => []);
	const body = compileNode(node.body, scope, context);
	return fromSingle((input, s, budget) => {
		budget.step();
		return collect(body, input, s, budget);
	});
}

export function compileObject(
	node: NodeOf<"object">,
	scope: CompileScope,
	context: CompileContext,
): Compiled {
	const entries = node.entries.map((entry) => ({
		key: compileNode(entry.key, scope, context),
		value: compileNode(entry.value, scope, context),
	}));
	const checkKey = (key: Json): string =>
		typeof key === "string" ? key : fail(`Object keys must be strings (got ${toText(key)})`);
	if (entries.every((entry) => entry.key.single && entry.value.single)) {
		return fromSingle((input, s, budget) => {
			budget.step();
			const out: { [key: string]: Json } = {};
			for (const entry of entries) {
				const key = checkKey(
					(entry.key.single as NonNullable<Compiled["single"]>)(input, s, budget),
				);
				setKey(out, key, (entry.value.single as NonNullable<Compiled["single"]>)(input, s, budget));
			}
			return out;
		});
	}
	// Every combination of key and value outputs; earlier entries are the outer loops.
	const build = (
		input: Json,
		s: Scope,
		budget: Budget,
		at: number,
		acc: [string, Json][],
		emit: Emit,
	): void => {
		const entry = entries[at];
		if (!entry) {
			budget.step();
			const out: { [key: string]: Json } = {};
			for (const [key, value] of acc) setKey(out, key, value);
			emit(out);
			return;
		}
		entry.key.run(input, s, budget, (key) =>
			entry.value.run(input, s, budget, (value) =>
				build(input, s, budget, at + 1, [...acc, [checkKey(key), value]], emit),
			),
		);
	};
	return fromRun((input, s, budget, emit) => build(input, s, budget, 0, [], emit));
}

export function compileBinary(
	node: NodeOf<"binary">,
	scope: CompileScope,
	context: CompileContext,
): Compiled {
	const left = compileNode(node.left, scope, context);
	const right = compileNode(node.right, scope, context);
	const op = node.op;
	const ls = left.single;
	const rs = right.single;
	if (ls && rs) {
		return fromSingle((input, s, budget) => {
			budget.step();
			return applyBinary(op, ls(input, s, budget), rs(input, s, budget), budget);
		});
	}
	// jq evaluates the right operand as the outer loop: (1,2) + (10,20) is 11, 12, 21, 22.
	return fromRun((input, s, budget, emit) =>
		right.run(input, s, budget, (r) =>
			left.run(input, s, budget, (l) => {
				budget.step();
				emit(applyBinary(op, l, r, budget));
			}),
		),
	);
}

export function compileAnd(
	node: NodeOf<"and">,
	scope: CompileScope,
	context: CompileContext,
): Compiled {
	return compileLogical(node, scope, context, false);
}

export function compileOr(
	node: NodeOf<"or">,
	scope: CompileScope,
	context: CompileContext,
): Compiled {
	return compileLogical(node, scope, context, true);
}

/** `and` stops at a false left side, `or` at a true one; both yield booleans. */
function compileLogical(
	node: NodeOf<"and"> | NodeOf<"or">,
	scope: CompileScope,
	context: CompileContext,
	shortCircuitOn: boolean,
): Compiled {
	const left = compileNode(node.left, scope, context);
	const right = compileNode(node.right, scope, context);
	const ls = left.single;
	const rs = right.single;
	if (ls && rs) {
		return fromSingle((input, s, budget) =>
			truthy(ls(input, s, budget)) === shortCircuitOn
				? shortCircuitOn
				: truthy(rs(input, s, budget)),
		);
	}
	return fromRun((input, s, budget, emit) =>
		left.run(input, s, budget, (l) => {
			if (truthy(l) === shortCircuitOn) emit(shortCircuitOn);
			else right.run(input, s, budget, (r) => emit(truthy(r)));
		}),
	);
}

export function compileAlternative(
	node: NodeOf<"alternative">,
	scope: CompileScope,
	context: CompileContext,
): Compiled {
	const left = compileNode(node.left, scope, context);
	const right = compileNode(node.right, scope, context);
	return fromRun(
		(input, s, budget, emit) => {
			let found = false;
			left.run(input, s, budget, (value) => {
				if (!truthy(value)) return;
				found = true;
				emit(value);
			});
			if (!found) right.run(input, s, budget, emit);
		},
		(input, path, s, budget, emit) => {
			let found = false;
			left.paths(input, path, s, budget, (p, value) => {
				if (!truthy(value)) return;
				found = true;
				emit(p, value);
			});
			if (!found) right.paths(input, path, s, budget, emit);
		},
	);
}

function pathsOf(filter: Compiled, input: Json, s: Scope, budget: Budget): Json[][] {
	const out: Json[][] = [];
	filter.paths(input, [], s, budget, (path: Path) => {
		budget.step();
		out.push(toPathJson(path));
	});
	return out;
}

export function compileAssign(
	node: NodeOf<"assign">,
	scope: CompileScope,
	context: CompileContext,
): Compiled {
	const left = compileNode(node.left, scope, context);
	const right = compileNode(node.right, scope, context);
	const op = node.op;
	if (op === "|=") {
		return fromRun((input, s, budget, emit) =>
			emit(modify(input, pathsOf(left, input, s, budget), right, s, budget)),
		);
	}
	return fromRun((input, s, budget, emit) =>
		right.run(input, s, budget, (rhs) => {
			let result = input;
			for (const path of pathsOf(left, input, s, budget)) {
				const current = getPath(result, path);
				const next = updateWith(op, current, rhs, budget);
				result = setPath(result, path, next, budget);
			}
			emit(result);
		}),
	);
}

function updateWith(
	op: Exclude<NodeOf<"assign">["op"], "|=">,
	current: Json,
	rhs: Json,
	budget: Budget,
): Json {
	switch (op) {
		case "=":
			return rhs;
		case "//=":
			return truthy(current) ? current : rhs;
		case "+=":
			return add(current, rhs, budget);
		case "-=":
			return applyBinary("-", current, rhs, budget);
		case "*=":
			return applyBinary("*", current, rhs, budget);
		case "/=":
			return applyBinary("/", current, rhs, budget);
		case "%=":
			return applyBinary("%", current, rhs, budget);
	}
}

/** jq 1.6 `_modify`: the first output of `update` replaces each path; no output deletes it. */
export function modify(
	input: Json,
	paths: Json[][],
	update: Compiled,
	s: Scope,
	budget: Budget,
): Json {
	let result = input;
	for (const path of paths) {
		const current = getPath(result, path);
		const stop = new StopSignal({});
		let replacement: { value: Json } | null = null;
		try {
			update.run(current, s, budget, (value) => {
				replacement = { value };
				throw stop;
			});
		} catch (e) {
			if (e !== stop) throw e;
		}
		const chosen = replacement as { value: Json } | null;
		result = chosen
			? setPath(result, path, chosen.value, budget)
			: deletePaths(result, [path], budget);
	}
	return result;
}

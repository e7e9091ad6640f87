import { deletePaths, getPath, setPath, toPathJson } from "./access";
import type { Json, Node } from "./ast";
import type { CompileContext, CompileScope } from "./compile-scope";
import type { Budget } from "./limits";
import { add, applyBinary } from "./operators";
import type { Compiled, Path, Scope } from "./runtime";
import { fromRun, StopSignal } from "./runtime";
import { truthy } from "./values";

// Assignment operators (`=`, `|=`, `+=`, ...) on top of path mode, as jq 1.6 defines them.

type NodeOf<K extends Node["kind"]> = Node & { kind: K };

function pathsOf(filter: Compiled, input: Json, s: Scope, budget: Budget): Json[][] {
	const out: Json[][] = [];
	filter.paths(input, [], s, budget, (path: Path) => {
		budget.step();
		out.push(toPathJson(path, budget));
	});
	return out;
}

export function compileAssign(
	node: NodeOf<"assign">,
	scope: CompileScope,
	context: CompileContext,
): Compiled {
	const left = context.compile(node.left, scope);
	const right = context.compile(node.right, scope);
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
				const current = getPath(result, path, budget);
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
		const current = getPath(result, path, budget);
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

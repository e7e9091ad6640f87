import type { Node } from "./ast";
import type { CompileContext, CompileScope } from "./compile-scope";
import { applyBinary } from "./operators";
import type { Compiled } from "./runtime";
import { fromRun, fromSingle } from "./runtime";
import { truthy } from "./values";

// Binary operators: arithmetic/comparison, and/or, and the alternative `//`.

type NodeOf<K extends Node["kind"]> = Node & { kind: K };

export function compileBinary(
	node: NodeOf<"binary">,
	scope: CompileScope,
	context: CompileContext,
): Compiled {
	const left = context.compile(node.left, scope);
	const right = context.compile(node.right, scope);
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
	const left = context.compile(node.left, scope);
	const right = context.compile(node.right, scope);
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
	const left = context.compile(node.left, scope);
	const right = context.compile(node.right, scope);
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

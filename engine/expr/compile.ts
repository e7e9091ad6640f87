import type { Node } from "./ast";
import {
	compileFieldPath,
	compileIndex,
	compileIterate,
	compileRecurseAll,
	compileSlice,
} from "./compile-access";
import { compileAssign } from "./compile-assign";
import { compileBreak, compileCall, compileDef, compileLabel } from "./compile-calls";
import { compileArray, compileObject, compileString } from "./compile-construct";
import { compileBind, compileFold, compileIf, compileTry } from "./compile-control";
import { compileAlternative, compileAnd, compileBinary, compileOr } from "./compile-ops";
import type { CompileContext, CompileScope } from "./compile-scope";
import { applyFormat, isFormat } from "./formats";
import { negate } from "./operators";
import type { Compiled } from "./runtime";
import { fromRun, fromSingle, lookupVariable } from "./runtime";

// Compiles the AST to closures. Filters that always yield exactly one value get a `single`
// function so common templates (`.a.b`, comparisons, `and`) run without callbacks.

/** Compiles a whole expression; `error` builds the syntax error for a position in its source. */
export function compileProgram(ast: Node, error: CompileContext["error"]): Compiled {
	const context: CompileContext = {
		error,
		compile: (node, scope) => compileNode(node, scope, context),
	};
	return context.compile(ast, null);
}

function compileNode(node: Node, scope: CompileScope, context: CompileContext): Compiled {
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
				compileIndex(context.compile(node.target, scope), context.compile(node.key, scope))
			);
		case "slice":
			return compileSlice(node, scope, context);
		case "iterate":
			return compileIterate(context.compile(node.target, scope));
		case "try":
			return compileTry(node, scope, context);
		case "array":
			return compileArray(node, scope, context);
		case "object":
			return compileObject(node, scope, context);
		case "negate": {
			const body = context.compile(node.body, scope);
			const single = body.single;
			if (single) return fromSingle((input, s, budget) => negate(single(input, s, budget)));
			return fromRun((input, s, budget, emit) =>
				body.run(input, s, budget, (v) => emit(negate(v))),
			);
		}
		case "pipe":
			return compilePipe(context.compile(node.left, scope), context.compile(node.right, scope));
		case "comma": {
			const left = context.compile(node.left, scope);
			const right = context.compile(node.right, scope);
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

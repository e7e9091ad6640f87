import type { Json, Node } from "./ast";
import { lookupBuiltin } from "./builtins";
import type { CompileContext, CompileScope } from "./compile-scope";
import { extendScope, findInScope } from "./compile-scope";
import type { Budget } from "./limits";
import type { Compiled, CompiledDef, Emit, Path, PathEmit, Scope } from "./runtime";
import { bindVariable, fail, fromRun, StopSignal } from "./runtime";
import { preview } from "./values";

// Function definitions and calls (user `def`s, closure parameters, built-ins), label/break.

type NodeOf<K extends Node["kind"]> = Node & { kind: K };

export function compileDef(
	node: NodeOf<"def">,
	scope: CompileScope,
	context: CompileContext,
): Compiled {
	const { name, params, body } = node.def;
	const key = `${name}/${params.length}`;
	const withSelf = extendScope(scope, "function", key);
	let bodyScope = withSelf;
	for (const param of params) {
		if (param.startsWith("$")) {
			bodyScope = extendScope(bodyScope, "variable", param.slice(1));
			bodyScope = extendScope(bodyScope, "closure", `${param.slice(1)}/0`);
		} else {
			bodyScope = extendScope(bodyScope, "closure", `${param}/0`);
		}
	}
	const def: CompiledDef = { params, body: context.compile(body, bodyScope) };
	const rest = context.compile(node.rest, withSelf);
	const enter = (s: Scope): Scope => ({ kind: "function", key, def, parent: s });
	return fromRun(
		(input, s, budget, emit) => rest.run(input, enter(s), budget, emit),
		(input, path, s, budget, emit) => rest.paths(input, path, enter(s), budget, emit),
	);
}

export function compileCall(
	node: NodeOf<"call">,
	scope: CompileScope,
	context: CompileContext,
): Compiled {
	const key = `${node.name}/${node.args.length}`;
	const args = node.args.map((arg) => context.compile(arg, scope));
	const resolved = findInScope(scope, "callable", key);
	if (resolved === "closure") return compileClosureCall(key);
	if (resolved === "function") return compileUserCall(key, args);
	const builtin = lookupBuiltin(key);
	if (builtin) return builtin(args, node.pos);
	throw context.error(
		node.pos,
		`${key} is not defined (unknown function or wrong number of arguments)`,
	);
}

function compileClosureCall(key: string): Compiled {
	const find = (s: Scope) => {
		for (let frame = s; frame !== null; frame = frame.parent) {
			if (frame.kind === "closure" && frame.key === key) return frame;
		}
		return fail(`${key} is not defined`);
	};
	return fromRun(
		(input, s, budget, emit) => {
			const frame = find(s);
			budget.step();
			frame.filter.run(input, frame.scope, budget, emit);
		},
		(input, path, s, budget, emit) => {
			const frame = find(s);
			frame.filter.paths(input, path, frame.scope, budget, emit);
		},
	);
}

function compileUserCall(key: string, args: Compiled[]): Compiled {
	const invoke = (
		s: Scope,
		input: Json,
		budget: Budget,
		body: (def: CompiledDef, callScope: Scope) => void,
	) => {
		let frame = s;
		while (frame !== null && !(frame.kind === "function" && frame.key === key))
			frame = frame.parent;
		if (frame === null || frame.kind !== "function") return fail(`${key} is not defined`);
		const def = frame.def;
		budget.step();
		budget.enterCall();
		try {
			bindParams(def.params, args, 0, frame, s, input, budget, (callScope) => body(def, callScope));
		} finally {
			budget.callDepth--;
		}
	};
	return fromRun(
		(input, s, budget, emit: Emit) =>
			invoke(s, input, budget, (def, cs) => def.body.run(input, cs, budget, emit)),
		(input, path: Path, s, budget, emit: PathEmit) =>
			invoke(s, input, budget, (def, cs) => def.body.paths(input, path, cs, budget, emit)),
	);
}

/** Filter parameters become closures over the caller's scope; `$x` parameters bind each value. */
function bindParams(
	params: string[],
	args: Compiled[],
	at: number,
	callScope: Scope,
	callerScope: Scope,
	input: Json,
	budget: Budget,
	each: (scope: Scope) => void,
): void {
	const param = params[at];
	const arg = args[at];
	if (param === undefined || arg === undefined) {
		each(callScope);
		return;
	}
	if (!param.startsWith("$")) {
		const next: Scope = {
			kind: "closure",
			key: `${param}/0`,
			filter: arg,
			scope: callerScope,
			parent: callScope,
		};
		bindParams(params, args, at + 1, next, callerScope, input, budget, each);
		return;
	}
	const name = param.slice(1);
	arg.run(input, callerScope, budget, (value) => {
		const withVariable = bindVariable(callScope, name, value);
		const constant: Compiled = {
			run: (_i, _s, _b, emit) => emit(value),
			paths: () => fail(`Invalid path expression with result ${preview(value)}`),
			single: () => value,
		};
		const next: Scope = {
			kind: "closure",
			key: `${name}/0`,
			filter: constant,
			scope: null,
			parent: withVariable,
		};
		bindParams(params, args, at + 1, next, callerScope, input, budget, each);
	});
}

export function compileLabel(
	node: NodeOf<"label">,
	scope: CompileScope,
	context: CompileContext,
): Compiled {
	const body = context.compile(node.body, extendScope(scope, "label", node.name));
	const name = node.name;
	return fromRun((input, s, budget, emit) => {
		const id = {};
		try {
			body.run(input, { kind: "label", name, id, parent: s }, budget, emit);
		} catch (e) {
			if (!(e instanceof StopSignal && e.id === id)) throw e;
		}
	});
}

export function compileBreak(
	node: NodeOf<"break">,
	scope: CompileScope,
	context: CompileContext,
): Compiled {
	if (!findInScope(scope, "label", node.name))
		throw context.error(node.pos, `$*label-${node.name} is not defined`);
	const name = node.name;
	return fromRun((_input, s) => {
		for (let frame = s; frame !== null; frame = frame.parent) {
			if (frame.kind === "label" && frame.name === name) throw new StopSignal(frame.id);
		}
		fail(`label ${name} is not defined`);
	});
}

import { index } from "./access";
import type { Json, Node, Pattern } from "./ast";
import type { CompileContext, CompileScope } from "./compile-scope";
import { extendScope } from "./compile-scope";
import { ExprRuntimeError } from "./errors";
import type { Budget } from "./limits";
import type { Compiled, Emit, PathEmit, Scope } from "./runtime";
import { bindVariable, fail, fromRun, fromSingle, Passthrough } from "./runtime";
import { truthy } from "./values";

// Control flow: if, try/catch, reduce, foreach and `as` bindings with destructuring.

type NodeOf<K extends Node["kind"]> = Node & { kind: K };

export function compileIf(
	node: NodeOf<"if">,
	scope: CompileScope,
	context: CompileContext,
): Compiled {
	let result = context.compile(node.otherwise, scope);
	for (let i = node.branches.length - 1; i >= 0; i--) {
		const branch = node.branches[i] as NodeOf<"if">["branches"][number];
		result = compileBranch(
			context.compile(branch.cond, scope),
			context.compile(branch.body, scope),
			result,
		);
	}
	return result;
}

function compileBranch(cond: Compiled, then: Compiled, otherwise: Compiled): Compiled {
	const cs = cond.single;
	const ts = then.single;
	const os = otherwise.single;
	const paths: Compiled["paths"] = (input, path, s, budget, emit) =>
		cond.run(input, s, budget, (c) =>
			(truthy(c) ? then : otherwise).paths(input, path, s, budget, emit),
		);
	if (cs && ts && os) {
		return fromSingle(
			(input, s, budget) => (truthy(cs(input, s, budget)) ? ts : os)(input, s, budget),
			paths,
		);
	}
	return fromRun(
		(input, s, budget, emit) =>
			cond.run(input, s, budget, (c) => (truthy(c) ? then : otherwise).run(input, s, budget, emit)),
		paths,
	);
}

export function compileTry(
	node: NodeOf<"try">,
	scope: CompileScope,
	context: CompileContext,
): Compiled {
	const body = context.compile(node.body, scope);
	const handler = node.handler ? context.compile(node.handler, scope) : null;
	return fromRun(
		(input, s, budget, emit) => {
			const caught = runGuarded((guarded) => body.run(input, s, budget, guarded), emit, budget);
			// jq 1.6 treats `error(null)` as uncatchable-but-silent inside try: no output at all.
			if (caught && handler && caught.value !== null)
				handler.run(caught.value as Json, s, budget, emit);
		},
		(input, path, s, budget, emit) => {
			const caught = runGuarded(
				(guarded) => body.paths(input, path, s, budget, guarded),
				emit as PathEmit,
				budget,
			);
			if (caught && handler && caught.value !== null)
				handler.paths(caught.value as Json, path, s, budget, emit);
		},
	);
}

/**
 * Runs `body`, catching runtime errors raised by the body itself but not those raised by the
 * consumer of its outputs (those are wrapped on the way out and unwrapped here).
 */
function runGuarded<E extends Emit | PathEmit>(
	body: (guarded: E) => void,
	emit: E,
	budget: Budget,
): ExprRuntimeError | null {
	const guarded = ((...args: Parameters<E>) => {
		try {
			(emit as (...a: Parameters<E>) => void)(...args);
		} catch (e) {
			throw new Passthrough(e);
		}
	}) as E;
	try {
		body(guarded);
	} catch (e) {
		if (e instanceof Passthrough) throw e.inner;
		if (e instanceof ExprRuntimeError) {
			budget.caughtError();
			return e;
		}
		throw e;
	}
	return null;
}

export function compileFold(
	node: NodeOf<"reduce"> | NodeOf<"foreach">,
	scope: CompileScope,
	context: CompileContext,
): Compiled {
	const source = context.compile(node.source, scope);
	const init = context.compile(node.init, scope);
	const inner = patternScope(node.pattern, scope, context);
	const matcher = compilePattern(node.pattern, scope, context);
	const update = context.compile(node.update, inner);
	if (node.kind === "reduce") {
		return fromRun((input, s, budget, emit) =>
			init.run(input, s, budget, (initial) => {
				let state: Json = initial;
				source.run(input, s, budget, (item) =>
					matcher(item, s, budget, (bound) => {
						budget.step();
						// jq 1.6: the last output of the update wins; no output leaves null.
						let next: Json = null;
						update.run(state, bound, budget, (value) => {
							next = value;
						});
						state = next;
					}),
				);
				emit(state);
			}),
		);
	}
	const extract = node.extract ? context.compile(node.extract, inner) : null;
	return fromRun((input, s, budget, emit) =>
		init.run(input, s, budget, (initial) => {
			let state: Json = initial;
			source.run(input, s, budget, (item) =>
				matcher(item, s, budget, (bound) => {
					budget.step();
					update.run(state, bound, budget, (value) => {
						state = value;
						if (extract) extract.run(value, bound, budget, emit);
						else emit(value);
					});
				}),
			);
		}),
	);
}

export function compileBind(
	node: NodeOf<"bind">,
	scope: CompileScope,
	context: CompileContext,
): Compiled {
	const source = context.compile(node.source, scope);
	const matcher = compilePattern(node.pattern, scope, context);
	const body = context.compile(node.body, patternScope(node.pattern, scope, context));
	return fromRun(
		(input, s, budget, emit) =>
			source.run(input, s, budget, (value) =>
				matcher(value, s, budget, (bound) => body.run(input, bound, budget, emit)),
			),
		(input, path, s, budget, emit) =>
			source.run(input, s, budget, (value) =>
				matcher(value, s, budget, (bound) => body.paths(input, path, bound, budget, emit)),
			),
	);
}

/** Compile-time scope after a pattern binds its variables. */
export function patternScope(
	pattern: Pattern,
	scope: CompileScope,
	context: CompileContext,
): CompileScope {
	switch (pattern.kind) {
		case "variable":
			return extendScope(scope, "variable", pattern.name);
		case "array":
			return pattern.items.reduce((acc, item) => patternScope(item, acc, context), scope);
		case "object":
			return pattern.entries.reduce((acc, entry) => {
				const withKey = entry.keyVariable ? extendScope(acc, "variable", entry.keyVariable) : acc;
				return entry.value ? patternScope(entry.value, withKey, context) : withKey;
			}, scope);
	}
}

type Matcher = (value: Json, scope: Scope, budget: Budget, each: (bound: Scope) => void) => void;

/** Destructures a value; calls `each` once per binding (computed keys may yield several). */
export function compilePattern(
	pattern: Pattern,
	scope: CompileScope,
	context: CompileContext,
): Matcher {
	switch (pattern.kind) {
		case "variable": {
			const name = pattern.name;
			return (value, s, _budget, each) => each(bindVariable(s, name, value));
		}
		case "array": {
			const items = pattern.items.map((item) => compilePattern(item, scope, context));
			return (value, s, budget, each) => {
				const step = (at: number, current: Scope): void => {
					const item = items[at];
					if (!item) {
						each(current);
						return;
					}
					item(index(value, at, budget), current, budget, (next) => step(at + 1, next));
				};
				step(0, s);
			};
		}
		case "object": {
			const entries = pattern.entries.map((entry) => ({
				key: context.compile(entry.key, scope),
				keyVariable: entry.keyVariable,
				value: entry.value ? compilePattern(entry.value, scope, context) : null,
			}));
			return (value, s, budget, each) => {
				const step = (at: number, current: Scope): void => {
					const entry = entries[at];
					if (!entry) {
						each(current);
						return;
					}
					// Computed keys see the variables bound so far, as in jq.
					entry.key.run(value, current, budget, (key) => {
						if (typeof key !== "string")
							fail(`Cannot index object with ${key === null ? "null" : typeof key}`);
						const field = index(value, key, budget);
						const withKey = entry.keyVariable
							? bindVariable(current, entry.keyVariable, field)
							: current;
						if (entry.value) entry.value(field, withKey, budget, (next) => step(at + 1, next));
						else step(at + 1, withKey);
					});
				};
				step(0, s);
			};
		}
	}
}

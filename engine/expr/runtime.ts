import type { Json } from "./ast";
import { ExprRuntimeError } from "./errors";
import type { Budget } from "./limits";
import { preview } from "./values";

// Shapes shared by the compiler, the evaluator and the built-ins.

export type Emit = (value: Json) => void;

/** A path step: object key, array index, or a slice `{start, end}` as jq represents it. */
export type PathKey = string | number | { start: Json; end: Json };
export type Path = PathKey[];
export type PathEmit = (path: Path, value: Json) => void;

/**
 * Runtime scope: an immutable linked list. Variables, function definitions and the
 * closures passed as function arguments are all frames; lookups walk towards the root.
 */
export type Scope =
	| { kind: "variable"; name: string; value: Json; parent: Scope }
	| { kind: "function"; key: string; def: CompiledDef; parent: Scope }
	| { kind: "closure"; key: string; filter: Compiled; scope: Scope; parent: Scope }
	| { kind: "label"; name: string; id: object; parent: Scope }
	| null;

export interface CompiledDef {
	params: string[];
	body: Compiled;
}

/** Produces every output of a filter for one input. */
export type Run = (input: Json, scope: Scope, budget: Budget, emit: Emit) => void;
/** Path mode: produces (path, value) pairs, as `path(f)`, `del(f)` and `|=` need. */
export type RunPaths = (
	input: Json,
	path: Path,
	scope: Scope,
	budget: Budget,
	emit: PathEmit,
) => void;
/** Fast form for filters that always produce exactly one output (or throw). */
export type Single = (input: Json, scope: Scope, budget: Budget) => Json;

export interface Compiled {
	run: Run;
	paths: RunPaths;
	single: Single | null;
}

/** Thrown by `limit`/`first` to stop a generator early; never escapes its catcher. */
export class StopSignal {
	constructor(readonly id: object) {}
}

/** Wraps errors thrown downstream of a `try` body so that `try` does not catch them. */
export class Passthrough {
	constructor(readonly inner: unknown) {}
}

export function fail(message: string): never {
	throw new ExprRuntimeError(message);
}

export function lookupVariable(scope: Scope, name: string): Json {
	for (let frame = scope; frame !== null; frame = frame.parent) {
		if (frame.kind === "variable" && frame.name === name) return frame.value;
	}
	return fail(`$${name} is not defined`);
}

export function bindVariable(scope: Scope, name: string, value: Json): Scope {
	return { kind: "variable", name, value, parent: scope };
}

/** Builds a Compiled from a single-output function. */
export function fromSingle(single: Single, paths: RunPaths = invalidPaths(single)): Compiled {
	return {
		single,
		paths,
		run: (input, scope, budget, emit) => emit(single(input, scope, budget)),
	};
}

/** Builds a Compiled from a generator with no path support. */
export function fromRun(run: Run, paths?: RunPaths): Compiled {
	return { run, paths: paths ?? invalidPathsOfRun(run), single: null };
}

function invalidPaths(single: Single): RunPaths {
	return (input, _path, scope, budget) => {
		const value = single(input, scope, budget);
		invalidPath(value);
	};
}

function invalidPathsOfRun(run: Run): RunPaths {
	return (input, _path, scope, budget) => run(input, scope, budget, invalidPath);
}

function invalidPath(value: Json): never {
	return fail(`Invalid path expression with result ${preview(value)}`);
}

/** Collects all outputs of a filter (used where jq needs them all, e.g. `[...]`). */
export function collect(filter: Compiled, input: Json, scope: Scope, budget: Budget): Json[] {
	if (filter.single) return [filter.single(input, scope, budget)];
	const out: Json[] = [];
	filter.run(input, scope, budget, (value) => {
		out.push(value);
		budget.checkArrayLength(out.length);
	});
	return out;
}

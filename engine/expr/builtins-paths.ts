import { deletePaths, getPath, iterationKeys, setPath, toPathJson } from "./access";
import type { Json } from "./ast";
import type { BuiltinTable } from "./builtins-helpers";
import { valueBuiltin } from "./builtins-helpers";
import { walkDepthFirst } from "./compile-access";
import { modify } from "./compile-assign";
import type { Compiled, Path } from "./runtime";
import { fail, fromRun, fromSingle } from "./runtime";
import { describeValue, isObject, truthy } from "./values";

// Path built-ins: path, paths, leaf_paths, getpath, setpath, delpaths, del, map_values.

function requirePath(value: Json): Json[] {
	return Array.isArray(value) ? value : fail("Path must be specified as an array");
}

/** All non-empty paths in `input`, parents first; optionally only where `keep` says so. */
function allPaths(args: Compiled[], leavesOnly: boolean): Compiled {
	const filter = args[0] ?? null;
	return fromRun((input, s, budget, emit) =>
		walkDepthFirst(
			input,
			[],
			budget,
			(path: Path, value) => {
				if (path.length === 0) return;
				// leaf_paths is `paths(scalars)`: null and false leaves select nothing.
				if (leavesOnly && (typeof value === "object" || !truthy(value))) return;
				if (!filter) return emit(toPathJson(path, budget));
				filter.run(value, s, budget, (keep) => truthy(keep) && emit(toPathJson(path, budget)));
			},
			true,
		),
	);
}

export const pathBuiltins: BuiltinTable = {
	"path/1": (args) =>
		fromRun((input, s, budget, emit) =>
			(args[0] as Compiled).paths(input, [], s, budget, (path) => emit(toPathJson(path, budget))),
		),
	"paths/0": (args) => allPaths(args, false),
	"paths/1": (args) => allPaths(args, false),
	"leaf_paths/0": () => allPaths([], true),
	"getpath/1": (args) => {
		const pathArg = args[0] as Compiled;
		return fromRun(
			(input, s, budget, emit) =>
				pathArg.run(input, s, budget, (p) => {
					budget.step();
					emit(getPath(input, requirePath(p), budget));
				}),
			(input, path, s, budget, emit) =>
				pathArg.run(input, s, budget, (p) => {
					const keys = requirePath(p);
					budget.elements(path.length + keys.length);
					emit([...path, ...(keys as Path)], getPath(input, keys, budget));
				}),
		);
	},
	"setpath/2": valueBuiltin((input, [path, value], budget) =>
		setPath(input, requirePath(path ?? null), value ?? null, budget),
	),
	"delpaths/1": valueBuiltin((input, [paths], budget) => {
		if (!Array.isArray(paths))
			return fail(`Paths must be specified as an array (got ${describeValue(paths ?? null)})`);
		return deletePaths(input, paths, budget);
	}),
	"del/1": (args) =>
		fromSingle((input, s, budget) => {
			const paths: Json[] = [];
			(args[0] as Compiled).paths(input, [], s, budget, (path) => {
				budget.step();
				paths.push(toPathJson(path, budget));
			});
			return deletePaths(input, paths, budget);
		}),
	"map_values/1": (args) =>
		fromSingle((input, s, budget) => {
			if (!Array.isArray(input) && !isObject(input))
				fail(`Cannot iterate over ${describeValue(input)}`);
			const paths = iterationKeys(input, budget).map((key) => [key] as Json[]);
			return modify(input, paths, args[0] as Compiled, s, budget);
		}),
};

import type { Json } from "./ast";
import type { BuiltinTable } from "./builtins-helpers";
import { eachArgs, generatorBuiltin } from "./builtins-helpers";
import type { Budget } from "./limits";
import type { Compiled, Emit, Path, PathEmit, Scope } from "./runtime";
import { collect, fail, fromRun, StopSignal } from "./runtime";
import { describeValue, truthy } from "./values";

// Generators and their limiters. Recursive jq definitions (recurse, while, until, repeat) run
// here as loops over an explicit stack so deep iteration cannot overflow the JS stack.

function range(from: Json, upto: Json, by: Json, budget: Budget, emit: Emit): void {
	if (typeof from !== "number" || typeof upto !== "number" || typeof by !== "number") {
		fail("Range bounds must be numeric");
	}
	if (by > 0) for (let x = from; x < upto; x += by) step(budget, emit, x);
	else if (by < 0) for (let x = from; x > upto; x += by) step(budget, emit, x);
}

function step(budget: Budget, emit: Emit, value: Json): void {
	budget.step();
	emit(value);
}

/** Forwards at most `count` outputs of a generator, then stops it (jq's `limit`, `first`). */
function stopAfter<A extends unknown[]>(
	count: number,
	generate: (emit: (...args: A) => void) => void,
	emit: (...args: A) => void,
): void {
	if (count <= 0) return;
	const stop = new StopSignal({});
	let seen = 0;
	try {
		generate((...args: A) => {
			seen++;
			emit(...args);
			if (seen >= count) throw stop;
		});
	} catch (e) {
		if (e !== stop) throw e;
	}
}

/** A Compiled that forwards at most n outputs of f, for each n given by `counts`. */
function limited(
	f: Compiled,
	counts: (input: Json, s: Scope, budget: Budget, each: (n: number) => void) => void,
): Compiled {
	return fromRun(
		(input, s, budget, emit) =>
			counts(input, s, budget, (n) => {
				if (n < 0) f.run(input, s, budget, emit);
				else stopAfter(n, (e: Emit) => f.run(input, s, budget, e), emit);
			}),
		(input, path, s, budget, emit) =>
			counts(input, s, budget, (n) => {
				if (n < 0) f.paths(input, path, s, budget, emit);
				else stopAfter(n, (e: PathEmit) => f.paths(input, path, s, budget, e), emit);
			}),
	);
}

function take(f: Compiled, count: number, input: Json, s: Scope, budget: Budget, emit: Emit): void {
	stopAfter(count, (e: Emit) => f.run(input, s, budget, e), emit);
}

/** Depth-first `., (f | select(cond) | r)` with the outputs of f gathered per level. */
function recurse(f: Compiled, cond: Compiled | null): Compiled {
	const children = (value: Json, s: Scope, budget: Budget): Json[] => {
		const all = collect(f, value, s, budget);
		if (!cond) return all;
		return all.filter((child) => {
			let keep = false;
			cond.run(child, s, budget, (c) => {
				keep ||= truthy(c);
			});
			return keep;
		});
	};
	return fromRun(
		(input, s, budget, emit) => {
			const stack: Json[] = [input];
			while (stack.length > 0) {
				const value = stack.pop() as Json;
				step(budget, emit, value);
				const next = children(value, s, budget);
				for (let i = next.length - 1; i >= 0; i--) stack.push(next[i] as Json);
			}
		},
		(input, path, s, budget, emit: PathEmit) => {
			const stack: { path: Path; value: Json }[] = [{ path, value: input }];
			while (stack.length > 0) {
				const top = stack.pop() as { path: Path; value: Json };
				budget.step();
				emit(top.path, top.value);
				const next: { path: Path; value: Json }[] = [];
				f.paths(top.value, top.path, s, budget, (p, v) => next.push({ path: p, value: v }));
				for (let i = next.length - 1; i >= 0; i--)
					stack.push(next[i] as { path: Path; value: Json });
			}
		},
	);
}

/** `while`/`until`/`repeat` share one loop: emit (or not), then continue with update's outputs. */
function iterate(
	args: Compiled[],
	decide: (
		value: Json,
		s: Scope,
		budget: Budget,
	) => "emit-and-continue" | "emit-and-stop" | "stop" | "continue",
): Compiled {
	const update = args[args.length - 1] as Compiled;
	return fromRun((input, s, budget, emit) => {
		const stack: Json[] = [input];
		while (stack.length > 0) {
			const value = stack.pop() as Json;
			budget.step();
			const decision = decide(value, s, budget);
			if (decision === "emit-and-continue" || decision === "emit-and-stop") emit(value);
			if (decision === "stop" || decision === "emit-and-stop") continue;
			const next = collect(update, value, s, budget);
			for (let i = next.length - 1; i >= 0; i--) stack.push(next[i] as Json);
		}
	});
}

function condition(cond: Compiled, value: Json, s: Scope, budget: Budget): boolean {
	let result = false;
	cond.run(value, s, budget, (c) => {
		result = truthy(c);
	});
	return result;
}

export const generatorBuiltins: BuiltinTable = {
	"range/1": generatorBuiltin((_input, [upto], budget, emit) =>
		range(0, upto ?? null, 1, budget, emit),
	),
	"range/2": generatorBuiltin(
		(_input, [from, upto], budget, emit) => range(from ?? null, upto ?? null, 1, budget, emit),
		"first-outer",
	),
	"range/3": generatorBuiltin(
		(_input, [from, upto, by], budget, emit) =>
			range(from ?? null, upto ?? null, by ?? null, budget, emit),
		"first-outer",
	),
	// jq 1.6 emits one output for limit(0; f); we emit none (see README).
	// jq 1.6 emits one output for limit(0; f); we emit none (see README).
	"limit/2": ([n, f]) =>
		limited(f as Compiled, (input, s, budget, each) =>
			(n as Compiled).run(input, s, budget, (count) => {
				if (typeof count !== "number") fail(`${describeValue(count)} cannot be used as a limit`);
				each(Math.ceil(count as number));
			}),
		),
	"first/1": ([f]) => limited(f as Compiled, (_input, _s, _budget, each) => each(1)),
	"last/1": ([f]) =>
		fromRun((input, s, budget, emit) => {
			let last: { value: Json } | null = null;
			(f as Compiled).run(input, s, budget, (value) => {
				last = { value };
			});
			// jq 1.6 defines last(f) as `reduce f as $x (null; $x)`: no output gives null.
			emit((last as { value: Json } | null)?.value ?? null);
		}),
	"nth/2": ([n, f]) =>
		fromRun((input, s, budget, emit) =>
			eachArgs([n as Compiled], input, s, budget, "first-outer", ([at]) => {
				if (typeof at !== "number")
					return fail(`${describeValue(at ?? null)} cannot be used as an index`);
				if (at < 0) return fail("Out of bounds negative array index");
				let last: Json[] = [];
				take(f as Compiled, at + 1, input, s, budget, (value) => {
					last = [value];
				});
				for (const value of last) emit(value);
			}),
		),
	"recurse/0": () => recurse(recurseChildren, null),
	"recurse/1": ([f]) => recurse(f as Compiled, null),
	"recurse/2": ([f, cond]) => recurse(f as Compiled, cond as Compiled),
	"while/2": (args) =>
		iterate(args, (value, s, budget) =>
			condition(args[0] as Compiled, value, s, budget) ? "emit-and-continue" : "stop",
		),
	"until/2": (args) =>
		iterate(args, (value, s, budget) =>
			condition(args[0] as Compiled, value, s, budget) ? "emit-and-stop" : "continue",
		),
	// jq 1.6 defines repeat(f) as `f | (., repeat(f))`: f's outputs first, then f of those.
	"repeat/1": ([f]) =>
		fromRun((input, s, budget, emit) => {
			const update = f as Compiled;
			const stack = collect(update, input, s, budget).reverse();
			while (stack.length > 0) {
				const value = stack.pop() as Json;
				step(budget, emit, value);
				const next = collect(update, value, s, budget);
				for (let i = next.length - 1; i >= 0; i--) stack.push(next[i] as Json);
			}
		}),
};

/** `.[]?` as a Compiled, for `recurse/0`. */
const recurseChildren: Compiled = {
	single: null,
	run: (input, _s, budget, emit) => {
		if (Array.isArray(input)) for (const item of input) step(budget, emit, item);
		else if (input !== null && typeof input === "object")
			for (const key in input) step(budget, emit, input[key] as Json);
	},
	paths: (input, path, _s, budget, emit) => {
		if (Array.isArray(input)) {
			for (let i = 0; i < input.length; i++) emit([...path, i], input[i] as Json);
		} else if (input !== null && typeof input === "object")
			for (const key in input) emit([...path, key], input[key] as Json);
		budget.step();
	},
};

import type { Json } from "./ast";
import type { Budget } from "./limits";
import type { Compiled, Emit, Scope } from "./runtime";
import { fromRun, fromSingle } from "./runtime";

// Helpers to declare built-ins concisely. A factory receives the compiled arguments.

export type BuiltinFactory = (args: Compiled[], pos: number) => Compiled;
export type BuiltinTable = Record<string, BuiltinFactory>;

type ValueFn = (input: Json, args: Json[], budget: Budget) => Json;

/**
 * Calls `each` with every combination of argument values. jq's C built-ins evaluate the last
 * argument as the outer loop; built-ins defined in jq with `$params` loop over the first.
 */
export function eachArgs(
	args: Compiled[],
	input: Json,
	scope: Scope,
	budget: Budget,
	order: "last-outer" | "first-outer",
	each: (values: Json[]) => void,
): void {
	const values: Json[] = new Array(args.length).fill(null);
	const loop = (remaining: number): void => {
		if (remaining === 0) {
			each([...values]);
			return;
		}
		const at = order === "last-outer" ? remaining - 1 : args.length - remaining;
		(args[at] as Compiled).run(input, scope, budget, (value) => {
			values[at] = value;
			loop(remaining - 1);
		});
	};
	loop(args.length);
}

/** A built-in that maps its input (and argument values) to exactly one value per combination. */
export function valueBuiltin(
	fn: ValueFn,
	order: "last-outer" | "first-outer" = "last-outer",
): BuiltinFactory {
	return (args) => {
		if (args.every((arg) => arg.single)) {
			const singles = args.map((arg) => arg.single as NonNullable<Compiled["single"]>);
			if (singles.length === 0) {
				return fromSingle((input, _s, budget) => {
					budget.step();
					return fn(input, [], budget);
				});
			}
			const [only] = singles;
			if (singles.length === 1 && only) {
				return fromSingle((input, s, budget) => {
					budget.step();
					return fn(input, [only(input, s, budget)], budget);
				});
			}
			return fromSingle((input, s, budget) => {
				budget.step();
				return fn(
					input,
					singles.map((single) => single(input, s, budget)),
					budget,
				);
			});
		}
		return fromRun((input, s, budget, emit) =>
			eachArgs(args, input, s, budget, order, (values) => {
				budget.step();
				emit(fn(input, values, budget));
			}),
		);
	};
}

/** A built-in that yields any number of outputs per combination of argument values. */
export function generatorBuiltin(
	fn: (input: Json, args: Json[], budget: Budget, emit: Emit) => void,
	order: "last-outer" | "first-outer" = "last-outer",
): BuiltinFactory {
	return (args) =>
		fromRun((input, s, budget, emit) =>
			eachArgs(args, input, s, budget, order, (values) => {
				budget.step();
				fn(input, values, budget, emit);
			}),
		);
}

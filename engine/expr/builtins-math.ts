import type { Json } from "./ast";
import type { BuiltinTable } from "./builtins-helpers";
import { valueBuiltin } from "./builtins-helpers";
import { fail } from "./runtime";
import { describeValue } from "./values";

// Math built-ins (jq exposes libm); all require numbers.

function numeric(name: string, fn: (x: number) => number) {
	return valueBuiltin((input: Json) =>
		typeof input === "number"
			? fn(input)
			: fail(`${describeValue(input)} number required (in ${name})`),
	);
}

export const mathBuiltins: BuiltinTable = {
	"floor/0": numeric("floor", Math.floor),
	"ceil/0": numeric("ceil", Math.ceil),
	"round/0": numeric("round", (x) => (x < 0 ? -Math.round(-x) : Math.round(x))),
	"trunc/0": numeric("trunc", Math.trunc),
	"fabs/0": numeric("fabs", Math.abs),
	"sqrt/0": numeric("sqrt", Math.sqrt),
	"log/0": numeric("log", Math.log),
	"log2/0": numeric("log2", Math.log2),
	"log10/0": numeric("log10", Math.log10),
	"exp/0": numeric("exp", Math.exp),
	"exp2/0": numeric("exp2", (x) => 2 ** x),
	"exp10/0": numeric("exp10", (x) => 10 ** x),
	"sin/0": numeric("sin", Math.sin),
	"cos/0": numeric("cos", Math.cos),
	"tan/0": numeric("tan", Math.tan),
	"asin/0": numeric("asin", Math.asin),
	"acos/0": numeric("acos", Math.acos),
	"atan/0": numeric("atan", Math.atan),
	"pow/2": valueBuiltin((_input, [base, exponent]) =>
		typeof base === "number" && typeof exponent === "number"
			? base ** exponent
			: fail(`${describeValue(base ?? null)} number required (in pow)`),
	),
};

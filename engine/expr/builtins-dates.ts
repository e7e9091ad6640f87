import type { Json } from "./ast";
import type { BuiltinTable } from "./builtins-helpers";
import { valueBuiltin } from "./builtins-helpers";
import { gmtime, mktime } from "./dates";
import { strftime } from "./dates-format";
import { strptime } from "./dates-parse";
import type { Budget } from "./limits";
import { COSTS } from "./limits";

// Date built-ins. `now` reads the clock given to `evaluate` (options.now), so evaluation is
// deterministic and testable; `localtime` is UTC because Workers have no local zone.

const ISO_FORMAT = "%Y-%m-%dT%H:%M:%SZ";

/** strftime writes each directive of the format once. */
function format(value: Json, pattern: Json, budget: Budget): Json {
	budget.spend(COSTS.date, 1);
	if (typeof pattern === "string") budget.codePoints(pattern.length);
	return budget.checkString(strftime(value, pattern));
}

/** strptime reads the text again from where it stands for each directive of the format. */
function parse(text: Json, pattern: Json, budget: Budget): Json[] {
	budget.spend(COSTS.date, 1);
	if (typeof text === "string" && typeof pattern === "string") {
		const directives = pattern.split("%").length;
		budget.codePoints(pattern.length);
		budget.chars(text.length * directives);
	}
	return strptime(text, pattern);
}

export const dateBuiltins: BuiltinTable = {
	"now/0": valueBuiltin((_input, _args, budget) => budget.now),
	"mktime/0": valueBuiltin((input, _args, budget) => {
		budget.spend(COSTS.date, 1);
		return mktime(input);
	}),
	"gmtime/0": valueBuiltin((input, _args, budget) => {
		budget.spend(COSTS.date, 1);
		return gmtime(input);
	}),
	"localtime/0": valueBuiltin((input, _args, budget) => {
		budget.spend(COSTS.date, 1);
		return gmtime(input);
	}),
	"strftime/1": valueBuiltin((input, [pattern], budget) => format(input, pattern ?? null, budget)),
	"strflocaltime/1": valueBuiltin((input, [pattern], budget) =>
		format(input, pattern ?? null, budget),
	),
	"strptime/1": valueBuiltin((input, [pattern], budget) => parse(input, pattern ?? null, budget)),
	"todate/0": valueBuiltin((input, _args, budget) => format(input, ISO_FORMAT, budget)),
	"todateiso8601/0": valueBuiltin((input, _args, budget) => format(input, ISO_FORMAT, budget)),
	"fromdate/0": valueBuiltin((input, _args, budget) => mktime(parse(input, ISO_FORMAT, budget))),
	"fromdateiso8601/0": valueBuiltin((input, _args, budget) =>
		mktime(parse(input, ISO_FORMAT, budget)),
	),
};

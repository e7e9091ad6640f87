import type { BuiltinTable } from "./builtins-helpers";
import { valueBuiltin } from "./builtins-helpers";
import { gmtime, mktime } from "./dates";
import { strftime } from "./dates-format";
import { strptime } from "./dates-parse";

// Date built-ins. `now` reads the clock given to `evaluate` (options.now), so evaluation is
// deterministic and testable; `localtime` is UTC because Workers have no local zone.

const ISO_FORMAT = "%Y-%m-%dT%H:%M:%SZ";

export const dateBuiltins: BuiltinTable = {
	"now/0": valueBuiltin((_input, _args, budget) => budget.now),
	"mktime/0": valueBuiltin((input) => mktime(input)),
	"gmtime/0": valueBuiltin((input) => gmtime(input)),
	"localtime/0": valueBuiltin((input) => gmtime(input)),
	"strftime/1": valueBuiltin((input, [format]) => strftime(input, format ?? null)),
	"strflocaltime/1": valueBuiltin((input, [format]) => strftime(input, format ?? null)),
	"strptime/1": valueBuiltin((input, [format]) => strptime(input, format ?? null)),
	"todate/0": valueBuiltin((input) => strftime(input, ISO_FORMAT)),
	"todateiso8601/0": valueBuiltin((input) => strftime(input, ISO_FORMAT)),
	"fromdate/0": valueBuiltin((input) => mktime(strptime(input, ISO_FORMAT))),
	"fromdateiso8601/0": valueBuiltin((input) => mktime(strptime(input, ISO_FORMAT))),
};

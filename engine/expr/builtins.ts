import { collectionBuiltins } from "./builtins-collections";
import { coreBuiltins } from "./builtins-core";
import { dateBuiltins } from "./builtins-dates";
import { generatorBuiltins } from "./builtins-generators";
import type { BuiltinFactory, BuiltinTable } from "./builtins-helpers";
import { mathBuiltins } from "./builtins-math";
import { pathBuiltins } from "./builtins-paths";
import { regexBuiltins } from "./builtins-regex";
import { stringBuiltins } from "./builtins-strings";

// All built-ins by `name/arity`. Built lazily so family modules can import the compiler.

let table: BuiltinTable | null = null;

export function lookupBuiltin(key: string): BuiltinFactory | undefined {
	table ??= {
		...coreBuiltins,
		...mathBuiltins,
		...stringBuiltins,
		...regexBuiltins,
		...collectionBuiltins,
		...pathBuiltins,
		...generatorBuiltins,
		...dateBuiltins,
	};
	return Object.hasOwn(table, key) ? table[key] : undefined;
}

import { builtinCases } from "./cases-builtins";
import { coreCases, syntaxCases } from "./cases-core";
import { generatedCases } from "./cases-generated";
import { moreCases } from "./cases-more";

export type { DifferentialCase } from "./case";

/** Every differential case, by group (compared against jq 1.6 by differential.test.ts). */
export const differentialCases = {
	core: coreCases,
	builtins: builtinCases,
	more: moreCases,
	generated: generatedCases,
	syntax: syntaxCases,
};

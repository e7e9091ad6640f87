import type { DifferentialCase } from "./case";

// Systematic cases: every operator and common built-in over one value of each kind, so type
// errors and cross-type behaviour are compared too, not only the happy paths.

const VALUES = [
	"null",
	"true",
	"false",
	"0",
	"2.5",
	"-3",
	'"ab"',
	'""',
	"[1,2]",
	"[]",
	'{"a":1}',
	"{}",
];
const OPERATORS = ["+", "-", "*", "/", "%", "==", "<"];
const PAIRED = ["null", "true", "2.5", "-3", '"ab"', "[1,2]", '{"a":1}', "{}"];

const UNARY = [
	"length",
	"type",
	"tostring",
	"tojson",
	"keys",
	"add",
	"sort",
	"reverse",
	"not",
	"-.",
	".[]",
	"[.[]?]",
	"to_entries",
	"ascii_downcase",
	"explode",
	"floor",
	"tonumber",
	"[paths]",
	"@text",
	"@html",
	"@sh",
	"@csv",
	"@base64",
	"first",
	"flatten",
	"min",
	"unique",
	"has(0)",
	'has("a")',
	'.["a"]',
	".[0]",
	".[1:]",
	"contains([])",
	'test("a")',
	'ltrimstr("a")',
	'split("b")',
	'join("-")',
	"any",
	"utf8bytelength",
	"values",
];

function matrix(): DifferentialCase[] {
	const cases: DifferentialCase[] = [];
	for (const op of OPERATORS) {
		for (const left of PAIRED) {
			for (const right of PAIRED) cases.push([`.[0] ${op} .[1]`, `[${left},${right}]`]);
		}
	}
	for (const filter of UNARY) {
		cases.push([`[.[] | try (${filter}) catch "error"]`, `[${VALUES.join(",")}]`]);
	}
	return cases;
}

export const generatedCases: DifferentialCase[] = matrix();

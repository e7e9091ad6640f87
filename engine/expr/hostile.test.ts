import { describe, expect, it } from "vitest";
import { hostileRuns, hostileSaves, nestedDefs } from "../../test/hostile/expressions";
import { ExprLimitError, ExprSyntaxError, evaluate, parse, references } from "./index";
import { analyseReferences } from "./references";

// Expressions a tenant member could save to make the server do unbounded work. Outcomes
// only: how long they take is measured by bench/hostile.ts.

function outcome(run: () => unknown): string {
	try {
		run();
		return "completed";
	} catch (e) {
		if (e instanceof ExprLimitError) return "limit";
		if (e instanceof ExprSyntaxError) return "refused";
		return `${(e as Error).name}: ${(e as Error).message}`;
	}
}

describe("hostile expressions at run time", () => {
	for (const { name, expression } of hostileRuns) {
		it(`stops "${name}" with a limit`, () => {
			expect(outcome(() => evaluate(expression, {}))).toBe("limit");
		});
	}

	it("charges string length by the characters scanned (the probe's 11-second case)", () => {
		const probe = '("a" * 900000) as $s | [range(2500) | $s | length] | add > 0';
		expect(outcome(() => evaluate(probe, {}))).toBe("limit");
		// The same work on short strings is well within the budget.
		expect(evaluate('("a" * 10) as $s | [range(2500) | $s | length] | add', {})).toEqual([25_000]);
	});

	it("leaves everyday expressions well inside the budget", () => {
		const context = {
			outputs: {
				fetch: {
					items: Array.from({ length: 500 }, (_, i) => ({ id: `item-${i}`, tags: ["a", "b"] })),
				},
			},
		};
		const everyday = [
			'.outputs.fetch.items | map(select(.tags | index("a"))) | length',
			".outputs.fetch.items | sort_by(.id) | .[0].id",
			".outputs.fetch.items | map({key: .id, value: .tags}) | from_entries | keys | length",
			'.outputs.fetch.items | map(.id | test("item-4[0-9]$")) | map(select(.)) | length',
			".outputs.fetch.items | tojson | fromjson | length",
			'[.outputs.fetch.items[] | "\\(.id): \\(.tags | join(","))"] | join("; ") | length',
		];
		for (const expression of everyday) {
			expect(outcome(() => evaluate(expression, context))).toBe("completed");
		}
	});
});

describe("hostile expressions at save time", () => {
	for (const { name, expression } of hostileSaves) {
		it(`refuses or analyses "${name}" in bounded work`, () => {
			const result = outcome(() => {
				parse(expression);
				const { visits } = analyseReferences(expression);
				// The analysis visits a bounded number of nodes per character of the expression.
				expect(visits).toBeLessThanOrEqual(1_000 + 16 * expression.length);
			});
			expect(["completed", "refused"]).toContain(result);
		});
	}

	it("analyses nested definitions in work linear in their number (the probe's 5.5-second case)", () => {
		const visits = [10, 20, 40].map((n) => analyseReferences(nestedDefs(n)).visits);
		expect(visits[1]).toBeLessThanOrEqual(2.5 * (visits[0] as number));
		expect(visits[2]).toBeLessThanOrEqual(2.5 * (visits[1] as number));
		expect(references(nestedDefs(21)).dynamic).toBe(true);
	});

	it("still finds what definitions read, through calls and arguments", () => {
		const read = references("def pick(f): .outputs.a | f; def twice: pick(.x), pick(.y); twice");
		expect(read.outputs).toEqual(["a"]);
		const through = references("def f: .outputs.b; def g: f | f; [g, g] | .[0] | .c");
		expect(through.outputs).toEqual(["b"]);
		expect(references("map(.status) | any").paths).toContainEqual(["*", "status"]);
	});

	it("refuses expressions past the size cap and the nesting cap with a position", () => {
		expect(() => parse(`.a == "${"x".repeat(5_000)}"`)).toThrow(/longer than 4096 characters/);
		const deep = `${"[".repeat(300)}1${"]".repeat(300)}`;
		expect(() => parse(deep)).toThrow(/nests more than 256 levels deep/);
		expect(() => parse(Array.from({ length: 300 }, () => "1").join(" + "))).toThrow(
			/nests more than 256 levels deep/,
		);
		// Long comma lists are balanced, so they are not deep.
		const list = Array.from({ length: 1_000 }, (_, i) => String(i % 10)).join(",");
		expect(evaluate(`[${list}] | length`, null)).toEqual([1_000]);
	});

	it("evaluates expressions right at the nesting cap", () => {
		const deep = `${"[".repeat(250)}1${"]".repeat(250)}`;
		expect(outcome(() => evaluate(`${deep} | flatten`, null))).toBe("completed");
		const chain = `.${Array.from({ length: 250 }, () => "a").join(".")}`;
		expect(evaluate(chain, {})).toEqual([null]);
	});
});

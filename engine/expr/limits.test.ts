import { describe, expect, it } from "vitest";
import { ExprLimitError, evaluate, render } from "./index";

// Every runaway expression must stop quickly with an ExprLimitError naming the limit.

function limitHit(run: () => unknown): { limit: string } {
	try {
		run();
	} catch (e) {
		if (e instanceof ExprLimitError) return { limit: e.limit };
		throw e;
	}
	throw new Error("expected an ExprLimitError");
}

function nested(depth: number): unknown {
	let value: unknown = 1;
	for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { a: value };
	return value;
}

describe("limits", () => {
	const runaways: [string, string][] = [
		["def f: f; f", "callDepth"],
		["def f: 1 + f; f", "callDepth"],
		["[range(1e12)]", "steps"],
		["[repeat(1)]", "steps"],
		['"x" * 1e9', "stringLength"],
		['[limit(1e9; repeat("x"))] | add', "steps"],
		["last(range(1e12))", "steps"],
		["[recurse(. + 1)]", "steps"],
		["reduce range(1e9) as $x (0; . + $x)", "steps"],
		["[while(true; .)]", "steps"],
		['def f: . + "x" | f; ""|f', "callDepth"],
		['reduce range(40) as $i ("ab"; . + .)', "stringLength"],
		["null | .[1e9] = 1", "arrayLength"],
	];
	for (const [expression, limit] of runaways) {
		it(`stops ${expression} on ${limit}`, () => {
			const hit = limitHit(() => evaluate(expression, null));
			expect(hit.limit).toBe(limit);
		});
	}

	it("refuses 10,000-deep input before walking it", () => {
		const deep = nested(10_000);
		for (const expression of [".", "tojson", "[..] | length", ". == .", "[paths] | length"]) {
			const hit = limitHit(() => evaluate(expression, deep));
			expect(hit.limit).toBe("depth");
		}
	});

	it("refuses deep values built during evaluation when they are walked", () => {
		const hit = limitHit(() => evaluate("reduce range(5000) as $i (0; [.]) | tojson", null));
		expect(hit.limit).toBe("depth");
	});

	it("refuses fromjson of deeply nested text", () => {
		const text = `${"[".repeat(3000)}${"]".repeat(3000)}`;
		expect(limitHit(() => evaluate("fromjson", text)).limit).toBe("depth");
	});

	it("names the limit in an actionable message", () => {
		try {
			evaluate("[range(1e12)]", null);
		} catch (e) {
			expect((e as Error).message).toMatch(/steps limit \(100000\).*raise maxSteps/);
		}
		expect.assertions(1);
	});

	it("honours configured limits", () => {
		expect(() => evaluate("[range(50)]", null, { limits: { maxSteps: 20 } })).toThrow(
			ExprLimitError,
		);
		expect(evaluate("[range(50)] | length", null, { limits: { maxSteps: 1_000 } })).toEqual([50]);
		expect(
			limitHit(() => evaluate('"abc" * 10', null, { limits: { maxStringLength: 5 } })).limit,
		).toBe("stringLength");
		expect(
			limitHit(() => evaluate("[range(10)]", null, { limits: { maxArrayLength: 5 } })).limit,
		).toBe("arrayLength");
		expect(
			limitHit(() => evaluate("[[[[1]]]] | tojson", null, { limits: { maxDepth: 3 } })).limit,
		).toBe("depth");
	});

	it("is not caught by try", () => {
		expect(() => evaluate("try [range(1e12)] catch 0", null)).toThrow(ExprLimitError);
		expect(() => evaluate('[range(1e12)]? // "fallback"', null)).toThrow(ExprLimitError);
	});

	it("matches in linear time: patterns that backtrack exponentially in JavaScript answer at once", () => {
		// Each of these takes JavaScript's RegExp minutes to hours on such input.
		const aaa = `${"a".repeat(40)}!`;
		expect(evaluate('test("(a+)+$")', aaa)).toEqual([false]);
		expect(evaluate('test("^(a|a)*$")', aaa)).toEqual([false]);
		expect(evaluate('test("a*a*a*a*a*a*b")', "a".repeat(200))).toEqual([false]);
		expect(evaluate('test("(ab)+c")', "ababc")).toEqual([true]);
	});

	it("refuses lookaround and backreferences (RE2 cannot run them), as an error try can catch", () => {
		expect(evaluate('try test("(?=a)a") catch "refused"', "a")).toEqual(["refused"]);
		expect(evaluate('try test("(a)\\\\1") catch "refused"', "aa")).toEqual(["refused"]);
	});

	it("shares one budget across a whole render", () => {
		const template = Object.fromEntries(
			Array.from({ length: 30 }, (_, i) => [`k${i}`, "{{ [range(5000)] | length }}"]),
		);
		expect(limitHit(() => render(template, {})).limit).toBe("steps");
	});
});

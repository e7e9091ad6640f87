import { describe, expect, it } from "vitest";
import { ExprLimitError, evaluate, references, render } from "../../engine/expr";

// The engine must behave the same inside workerd as in Node (no eval, no Node built-ins).
describe("engine/expr inside workerd", () => {
	it("evaluates conditions, paths and built-ins", () => {
		const context = { outputs: { check: { status: "ok" } }, inputs: { tier: "tier_1_gold" } };
		expect(
			evaluate('.outputs.check.status == "ok" and (.inputs.tier | startswith("tier_1"))', context),
		).toEqual([true]);
		expect(evaluate("[.[] | select(. > 1)] | map(. * 10) | add", [1, 2, 3])).toEqual([50]);
		expect(evaluate('"a-b" | sub("-"; "+") | @base64', null)).toEqual(["YSti"]);
		expect(evaluate("1425599507 | todate", null)).toEqual(["2015-03-05T23:51:47Z"]);
		expect(evaluate("[1e1000, 3.0] | tojson", null)).toEqual(["[1.7976931348623157e+308,3]"]);
	});

	it("renders templates and analyses references", () => {
		expect(
			render(
				{ msg: "hi {{ .inputs.name }}", n: "{{ .inputs.n }}" },
				{ inputs: { name: "ann", n: 2 } },
			),
		).toEqual({
			msg: "hi ann",
			n: 2,
		});
		expect(references(".outputs.trigger.message").outputs).toEqual(["trigger"]);
	});

	it("stops runaway expressions with a limit error", () => {
		expect(() => evaluate("def f: f; f", null)).toThrow(ExprLimitError);
		expect(() => evaluate("[range(1e12)]", null)).toThrow(ExprLimitError);
		let deep: unknown = 1;
		for (let i = 0; i < 10_000; i++) deep = [deep];
		expect(() => evaluate("tojson", deep)).toThrow(/depth limit/);
	});
});

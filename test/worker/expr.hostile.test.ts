import { describe, expect, it } from "vitest";
import { ExprLimitError, ExprSyntaxError, evaluate, parse, references } from "../../engine/expr";
import { hostileRuns, hostileSaves, nestedDefs } from "../hostile/expressions";
import { call, expectProblem, sampleWorkflow } from "./helpers";

// The hostile expressions inside workerd (its stack and its V8), and the save-time ones as a
// tenant member would send them: in a workflow definition.

/** The sample workflow with `expression` as its condition. */
function withCondition(expression: string, identifier: string) {
	const wf = sampleWorkflow(identifier);
	(wf.nodes[1] as { config: { options: { expression: string }[] } }).config.options[0] = {
		...(wf.nodes[1] as { config: { options: { identifier: string }[] } }).config.options[0],
		expression,
	} as never;
	return wf;
}

describe("hostile expressions inside workerd", () => {
	it("stops every run-time case with a limit", () => {
		for (const { name, expression } of hostileRuns) {
			let stopped = false;
			try {
				evaluate(expression, {});
			} catch (e) {
				if (!(e instanceof ExprLimitError)) throw new Error(`${name}: ${e}`);
				stopped = true;
			}
			expect(stopped, name).toBe(true);
		}
		// Each case runs to its CPU budget: a dozen of them take longer than 5 s on a loaded machine.
	}, 60_000);

	it("refuses or analyses every save-time case, never overflowing the stack", () => {
		for (const { name, expression } of hostileSaves) {
			try {
				parse(expression);
				references(expression);
			} catch (e) {
				if (!(e instanceof ExprSyntaxError)) throw new Error(`${name}: ${e}`);
			}
		}
	});
});

describe("saving hostile conditions", () => {
	it("accepts the probe's 21 nested definitions at once, and refuses 400 with a 422", async () => {
		const accepted = await call("/v1/workflows", {
			method: "POST",
			body: withCondition(nestedDefs(21), "nested_defs"),
		});
		expect(accepted.status).toBe(201);
		const refused = expectProblem(
			await call("/v1/workflows", {
				method: "POST",
				body: withCondition(nestedDefs(400), "nested_defs_400"),
			}),
			422,
			"validation_failed",
		);
		expect(refused.errors).toContainEqual(
			expect.objectContaining({
				pointer: "/nodes/1/config/options/0/expression",
				message: expect.stringMatching(/longer than 4096 characters/),
			}),
		);
	});

	it("refuses 3,000 comma-separated items and 300 levels of nesting with a 422, not a 500", async () => {
		for (const [expression, reason] of [
			[Array.from({ length: 3000 }, () => "1").join(","), /longer than 4096/],
			[`${"[".repeat(300)}1${"]".repeat(300)}`, /nests more than 256 levels/],
			[Array.from({ length: 300 }, () => "1").join("|"), /nests more than 256 levels/],
		] as const) {
			const problem = expectProblem(
				await call("/v1/workflows", {
					method: "POST",
					body: withCondition(expression, "deep_condition"),
				}),
				422,
				"validation_failed",
			);
			expect(problem.errors?.[0]?.message).toMatch(reason);
		}
	});
});

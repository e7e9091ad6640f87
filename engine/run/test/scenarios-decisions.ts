/** Scenarios: CONDITION and DELAY nodes. */
import { expect } from "vitest";
import { chain, condition, conn, delay, HOOK, trigger, webhook, workflow } from "./defs";
import type { Scenario } from "./scenario";

export const decisionScenarios: Scenario[] = [
	{
		name: "CONDITION: the first true option picks its connection",
		definition: workflow(
			[
				trigger(),
				condition("check", [
					["dev", '.inputs.env == "dev"'],
					["prod", '{{ .inputs.env == "prod" }}'],
					["any", "true"],
				]),
				webhook("deploy_prod"),
				webhook("deploy_any"),
				webhook("other"),
			],
			[
				conn("trigger", "check"),
				conn("check", "deploy_prod", { sourceOptionIdentifier: "prod" }),
				conn("check", "deploy_any", { sourceOptionIdentifier: "any" }),
				conn("check", "other", { fallback: true }),
			],
		),
		inputs: { env: "prod" },
		expect: {
			result: "SUCCESS",
			nodes: { check: "SUCCESS", deploy_prod: "SUCCESS", deploy_any: "SKIPPED", other: "SKIPPED" },
			taken: ["check__deploy_prod_prod", "trigger__check"],
			history: [
				/option prod matched: `.inputs.env == "prod"` is true \(dev false\)/,
				/option prod matched, so the fallback is not taken/,
			],
		},
		check: (d) => expect(d.state?.nodes.check?.output).toEqual({ option: "prod" }),
	},
	{
		name: "CONDITION: no option true takes the fallback",
		definition: workflow(
			[
				trigger(),
				condition("check", [["prod", '.inputs.env == "prod"']]),
				webhook("p"),
				webhook("f"),
			],
			[
				conn("trigger", "check"),
				conn("check", "p", { sourceOptionIdentifier: "prod" }),
				conn("check", "f", { fallback: true }),
			],
		),
		inputs: { env: "dev" },
		expect: {
			result: "SUCCESS",
			nodes: { p: "SKIPPED", f: "SUCCESS" },
			history: [/no option matched \(prod false\); taking the fallback/],
		},
	},
	{
		name: "CONDITION: no option and no fallback ends that branch quietly",
		definition: workflow(
			[
				trigger(),
				condition("check", [["prod", '.inputs.env == "prod"']]),
				webhook("p"),
				webhook("after_p"),
			],
			[
				conn("trigger", "check"),
				conn("check", "p", { sourceOptionIdentifier: "prod" }),
				conn("p", "after_p"),
			],
		),
		inputs: { env: "dev" },
		expect: {
			result: "SUCCESS",
			nodes: { check: "SUCCESS", p: "SKIPPED", after_p: "SKIPPED" },
			requests: 0,
			history: [
				/there is no fallback connection: this branch ends here/,
				/p skipped: its only incoming connection .* was not taken/,
			],
		},
	},
	{
		name: "CONDITION: an expression error fails the node",
		definition: chain(condition("check", [["bad", '.inputs.n + "x"']])),
		inputs: { n: 1 },
		expect: { result: "FAILED", errorCode: "expression_error", nodes: { check: "FAILED" } },
	},
	{
		name: "DELAY with a duration waits on a timer",
		definition: chain(delay("wait", { duration: "90s" }), webhook("after")),
		expect: {
			result: "SUCCESS",
			tookMs: 90_000 + 10,
			history: [/waiting until 2026-01-01T00:01:30.000Z \(1m 30s\)/],
		},
		check: (d) => expect(d.requests[0]?.request.url).toBe(`${HOOK}/after`),
	},
	{
		name: "DELAY until a templated time in the past completes at once",
		definition: chain(delay("wait", { until: "{{ .inputs.at }}" })),
		inputs: { at: "2025-12-31T00:00:00Z" },
		expect: { result: "SUCCESS", tookMs: 0, history: [/had already passed/] },
	},
	{
		name: "DELAY until a templated future time",
		definition: chain(delay("wait", { until: "{{ .inputs.at }}" })),
		inputs: { at: "2026-01-01T02:00:00Z" },
		expect: { result: "SUCCESS", tookMs: 7_200_000 },
		check: (d) =>
			expect(d.state?.nodes.wait?.output).toEqual({ until: "2026-01-01T02:00:00.000Z" }),
	},
	...["tomorrow-ish", "2026", "12/04/2026 19:20", "2026-01-01T02:00:00"].map((at) => ({
		name: `DELAY until "${at}", not an ISO 8601 timestamp with a zone, fails the node`,
		definition: chain(delay("wait", { until: "{{ .inputs.at }}" })),
		inputs: { at },
		expect: { result: "FAILED" as const, errorCode: "invalid_until" },
	})),
	{
		name: "jq's now is the run's clock, so a templated until replays identically",
		definition: chain(delay("wait", { until: "{{ now + 60 | todate }}" })),
		expect: { result: "SUCCESS", tookMs: 60_000 },
		check: (d) =>
			expect(d.state?.nodes.wait?.output).toEqual({ until: "2026-01-01T00:01:00.000Z" }),
	},
];

/** Scenarios: RUN_WORKFLOW child starts (wait: false), alone and in a forEach. */
import { expect } from "vitest";
import type { RunErrorCode } from "../errors";
import { chain, runWorkflow, webhook } from "./defs";
import type { Scenario } from "./scenario";

const refusal = (code: RunErrorCode, message: string) => ({
	kind: "refused" as const,
	error: { code, message },
});

export const childScenarios: Scenario[] = [
	{
		name: "wait: false starts the child with rendered inputs and succeeds with its run id",
		definition: chain(
			runWorkflow("deploy", {
				workflowIdentifier: "deploy_service",
				version: 3,
				inputs: { service: "{{ .inputs.service }}", env: "prod" },
			}),
			webhook("notify", {}, { body: { child: "{{ .outputs.deploy.runId }}" } }),
		),
		inputs: { service: "api" },
		expect: {
			result: "SUCCESS",
			nodes: { deploy: "SUCCESS", notify: "SUCCESS" },
			history: [
				/attempt 1: starting a run of deploy_service \(version 3\)/,
				/started run child_deploy_1 of deploy_service/,
			],
		},
		check: (d) => {
			expect(d.children).toEqual([
				{
					kind: "start_child",
					node: "deploy",
					item: null,
					attempt: 1,
					workflow: "deploy_service",
					version: 3,
					inputs: { service: "api", env: "prod" },
				},
			]);
			expect(d.state?.nodes.deploy?.output).toEqual({ runId: "child_deploy_1" });
			expect(d.state?.nodes.deploy?.attempts[0]).toMatchObject({
				request: { method: "POST", url: "/v1/workflows/deploy_service/runs" },
				child: { runId: "child_deploy_1" },
			});
			expect(JSON.parse(d.requests[0]?.request.body ?? "{}")).toEqual({ child: "child_deploy_1" });
		},
	},
	{
		name: "forEach over RUN_WORKFLOW: one child per item, bounded, outputs in item order",
		definition: chain(
			runWorkflow(
				"each",
				{ workflowIdentifier: "provision", inputs: { host: "{{ .item }}", n: "{{ .index }}" } },
				{
					forEach: { items: ".inputs.hosts", concurrency: 2 },
					variables: { id: "{{ .response.runId }}" },
				},
			),
		),
		inputs: { hosts: ["a", "b", "c"] },
		expect: {
			result: "SUCCESS",
			history: [/forEach over 3 items, at most 2 at a time/],
		},
		check: (d) => {
			expect(d.children.map((c) => [c.item, c.inputs])).toEqual([
				[0, { host: "a", n: 0 }],
				[1, { host: "b", n: 1 }],
				[2, { host: "c", n: 2 }],
			]);
			expect(d.state?.nodes.each?.output).toEqual([
				{ id: "child_each#0_1" },
				{ id: "child_each#1_1" },
				{ id: "child_each#2_1" },
			]);
		},
	},
	{
		name: "a refused child fails the node with the child's reason, and is not retried",
		definition: chain(
			runWorkflow(
				"deploy",
				{ workflowIdentifier: "deploy_service", inputs: { service: 7 } },
				{ retry: { maxAttempts: 3 } },
			),
		),
		children: {
			deploy: [
				refusal(
					"child_inputs_invalid",
					"deploy_service refused the inputs: /service: must be string",
				),
			],
		},
		expect: {
			result: "FAILED",
			errorCode: "child_inputs_invalid",
			history: [/\/service: must be string/],
		},
		check: (d) => expect(d.children).toHaveLength(1),
	},
	{
		name: "max_depth_exceeded can be caught by onError",
		definition: {
			...chain(runWorkflow("deeper", { workflowIdentifier: "x" }), webhook("after")),
			connections: [
				{ identifier: "c1", sourceIdentifier: "trigger", targetIdentifier: "deeper" },
				{ identifier: "c2", sourceIdentifier: "deeper", targetIdentifier: "after", onError: true },
			],
		},
		children: { deeper: [refusal("max_depth_exceeded", "11 runs deep; the tenant allows 10")] },
		expect: { result: "SUCCESS", nodes: { deeper: "FAILED", after: "SUCCESS" } },
	},
	{
		name: "a template error in the inputs fails the node before any child is asked for",
		definition: chain(
			runWorkflow("deploy", { workflowIdentifier: "x", inputs: { a: "{{ .inputs.n + {} }}" } }),
		),
		inputs: { n: 1 },
		expect: { result: "FAILED", errorCode: "expression_error" },
		check: (d) => expect(d.children).toEqual([]),
	},
];

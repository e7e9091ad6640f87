/** Scenarios: RUN_WORKFLOW child runs, started (wait: false) or waited for, alone and in a forEach. */
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
					wait: false,
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
	{
		name: "wait: true waits for the child and takes its outputs as the node's output",
		definition: chain(
			runWorkflow("deploy", {
				workflowIdentifier: "deploy_service",
				wait: true,
				inputs: { service: "{{ .inputs.service }}" },
			}),
			webhook("notify", {}, { body: { url: "{{ .outputs.deploy.url }}" } }),
		),
		inputs: { service: "api" },
		childEnds: {
			deploy: [{ afterMs: 60_000, result: "SUCCESS", outputs: { url: "https://api.example" } }],
		},
		expect: {
			result: "SUCCESS",
			nodes: { deploy: "SUCCESS", notify: "SUCCESS" },
			history: [
				/waiting for run child_deploy_1 to end, no timeout/,
				/run child_deploy_1 ended SUCCESS/,
				/run child_deploy_1 of deploy_service succeeded after 1m/,
			],
		},
		check: (d) => {
			expect(d.children[0]).toMatchObject({ wait: true });
			expect(d.state?.nodes.deploy?.output).toEqual({ url: "https://api.example" });
			expect(d.state?.nodes.deploy?.attempts[0]?.child).toMatchObject({
				runId: "child_deploy_1",
				ended: { result: "SUCCESS" },
			});
			expect(JSON.parse(d.requests[0]?.request.body ?? "{}")).toEqual({
				url: "https://api.example",
			});
		},
	},
	{
		name: "variables map the child's end: .response is { runId, result, outputs }",
		definition: chain(
			runWorkflow(
				"deploy",
				{ workflowIdentifier: "deploy_service", wait: true },
				{ variables: { id: "{{ .response.runId }}", url: "{{ .response.outputs.url }}" } },
			),
		),
		childEnds: { deploy: [{ afterMs: 5, result: "SUCCESS", outputs: { url: "u" } }] },
		expect: { result: "SUCCESS" },
		check: (d) => expect(d.state?.nodes.deploy?.output).toEqual({ id: "child_deploy_1", url: "u" }),
	},
	{
		name: "a child that fails, then succeeds on retry: a fresh child per attempt",
		definition: chain(
			runWorkflow(
				"deploy",
				{ workflowIdentifier: "deploy_service", wait: true },
				{ retry: { maxAttempts: 2, backoff: "constant", initialDelay: "1s" } },
			),
		),
		childEnds: {
			deploy: [
				{
					afterMs: 50,
					result: "FAILED",
					error: { code: "http_error", message: "the registry answered 503" },
				},
				{ afterMs: 50, result: "SUCCESS", outputs: { ok: true } },
			],
		},
		expect: {
			result: "SUCCESS",
			nodes: { deploy: "SUCCESS" },
			history: [/child run child_deploy_1 ended FAILED: http_error: the registry answered 503/],
		},
		check: (d) => {
			expect(d.children.map((c) => c.attempt)).toEqual([1, 2]);
			const attempts = d.state?.nodes.deploy?.attempts ?? [];
			expect(attempts.map((a) => [a.child?.runId, a.error?.code ?? null])).toEqual([
				["child_deploy_1", "child_failed"],
				["child_deploy_2", null],
			]);
			expect(d.state?.nodes.deploy?.output).toEqual({ ok: true });
		},
	},
	{
		name: "a failed child fails the node with the child's error, which onError can catch",
		definition: {
			...chain(
				runWorkflow("deploy", { workflowIdentifier: "deploy_service", wait: true }),
				webhook("rollback"),
			),
			connections: [
				{ identifier: "c1", sourceIdentifier: "trigger", targetIdentifier: "deploy" },
				{
					identifier: "c2",
					sourceIdentifier: "deploy",
					targetIdentifier: "rollback",
					onError: true,
				},
			],
		},
		childEnds: {
			deploy: [{ afterMs: 5, result: "FAILED", error: { code: "timeout", message: "no answer" } }],
		},
		expect: { result: "SUCCESS", nodes: { deploy: "FAILED", rollback: "SUCCESS" } },
		check: (d) =>
			expect(d.state?.nodes.deploy?.error).toMatchObject({
				code: "child_failed",
				message: expect.stringContaining("timeout: no answer"),
			}),
	},
	{
		name: "a child that ends before its start is answered is taken all the same",
		definition: chain(runWorkflow("deploy", { workflowIdentifier: "x", wait: true })),
		// The end arrives 5 ms before the start's answer (a child quicker than its parent's outbox).
		childEnds: { deploy: [{ afterMs: -5, result: "SUCCESS", outputs: { quick: true } }] },
		expect: { result: "SUCCESS", history: [/run child_deploy_1 ended SUCCESS/] },
		check: (d) => expect(d.state?.nodes.deploy?.output).toEqual({ quick: true }),
	},
	{
		name: "the node's timeout cancels a child that runs too long, then retries with a fresh one",
		definition: chain(
			runWorkflow(
				"deploy",
				{ workflowIdentifier: "x", wait: true },
				{ timeout: "10m", retry: { maxAttempts: 2, backoff: "constant", initialDelay: "1s" } },
			),
		),
		childEnds: { deploy: [{ never: true }, { afterMs: 5, result: "SUCCESS", outputs: 2 }] },
		expect: { result: "SUCCESS", history: [/waiting for run child_deploy_1 to end, until/] },
		check: (d) => {
			expect(d.cancelledChildren).toEqual([
				expect.objectContaining({ kind: "cancel_child", runId: "child_deploy_1" }),
			]);
			expect(d.state?.nodes.deploy?.attempts[0]?.error?.code).toBe("timeout");
			expect(d.state?.nodes.deploy?.output).toBe(2);
		},
	},
	{
		name: "forEach over RUN_WORKFLOW with wait: one child per item, the outputs in item order",
		definition: chain(
			runWorkflow(
				"each",
				{ workflowIdentifier: "provision", wait: true, inputs: { host: "{{ .item }}" } },
				{ forEach: { items: ".inputs.hosts", concurrency: 2 } },
			),
		),
		inputs: { hosts: ["a", "b", "c"] },
		childEnds: {
			"each#0": [{ afterMs: 300, result: "SUCCESS", outputs: "A" }],
			"each#1": [{ afterMs: 10, result: "SUCCESS", outputs: "B" }],
			"each#2": [{ afterMs: 10, result: "SUCCESS", outputs: "C" }],
		},
		expect: { result: "SUCCESS" },
		check: (d) => {
			expect(d.state?.nodes.each?.output).toEqual(["A", "B", "C"]);
			// Item 2 started only when item 1 ended: at most two children at a time.
			expect(d.children.map((c) => c.item)).toEqual([0, 1, 2]);
		},
	},
	{
		name: "a failed item cancels the children its siblings still wait for",
		definition: chain(
			runWorkflow(
				"each",
				{ workflowIdentifier: "provision", wait: true },
				{ forEach: { items: ".inputs.hosts", concurrency: 3 } },
			),
		),
		inputs: { hosts: ["a", "b", "c"] },
		childEnds: {
			"each#0": [{ never: true }],
			"each#1": [{ afterMs: 5, result: "FAILED", error: { code: "http_error", message: "x" } }],
			"each#2": [{ never: true }],
		},
		expect: { result: "FAILED", errorCode: "child_failed" },
		check: (d) =>
			expect(d.cancelledChildren.map((c) => c.runId).sort()).toEqual([
				"child_each#0_1",
				"child_each#2_1",
			]),
	},
];

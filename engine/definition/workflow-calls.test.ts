import { describe, expect, it } from "vitest";
import { conn, trigger, workflow } from "./fixtures/builders";
import { type WorkflowDefinition, workflowShapeSchema } from "./index";
import { callCycleIssue, workflowCalls } from "./workflow-calls";

const calls = (...targets: string[]) =>
	targets.map((target, i) => ({
		identifier: `call_${i}`,
		config: { type: "RUN_WORKFLOW", workflowIdentifier: target },
	}));

function definition(identifier: string, ...targets: string[]): WorkflowDefinition {
	const nodes = [trigger(), ...calls(...targets)];
	const connections = nodes.slice(1).map((n, i) => conn(`c${i}`, "trigger", String(n.identifier)));
	return workflowShapeSchema.parse({ ...workflow(nodes, connections), identifier });
}

const graph = (edges: Record<string, string[]>) => new Map(Object.entries(edges));

describe("workflowCalls", () => {
	it("lists each RUN_WORKFLOW's target with the pointer to it", () => {
		expect(workflowCalls(definition("a", "b", "c"))).toEqual([
			{ target: "b", pointer: "/nodes/1/config/workflowIdentifier" },
			{ target: "c", pointer: "/nodes/2/config/workflowIdentifier" },
		]);
	});
});

describe("callCycleIssue", () => {
	it("finds a → b → a at the call that starts it", () => {
		expect(callCycleIssue(definition("a", "x", "b"), graph({ b: ["a"], x: [] }))).toEqual({
			pointer: "/nodes/2/config/workflowIdentifier",
			code: "run_workflow_cycle",
			message: expect.stringContaining("a → b → a"),
		});
	});

	it("names the shortest loop through the tenant's other workflows", () => {
		const edges = graph({ b: ["c", "d"], c: ["e"], d: ["a"], e: ["a"] });
		expect(callCycleIssue(definition("a", "b"), edges)?.message).toContain("a → b → d → a");
	});

	it("passes a tree, a diamond, a loop that does not come back, and unknown workflows", () => {
		const edges = graph({ b: ["c", "d"], c: ["e"], d: ["e"], e: [], x: ["y"], y: ["x"] });
		expect(callCycleIssue(definition("a", "b", "x", "missing"), edges)).toBeNull();
	});

	it("ignores what the workflow's own older version called: the new definition replaces it", () => {
		expect(callCycleIssue(definition("a"), graph({ a: ["b"], b: ["a"] }))).toBeNull();
	});
});

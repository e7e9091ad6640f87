import { describe, expect, it } from "vitest";
import { as, expectProblem, uniqueTenant } from "./helpers";

/** trigger → one RUN_WORKFLOW node per target. */
function caller(identifier: string, ...targets: string[]) {
	return {
		identifier,
		title: identifier,
		nodes: [
			{ identifier: "trigger", config: { type: "SELF_SERVE_TRIGGER" } },
			...targets.map((target) => ({
				identifier: `run_${target}`,
				config: { type: "RUN_WORKFLOW", workflowIdentifier: target },
			})),
		],
		connections: targets.map((target) => ({
			identifier: `to_${target}`,
			sourceIdentifier: "trigger",
			targetIdentifier: `run_${target}`,
		})),
	};
}

async function member() {
	return as({ tenant: uniqueTenant("loops"), role: "member" });
}

describe("saving workflows that start each other", () => {
	it("refuses a cycle saved in two steps: a → b saved, then b → a is a 422 naming the path", async () => {
		const { call } = await member();
		expect((await call("/v1/workflows", { method: "POST", body: caller("a", "b") })).status).toBe(
			201,
		);
		const refused = await call("/v1/workflows", { method: "POST", body: caller("b", "a") });
		const problem = expectProblem(refused, 422, "validation_failed");
		expect(problem.errors).toEqual([
			expect.objectContaining({
				in: "body",
				pointer: "/nodes/1/config/workflowIdentifier",
				code: "run_workflow_cycle",
				message: expect.stringContaining("b → a → b"),
			}),
		]);
		// Nothing was stored.
		expect((await call("/v1/workflows/b")).status).toBe(404);
	});

	it("follows the latest versions through several workflows, on PUT and PATCH alike", async () => {
		const { call } = await member();
		for (const body of [caller("a", "b"), caller("b", "c"), caller("c")]) {
			expect((await call("/v1/workflows", { method: "POST", body })).status).toBe(201);
		}
		const put = await call("/v1/workflows/c", { method: "PUT", body: caller("c", "a") });
		expect(expectProblem(put, 422, "validation_failed").errors?.[0]?.message).toContain(
			"c → a → b → c",
		);
		const patch = await call("/v1/workflows/c", {
			method: "PATCH",
			body: {
				nodes: caller("c", "a").nodes,
				connections: caller("c", "a").connections,
			},
		});
		expect(expectProblem(patch, 422, "validation_failed").errors?.[0]?.code).toBe(
			"run_workflow_cycle",
		);
		// b's latest version no longer calls c: the same save is fine now.
		expect((await call("/v1/workflows/b", { method: "PUT", body: caller("b") })).status).toBe(200);
		expect((await call("/v1/workflows/c", { method: "PUT", body: caller("c", "a") })).status).toBe(
			200,
		);
	});

	it("ignores deleted workflows and other tenants' workflows", async () => {
		const one = await member();
		const other = await member();
		await one.call("/v1/workflows", { method: "POST", body: caller("a", "b") });
		await other.call("/v1/workflows", { method: "POST", body: caller("a", "b") });
		expect((await other.call("/v1/workflows", { method: "POST", body: caller("b") })).status).toBe(
			201,
		);
		expect((await one.call("/v1/workflows/a", { method: "DELETE" })).status).toBe(204);
		expect(
			(await one.call("/v1/workflows", { method: "POST", body: caller("b", "a") })).status,
		).toBe(201);
	});
});

import { describe, expect, it } from "vitest";
import { expectProblem } from "./helpers";
import { tenantWithWorkflow } from "./runs-helpers";

describe("POST /v1/workflows/runs/cancel", () => {
	it("cancels every unfinished run matching the filters that the caller may act on", async () => {
		const { admin, alice, bob, viewer, identifier } = await tenantWithWorkflow();
		const start = (caller: typeof alice) =>
			caller.call(`/v1/workflows/${identifier}/runs`, {
				method: "POST",
				body: { inputs: { message: "x" } },
			});
		const alices = [(await start(alice)).body.id, (await start(alice)).body.id];
		const bobs = (await start(bob)).body.id;

		expectProblem(
			await viewer.call("/v1/workflows/runs/cancel", { method: "POST", body: {} }),
			403,
			"forbidden",
		);
		// Alice sees only her runs of this private workflow, so only hers are cancelled.
		const mine = await alice.call("/v1/workflows/runs/cancel", {
			method: "POST",
			body: { workflowIdentifiers: [identifier] },
		});
		expect(mine.body).toEqual({ matched: 2, cancelled: 2, alreadyFinished: 0 });
		for (const id of alices)
			expect((await alice.call(`/v1/workflows/runs/${id}`)).body.result).toBe("CANCELLED");
		expect((await bob.call(`/v1/workflows/runs/${bobs}`)).body.status).toBe("WAITING");

		const rest = await admin.call("/v1/workflows/runs/cancel", {
			method: "POST",
			body: { status: "WAITING" },
		});
		expect(rest.body).toEqual({ matched: 1, cancelled: 1, alreadyFinished: 0 });
		const none = await admin.call("/v1/workflows/runs/cancel", { method: "POST", body: {} });
		expect(none.body.matched).toBe(0);
	});

	it("cancels nothing when the body is missing: a forgotten body is not a filter that matches all", async () => {
		const { admin, identifier } = await tenantWithWorkflow();
		const run = await admin.call(`/v1/workflows/${identifier}/runs`, {
			method: "POST",
			body: { inputs: { message: "x" } },
		});
		const res = await admin.call("/v1/workflows/runs/cancel", { method: "POST" });
		const problem = expectProblem(res, 422, "validation_failed");
		expect(problem.errors).toEqual([
			expect.objectContaining({ in: "body", pointer: "", code: "missing_body" }),
		]);
		expect((await admin.call(`/v1/workflows/runs/${run.body.id}`)).body.status).toBe("WAITING");
	});

	it("rejects unknown filter fields", async () => {
		const { admin } = await tenantWithWorkflow();
		const res = await admin.call("/v1/workflows/runs/cancel", {
			method: "POST",
			body: { everything: true },
		});
		expect(expectProblem(res, 422, "validation_failed").errors?.[0]?.pointer).toBe("/everything");
	});
});

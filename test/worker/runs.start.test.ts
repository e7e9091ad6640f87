import { describe, expect, it } from "vitest";
import { expectProblem } from "./helpers";
import { tenantWithWorkflow, waitingWorkflow } from "./runs-helpers";

describe("POST /v1/workflows/{identifier}/runs", () => {
	it("starts a run with validated inputs and schema defaults, and points Location at it", async () => {
		const { alice, identifier } = await tenantWithWorkflow();
		const res = await alice.call(`/v1/workflows/${identifier}/runs`, {
			method: "POST",
			body: {
				inputs: { message: "hi" },
				notificationRecipients: ["ops@x"],
				scope: { type: "ENTITY", entityId: "svc-1" },
			},
		});
		expect(res.status).toBe(202);
		expect(res.headers.get("location")).toBe(`/v1/workflows/runs/${res.body.id}`);
		expect(res.body).toMatchObject({
			status: "WAITING",
			initiator: "alice@x",
			runAs: null,
			inputs: { message: "hi", priority: "low" },
			notificationRecipients: ["ops@x"],
			scope: { type: "ENTITY", entityId: "svc-1" },
			workflow: { identifier, version: 1 },
		});
		expect(res.body.id).toMatch(/^run_[0-9a-f]{32}$/);
		const read = await alice.call(res.headers.get("location") ?? "");
		expect(read.body.variables.outputs.trigger).toEqual({ message: "hi", priority: "low" });
	});

	it("accepts initialContext as an alias, but not both", async () => {
		const { alice, identifier } = await tenantWithWorkflow();
		const ok = await alice.call(`/v1/workflows/${identifier}/runs`, {
			method: "POST",
			body: { initialContext: { message: "x" } },
		});
		expect(ok.status).toBe(202);
		const both = await alice.call(`/v1/workflows/${identifier}/runs`, {
			method: "POST",
			body: { inputs: { message: "x" }, initialContext: { message: "x" } },
		});
		expect(expectProblem(both, 422, "validation_failed").errors?.[0]?.pointer).toBe(
			"/initialContext",
		);
	});

	it("lists every input violation with its pointer", async () => {
		const { alice, identifier } = await tenantWithWorkflow();
		const res = await alice.call(`/v1/workflows/${identifier}/runs`, {
			method: "POST",
			body: { inputs: { priority: "urgent" } },
		});
		const pointers = expectProblem(res, 422, "validation_failed").errors?.map((e) => e.pointer);
		expect(pointers).toEqual(expect.arrayContaining(["/inputs/message", "/inputs/priority"]));
	});

	it("holds inputs to the caps of any free-form value (depth 64, 256 KiB), one run or a batch", async () => {
		const { alice, identifier } = await tenantWithWorkflow();
		let deep: unknown = "x";
		for (let i = 0; i < 5_000; i++) deep = { a: deep };
		const cases = [{ message: "x", extra: deep }, { message: "x".repeat(300 * 1024) }];
		for (const inputs of cases) {
			const one = await alice.call(`/v1/workflows/${identifier}/runs`, {
				method: "POST",
				body: { inputs },
			});
			// Nesting past any definition's depth is named where it goes too deep (the body gate).
			expect(expectProblem(one, 422, "validation_failed").errors?.[0]?.pointer).toMatch(
				/^\/inputs/,
			);
			const batch = await alice.call(`/v1/workflows/${identifier}/runs/batch`, {
				method: "POST",
				body: { runs: [{ inputs: { message: "ok" } }, { inputs }] },
			});
			expect(expectProblem(batch, 422, "validation_failed").errors?.[0]?.pointer).toMatch(
				/^\/runs\/1\/inputs/,
			);
		}
		const listed = await alice.call(`/v1/workflows/runs?workflowIdentifiers=${identifier}`);
		expect(listed.body.data).toEqual([]);
	});

	it("rejects unknown body fields and an unknown trigger", async () => {
		const { alice, identifier } = await tenantWithWorkflow();
		const unknown = await alice.call(`/v1/workflows/${identifier}/runs`, {
			method: "POST",
			body: { input: {} },
		});
		expect(expectProblem(unknown, 422, "validation_failed").errors?.[0]?.pointer).toBe("/input");
		const trigger = await alice.call(`/v1/workflows/${identifier}/runs`, {
			method: "POST",
			body: { inputs: { message: "x" }, triggerIdentifier: "nope" },
		});
		expect(expectProblem(trigger, 422, "validation_failed").errors?.[0]?.pointer).toBe(
			"/triggerIdentifier",
		);
	});

	it("is 404 for an unknown or deleted workflow, naming it", async () => {
		const { admin, identifier } = await tenantWithWorkflow();
		expect(
			expectProblem(
				await admin.call("/v1/workflows/ghost/runs", { method: "POST", body: {} }),
				404,
				"not_found",
			).detail,
		).toContain('"ghost"');
		await admin.call(`/v1/workflows/${identifier}`, { method: "DELETE" });
		expectProblem(
			await admin.call(`/v1/workflows/${identifier}/runs`, {
				method: "POST",
				body: { inputs: { message: "x" } },
			}),
			404,
			"not_found",
		);
	});

	it("pins the version: a run keeps its version after the workflow changes", async () => {
		const { admin, identifier } = await tenantWithWorkflow();
		const run = await admin.call(`/v1/workflows/${identifier}/runs`, {
			method: "POST",
			body: { inputs: { message: "x" } },
		});
		await admin.call(`/v1/workflows/${identifier}`, {
			method: "PATCH",
			body: {
				title: "v2",
				nodes: waitingWorkflow().nodes.slice(0, 2),
				connections: [waitingWorkflow().connections[0]],
			},
		});
		const read = await admin.call(`/v1/workflows/runs/${run.body.id}`);
		expect(read.body.workflow.version).toBe(1);
		expect(read.body.nodeRuns.map((n: { node: string }) => n.node)).toEqual([
			"trigger",
			"check",
			"wait",
		]);
		const older = await admin.call(`/v1/workflows/${identifier}/runs`, {
			method: "POST",
			body: { inputs: { message: "x" }, version: 1 },
		});
		expect(older.body.workflow.version).toBe(1);
		const missing = await admin.call(`/v1/workflows/${identifier}/runs`, {
			method: "POST",
			body: { inputs: { message: "x" }, version: 9 },
		});
		const problem = expectProblem(missing, 404, "not_found");
		expect(problem.detail).toContain("Version 9");
		expect(problem.errors?.[0]).toMatchObject({ in: "body", pointer: "/version" });
		const latest = await admin.call(`/v1/workflows/${identifier}/runs`, {
			method: "POST",
			body: { inputs: { message: "x" } },
		});
		expect(latest.body.workflow.version).toBe(2);
	});

	describe("security", () => {
		it("needs a token; viewers may not start runs", async () => {
			const { viewer, identifier } = await tenantWithWorkflow();
			expectProblem(
				await viewer.call(`/v1/workflows/${identifier}/runs`, {
					method: "POST",
					body: { inputs: { message: "x" } },
				}),
				403,
				"forbidden",
			);
		});

		it("lets only admins run as someone else", async () => {
			const { admin, alice, identifier } = await tenantWithWorkflow();
			const denied = await alice.call(`/v1/workflows/${identifier}/runs`, {
				method: "POST",
				body: { inputs: { message: "x" }, runAs: "bob@x" },
			});
			expectProblem(denied, 403, "forbidden");
			const allowed = await admin.call(`/v1/workflows/${identifier}/runs`, {
				method: "POST",
				body: { inputs: { message: "x" }, runAs: "bob@x" },
			});
			expect(allowed.body).toMatchObject({
				initiator: "bob@x",
				runAs: "bob@x",
				requestedBy: "admin@x",
			});
		});
	});
});

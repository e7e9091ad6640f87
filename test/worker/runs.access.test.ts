import { describe, expect, it } from "vitest";
import { as, expectProblem, uniqueTenant } from "./helpers";
import { tenantWithWorkflow, waitingWorkflow } from "./runs-helpers";

/** Everything a caller can do with a run id, and whether it answered like the run exists. */
async function probe(caller: Awaited<ReturnType<typeof as>>, runId: string, identifier: string) {
	const routes = [
		`/v1/workflows/runs/${runId}`,
		`/v1/workflows/${identifier}/runs/${runId}`,
		`/v1/workflows/runs/${runId}/events`,
	];
	const statuses = await Promise.all(routes.map(async (path) => (await caller.call(path)).status));
	const listed =
		(await caller.call("/v1/workflows/runs")).body.data?.some(
			(r: { id: string }) => r.id === runId,
		) ?? false;
	return { statuses, listed };
}

describe("who sees a run", () => {
	for (const shared of [false, true]) {
		it(`${shared ? "shared" : "private"} workflow: initiator, admin${shared ? ", every member and viewer" : " only"}`, async () => {
			const wf = waitingWorkflow("visibility", { allowAnyoneToViewRuns: shared });
			const { tenant, admin, alice, bob, viewer, identifier } = await tenantWithWorkflow(wf);
			const run = (
				await alice.call(`/v1/workflows/${identifier}/runs`, {
					method: "POST",
					body: { inputs: { message: "x" } },
				})
			).body;
			const outsider = await as({ tenant: uniqueTenant("other"), role: "admin", sub: "alice@x" });

			const expectations: [string, Awaited<ReturnType<typeof as>>, boolean][] = [
				["initiator", alice, true],
				["admin", admin, true],
				["other member", bob, shared],
				["viewer", viewer, shared],
				["another tenant's admin with the same sub", outsider, false],
			];
			for (const [who, caller, sees] of expectations) {
				const { statuses, listed } = await probe(caller, run.id, identifier);
				expect(statuses, who).toEqual(sees ? [200, 200, 200] : [404, 404, 404]);
				expect(listed, who).toBe(sees);
			}
			expect(tenant).toBeTruthy();
		});
	}

	it("lets the initiator and admins cancel; viewers may not; finished runs are 409", async () => {
		const { admin, alice, bob, viewer, identifier } = await tenantWithWorkflow(
			waitingWorkflow("acts", { allowAnyoneToViewRuns: true }),
		);
		const run = (
			await alice.call(`/v1/workflows/${identifier}/runs`, {
				method: "POST",
				body: { inputs: { message: "x" } },
			})
		).body;
		expectProblem(
			await viewer.call(`/v1/workflows/runs/${run.id}/cancel`, { method: "POST" }),
			403,
			"forbidden",
		);
		const cancelled = await bob.call(`/v1/workflows/runs/${run.id}/cancel`, { method: "POST" });
		expect(cancelled.status).toBe(202);
		expect(cancelled.body).toMatchObject({ status: "COMPLETED", result: "CANCELLED" });
		expect(cancelled.body.nodeRuns.find((n: { node: string }) => n.node === "wait").result).toBe(
			"CANCELLED",
		);
		expectProblem(
			await admin.call(`/v1/workflows/runs/${run.id}/cancel`, { method: "POST" }),
			409,
			"conflict",
		);
	});

	it("a member cannot cancel another member's private run (404, as if it did not exist)", async () => {
		const { alice, bob, identifier } = await tenantWithWorkflow();
		const run = (
			await alice.call(`/v1/workflows/${identifier}/runs`, {
				method: "POST",
				body: { inputs: { message: "x" } },
			})
		).body;
		expectProblem(
			await bob.call(`/v1/workflows/runs/${run.id}/cancel`, { method: "POST" }),
			404,
			"not_found",
		);
		expect((await alice.call(`/v1/workflows/runs/${run.id}`)).body.status).toBe("WAITING");
	});

	it("is 404 for a well-formed id that was never issued, 422 for a malformed one", async () => {
		const { admin } = await tenantWithWorkflow();
		expectProblem(await admin.call(`/v1/workflows/runs/run_${"0".repeat(32)}`), 404, "not_found");
		expectProblem(await admin.call("/v1/workflows/runs/not-a-run"), 422, "validation_failed");
	});
});

describe("GET …/runs/{runId}/events", () => {
	it("pages the history with after and limit", async () => {
		const { alice, identifier } = await tenantWithWorkflow();
		const run = (
			await alice.call(`/v1/workflows/${identifier}/runs`, {
				method: "POST",
				body: { inputs: { message: "x" } },
			})
		).body;
		const first = await alice.call(`/v1/workflows/runs/${run.id}/events?limit=3`);
		expect(first.body.data.map((e: { seq: number }) => e.seq)).toEqual([1, 2, 3]);
		expect(first.body.data[0]).toMatchObject({ type: "run_started" });
		expect(first.body.nextAfter).toBe(3);
		const rest = await alice.call(`/v1/workflows/runs/${run.id}/events?after=3&limit=100`);
		expect(rest.body.data[0].seq).toBe(4);
		expect(rest.body.nextAfter).toBeNull();
		expect(rest.body.data.at(-1).seq).toBe(rest.body.lastEventSeq);
	});
});

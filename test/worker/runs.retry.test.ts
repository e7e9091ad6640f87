import { describe, expect, it, vi } from "vitest";
import { expectProblem } from "./helpers";
import { hook } from "./run-helpers";
import { tenantWithWorkflow } from "./runs-helpers";

async function threeSteps(first: string, second: string) {
	return tenantWithWorkflow({
		identifier: "three_steps",
		title: "Three steps",
		nodes: [
			{ identifier: "trigger", config: { type: "SELF_SERVE_TRIGGER" } },
			{ identifier: "fetch", config: { type: "WEBHOOK", url: first, method: "POST" } },
			{
				identifier: "deploy",
				config: {
					type: "WEBHOOK",
					url: second,
					method: "POST",
					body: { from: "{{ .outputs.fetch.data.requestId }}" },
				},
			},
		],
		connections: [
			{ identifier: "c1", sourceIdentifier: "trigger", targetIdentifier: "fetch" },
			{ identifier: "c2", sourceIdentifier: "fetch", targetIdentifier: "deploy" },
		],
	});
}

async function finished(caller: { call: (path: string) => Promise<{ body: any }> }, id: string) {
	return vi.waitFor(
		async () => {
			const run = (await caller.call(`/v1/workflows/runs/${id}`)).body;
			if (run.status !== "COMPLETED") throw new Error(run.status);
			return run;
		},
		{ timeout: 5_000, interval: 20 },
	);
}

describe("POST /v1/workflows/runs/{runId}/retry", () => {
	it("re-executes from the failed node, reusing what succeeded, linked both ways", async () => {
		const fetchHook = await hook([
			{ status: 200, body: { requestId: "old" } },
			{ status: 200, body: { requestId: "new" } },
		]);
		const deployHook = await hook([{ status: 404 }, { status: 200 }]);
		const { alice, identifier } = await threeSteps(fetchHook.url, deployHook.url);
		const first = (
			await alice.call(`/v1/workflows/${identifier}/runs`, { method: "POST", body: {} })
		).body;
		expect((await finished(alice, first.id)).result).toBe("FAILED");

		const retry = await alice.call(`/v1/workflows/runs/${first.id}/retry`, {
			method: "POST",
			body: {},
		});
		expect(retry.status).toBe(202);
		expect(retry.body.retryOf).toBe(first.id);
		const second = await finished(alice, retry.body.id);
		expect(second.result).toBe("SUCCESS");
		expect(second.variables.outputs.fetch.data).toEqual({ requestId: "old" });
		expect(await fetchHook.deliveries()).toHaveLength(1);
		const deliveries = await deployHook.deliveries();
		expect(deliveries).toHaveLength(2);
		expect(JSON.parse(deliveries[1]?.body ?? "")).toEqual({ from: "old" });
		expect((await alice.call(`/v1/workflows/runs/${first.id}`)).body.retries).toEqual([
			retry.body.id,
		]);
	});

	it("with an Idempotency-Key, a resent retry answers the first retry's run and starts no other", async () => {
		const { alice, identifier } = await threeSteps(
			(await hook([{}])).url,
			(await hook([{ status: 404 }, {}])).url,
		);
		const first = (
			await alice.call(`/v1/workflows/${identifier}/runs`, { method: "POST", body: {} })
		).body;
		expect((await finished(alice, first.id)).result).toBe("FAILED");
		const retry = () =>
			alice.call(`/v1/workflows/runs/${first.id}/retry`, {
				method: "POST",
				body: {},
				headers: { "idempotency-key": "retry-once" },
			});
		const once = await retry();
		const again = await retry();
		expect(once.status).toBe(202);
		expect(again.status).toBe(202);
		expect(again.headers.get("idempotent-replayed")).toBe("true");
		expect(again.body.id).toBe(once.body.id);
		expect(again.headers.get("location")).toBe(`/v1/workflows/runs/${once.body.id}`);
		expect((await alice.call(`/v1/workflows/runs/${first.id}`)).body.retries).toEqual([
			once.body.id,
		]);
		const tooLong = await alice.call(`/v1/workflows/runs/${first.id}/retry`, {
			method: "POST",
			body: {},
			headers: { "idempotency-key": "k".repeat(256) },
		});
		expect(expectProblem(tooLong, 422, "validation_failed").errors?.[0]).toMatchObject({
			in: "header",
		});
	});

	it("needs fromNode for a successful run, and checks it", async () => {
		const { alice, identifier } = await threeSteps((await hook()).url, (await hook()).url);
		const run = (await alice.call(`/v1/workflows/${identifier}/runs`, { method: "POST", body: {} }))
			.body;
		expect((await finished(alice, run.id)).result).toBe("SUCCESS");
		expectProblem(
			await alice.call(`/v1/workflows/runs/${run.id}/retry`, { method: "POST", body: {} }),
			409,
			"conflict",
		);
		const bad = await alice.call(`/v1/workflows/runs/${run.id}/retry`, {
			method: "POST",
			body: { fromNode: "trigger" },
		});
		expect(expectProblem(bad, 422, "validation_failed").errors?.[0]?.pointer).toBe("/fromNode");
		const again = await alice.call(`/v1/workflows/runs/${run.id}/retry`, {
			method: "POST",
			body: { fromNode: "deploy" },
		});
		expect(again.status).toBe(202);
		const rerun = await finished(alice, again.body.id);
		expect(rerun.nodeRuns.find((n: { node: string }) => n.node === "fetch").attempts).toHaveLength(
			0,
		);
	});

	it("is 409 while the run is still going; a viewer who cannot see it gets 404", async () => {
		const { alice, viewer, identifier } = await threeSteps(
			(await hook([{ delayMs: 500 }])).url,
			(await hook()).url,
		);
		const run = (await alice.call(`/v1/workflows/${identifier}/runs`, { method: "POST", body: {} }))
			.body;
		expectProblem(
			await alice.call(`/v1/workflows/runs/${run.id}/retry`, { method: "POST", body: {} }),
			409,
			"conflict",
		);
		expectProblem(
			await viewer.call(`/v1/workflows/runs/${run.id}/retry`, { method: "POST", body: {} }),
			404,
			"not_found",
		);
		await finished(alice, run.id);
	});

	it("is 409 for a run cancelled before it started, with or without fromNode", async () => {
		// The running run's first call is answered only after the queued one was cancelled.
		const first = await hook([{ hold: true }]);
		const { admin, alice, identifier } = await threeSteps(first.url, (await hook()).url);
		await admin.call("/v1/tenant/settings", { method: "PATCH", body: { maxConcurrentRuns: 1 } });
		const start = () =>
			alice.call(`/v1/workflows/${identifier}/runs`, { method: "POST", body: {} });
		const running = (await start()).body;
		const queued = (await start()).body;
		expect(queued.status).toBe("QUEUED");
		await alice.call(`/v1/workflows/runs/${queued.id}/cancel`, { method: "POST" });
		for (const body of [{}, { fromNode: "deploy" }]) {
			const problem = expectProblem(
				await alice.call(`/v1/workflows/runs/${queued.id}/retry`, { method: "POST", body }),
				409,
				"conflict",
			);
			expect(problem.detail).toContain("never started");
		}
		await first.release();
		await finished(alice, running.id);
	});

	it("is 409 once the workflow was deleted, even when another one took its identifier", async () => {
		const { alice, identifier } = await threeSteps(
			(await hook()).url,
			(await hook([{ status: 404 }])).url,
		);
		const failed = (
			await alice.call(`/v1/workflows/${identifier}/runs`, { method: "POST", body: {} })
		).body;
		expect((await finished(alice, failed.id)).result).toBe("FAILED");
		const definition = (await alice.call(`/v1/workflows/${identifier}`)).body.definition;
		await alice.call(`/v1/workflows/${identifier}`, { method: "DELETE" });
		const retry = () =>
			alice.call(`/v1/workflows/runs/${failed.id}/retry`, { method: "POST", body: {} });
		expect(expectProblem(await retry(), 409, "conflict").detail).toContain("was deleted");
		await alice.call("/v1/workflows", { method: "POST", body: definition });
		expectProblem(await retry(), 409, "conflict");
		// The run itself stays readable.
		expect((await alice.call(`/v1/workflows/runs/${failed.id}`)).status).toBe(200);
	});

	it("needs the trigger's permission, as a start does: a member who may see the run still gets 403", async () => {
		const { admin, bob } = await tenantWithWorkflow({
			identifier: "restricted",
			title: "Admins only",
			allowAnyoneToViewRuns: true,
			nodes: [
				{
					identifier: "trigger",
					config: { type: "SELF_SERVE_TRIGGER", permissions: { roles: ["admin"] } },
				},
				{
					identifier: "call",
					config: { type: "WEBHOOK", url: (await hook()).url, method: "POST" },
				},
			],
			connections: [{ identifier: "c1", sourceIdentifier: "trigger", targetIdentifier: "call" }],
		});
		expectProblem(
			await bob.call("/v1/workflows/restricted/runs", { method: "POST", body: {} }),
			403,
			"forbidden",
		);
		const run = (await admin.call("/v1/workflows/restricted/runs", { method: "POST", body: {} }))
			.body;
		expect((await finished(admin, run.id)).result).toBe("SUCCESS");
		expect((await bob.call(`/v1/workflows/runs/${run.id}`)).status).toBe(200);
		expectProblem(
			await bob.call(`/v1/workflows/runs/${run.id}/retry`, {
				method: "POST",
				body: { fromNode: "call" },
			}),
			403,
			"forbidden",
		);
		const retried = await admin.call(`/v1/workflows/runs/${run.id}/retry`, {
			method: "POST",
			body: { fromNode: "call" },
		});
		expect(retried.status).toBe(202);
	});
});

import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { type as, BASE } from "./helpers";
import { tenantWithWorkflow, waitingWorkflow } from "./runs-helpers";

type Caller = Awaited<ReturnType<typeof as>>;

/**
 * What a caller can tell about a run through every door that reads it: the single reads, the
 * history, the stream, and the listing (plain, by workflow, by its pasted id). Bulk cancel acts,
 * so its own test probes it.
 */
async function sees(caller: Caller, runId: string, identifier: string) {
	const reads = await Promise.all(
		[
			`/v1/workflows/runs/${runId}`,
			`/v1/workflows/${identifier}/runs/${runId}`,
			`/v1/workflows/runs/${runId}/events`,
		].map(async (path) => (await caller.call(path)).status),
	);
	const stream = await SELF.fetch(`${BASE}/v1/workflows/runs/${runId}/stream`, {
		headers: { authorization: `Bearer ${caller.token}` },
	});
	await stream.body?.cancel();
	const listed = async (query: string) =>
		((await caller.call(`/v1/workflows/runs?${query}`)).body.data ?? []).some(
			(r: { id: string }) => r.id === runId,
		);
	return {
		statuses: [...reads, stream.status],
		listed: await listed(""),
		listedByWorkflow: await listed(`workflowIdentifiers=${identifier}`),
		foundById: await listed(`search=${runId}`),
	};
}

const visible = {
	statuses: [200, 200, 200, 200],
	listed: true,
	listedByWorkflow: true,
	foundById: true,
};
const hidden = {
	statuses: [404, 404, 404, 404],
	listed: false,
	listedByWorkflow: false,
	foundById: false,
};

async function startedByAlice(shared: boolean) {
	const setup = await tenantWithWorkflow(waitingWorkflow("vis", { allowAnyoneToViewRuns: shared }));
	const run = await setup.alice.call(`/v1/workflows/${setup.identifier}/runs`, {
		method: "POST",
		body: { inputs: { message: "x" } },
	});
	expect(run.status).toBe(202);
	return { ...setup, runId: run.body.id as string };
}

const setShared = (caller: Caller, identifier: string, shared: boolean) =>
	caller.call(`/v1/workflows/${identifier}`, {
		method: "PATCH",
		body: { allowAnyoneToViewRuns: shared },
	});

// Each test makes a few dozen requests: room for a machine shared with other test runs.
describe("who sees a run follows the workflow as it is now", { timeout: 60_000 }, () => {
	it("turning allowAnyoneToViewRuns on shows old runs to everyone; turning it off hides them again", async () => {
		const { admin, alice, bob, viewer, identifier, runId } = await startedByAlice(false);
		expect(await sees(bob, runId, identifier)).toEqual(hidden);
		expect(await sees(viewer, runId, identifier)).toEqual(hidden);

		expect((await setShared(admin, identifier, true)).status).toBe(200);
		expect(await sees(bob, runId, identifier)).toEqual(visible);
		expect(await sees(viewer, runId, identifier)).toEqual(visible);

		expect((await setShared(admin, identifier, false)).status).toBe(200);
		expect(await sees(bob, runId, identifier)).toEqual(hidden);
		for (const caller of [alice, admin])
			expect(await sees(caller, runId, identifier)).toEqual(visible);
	});

	it("bulk cancel reaches another member's run only while its workflow shares runs", async () => {
		const { admin, alice, bob, identifier, runId } = await startedByAlice(true);
		await setShared(admin, identifier, false);
		const none = await bob.call("/v1/workflows/runs/cancel", {
			method: "POST",
			body: { workflowIdentifiers: [identifier] },
		});
		expect(none.body).toEqual({ matched: 0, cancelled: 0, alreadyFinished: 0 });
		expect((await alice.call(`/v1/workflows/runs/${runId}`)).body.status).toBe("WAITING");

		await setShared(admin, identifier, true);
		const one = await bob.call("/v1/workflows/runs/cancel", {
			method: "POST",
			body: { workflowIdentifiers: [identifier] },
		});
		expect(one.body).toEqual({ matched: 1, cancelled: 1, alreadyFinished: 0 });
	});

	it("a deleted workflow's runs stay with their initiator and admins, even if a new one takes its identifier", async () => {
		const { admin, alice, bob, viewer, identifier, runId } = await startedByAlice(true);
		expect(await sees(bob, runId, identifier)).toEqual(visible);

		expect((await admin.call(`/v1/workflows/${identifier}`, { method: "DELETE" })).status).toBe(
			204,
		);
		for (const caller of [bob, viewer])
			expect(await sees(caller, runId, identifier)).toEqual(hidden);
		for (const caller of [alice, admin])
			expect(await sees(caller, runId, identifier)).toEqual(visible);

		// A new workflow under the same identifier that shares its runs shares only its own.
		const again = await admin.call("/v1/workflows", {
			method: "POST",
			body: waitingWorkflow(identifier, { allowAnyoneToViewRuns: true }),
		});
		expect(again.status).toBe(201);
		expect(await sees(bob, runId, identifier)).toEqual(hidden);
	});
});

import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BASE, expectProblem } from "./helpers";
import { waitForIndex } from "./run-helpers";
import { tenantWithWorkflow, waitingWorkflow } from "./runs-helpers";

type Caller = Awaited<ReturnType<typeof tenantWithWorkflow>>["admin"];

const SETTINGS = "/v1/tenant/settings";

async function setQuota(admin: Caller, body: Record<string, number>) {
	const res = await admin.call(SETTINGS, { method: "PATCH", body });
	expect(res.status).toBe(200);
	expect(res.body).toMatchObject(body);
}

/** A new version of the waiting workflow, told apart by its title. */
const saveVersion = (admin: Caller, title: string) =>
	admin.call("/v1/workflows/waits", { method: "PUT", body: { ...waitingWorkflow(), title } });

const versionsOf = async (caller: Caller) =>
	(await caller.call("/v1/workflows/waits/versions")).body.data.map(
		(v: { version: number }) => v.version,
	);

describe("tenant quotas", { timeout: 60_000 }, () => {
	it("answers a workflow past maxWorkflows with 409 quota_exceeded, by POST or PUT; saving existing ones goes on", async () => {
		const { admin, tenant } = await tenantWithWorkflow();
		const other = await tenantWithWorkflow();
		await setQuota(admin, { maxWorkflows: 2 });
		const create = (identifier: string) =>
			admin.call("/v1/workflows", { method: "POST", body: waitingWorkflow(identifier) });
		expect((await create("second")).status).toBe(201);
		const refused = expectProblem(await create("third"), 409, "quota_exceeded");
		expect(refused.detail).toContain("maxWorkflows");
		expectProblem(
			await admin.call("/v1/workflows/third", { method: "PUT", body: waitingWorkflow("third") }),
			409,
			"quota_exceeded",
		);
		expectProblem(await admin.call("/v1/workflows/third"), 404, "not_found");
		// A new version of a workflow the tenant has is no new workflow.
		expect((await saveVersion(admin, "Still fine")).status).toBe(200);
		// Deleted workflows do not count.
		expect((await admin.call("/v1/workflows/second", { method: "DELETE" })).status).toBe(204);
		expect((await create("third")).status).toBe(201);
		// Another tenant has its own count.
		const elsewhere = await other.admin.call("/v1/workflows", {
			method: "POST",
			body: waitingWorkflow("second"),
		});
		expect(elsewhere.status, tenant).toBe(201);
	});

	it("keeps maxVersionsPerWorkflow versions, and any older one a run that has not ended was started on", async () => {
		const { admin, alice } = await tenantWithWorkflow();
		await setQuota(admin, { maxVersionsPerWorkflow: 2 });
		const started = await alice.call("/v1/workflows/waits/runs", {
			method: "POST",
			body: { inputs: { message: "pins version 1" } },
		});
		expect(started.status).toBe(202);
		const runId = started.body.id as string;
		await waitForIndex(runId, "WAITING");
		for (const title of ["v2", "v3", "v4"])
			expect((await saveVersion(admin, title)).status).toBe(200);
		// Version 1 stays for its waiting run; 2 is past the newest two.
		expect(await versionsOf(admin)).toEqual([4, 3, 1]);
		expectProblem(await admin.call("/v1/workflows/waits/versions/2"), 404, "not_found");
		expect((await admin.call("/v1/workflows/waits")).body.version).toBe(4);
		expect((await alice.call(`/v1/workflows/runs/${runId}`)).body.workflow.version).toBe(1);

		// Once the run has ended, the next save lets version 1 go too.
		await alice.call(`/v1/workflows/runs/${runId}/cancel`, { method: "POST", body: {} });
		await waitForIndex(runId, "COMPLETED");
		expect((await saveVersion(admin, "v5")).status).toBe(200);
		expect(await versionsOf(admin)).toEqual([5, 4]);
		// The ended run is still whole: it holds its own copy of the definition.
		const run = await alice.call(`/v1/workflows/runs/${runId}`);
		expect(run.body).toMatchObject({ status: "COMPLETED", workflow: { version: 1 } });
	});

	it("answers one more event stream than maxStreamsPerRun with 429 too_many_streams", async () => {
		const { admin, alice } = await tenantWithWorkflow();
		await setQuota(admin, { maxStreamsPerRun: 2 });
		const started = await alice.call("/v1/workflows/waits/runs", {
			method: "POST",
			body: { inputs: { message: "followed" } },
		});
		const path = `/v1/workflows/runs/${started.body.id}/stream`;
		const open = () =>
			SELF.fetch(`${BASE}${path}`, { headers: { authorization: `Bearer ${alice.token}` } });
		const first = await open();
		const second = await open();
		expect([first.status, second.status]).toEqual([200, 200]);
		const third = await open();
		expect(third.status).toBe(429);
		const problem = (await third.json()) as { code: string; detail: string };
		expect(problem.code).toBe("too_many_streams");
		expect(problem.detail).toContain("maxStreamsPerRun");
		// Another run has streams of its own.
		const another = await alice.call("/v1/workflows/waits/runs", {
			method: "POST",
			body: { inputs: { message: "another" } },
		});
		const elsewhere = await SELF.fetch(`${BASE}/v1/workflows/runs/${another.body.id}/stream`, {
			headers: { authorization: `Bearer ${alice.token}` },
		});
		expect(elsewhere.status).toBe(200);
		for (const res of [first, second, elsewhere]) await res.body?.cancel();
	});

	it("refuses a quota of 0 or past its maximum with 422 naming the field", async () => {
		const { admin } = await tenantWithWorkflow();
		for (const [field, value] of [
			["maxWorkflows", 0],
			["maxWorkflows", 100_001],
			["maxVersionsPerWorkflow", 10_001],
			["maxStreamsPerRun", 1_001],
		] as const) {
			const res = await admin.call(SETTINGS, { method: "PATCH", body: { [field]: value } });
			expect(expectProblem(res, 422, "validation_failed").errors?.[0]?.pointer).toBe(`/${field}`);
		}
		expect((await admin.call(SETTINGS)).body).toMatchObject({
			maxWorkflows: 1000,
			maxVersionsPerWorkflow: 100,
			maxStreamsPerRun: 20,
		});
	});
});

import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { tenantObject } from "../../durable-objects";
import type { RunIndexEntry } from "../../engine/control";
import { writeRunIndexEntry } from "../../worker/db/runs.repo";
import { as, uniqueTenant } from "./helpers";
import { insertWorkflowRow } from "./runs-helpers";

const OVERVIEW = "/v1/tenant/overview";
const HOUR = 3_600_000;

/** One index row, as a run object writes it, requested `hoursAgo` hours ago. */
async function seed(
	tenantId: string,
	run: {
		workflow: "deploy" | "backup" | "report";
		hoursAgo: number;
		result?: "SUCCESS" | "FAILED" | "CANCELLED";
		by?: string;
	},
) {
	const createdAt = Date.now() - run.hoursAgo * HOUR;
	const entry: RunIndexEntry = {
		id: `run_${crypto.randomUUID().replaceAll("-", "")}`,
		tenantId,
		workflowId: `wf_${tenantId}_${run.workflow}`,
		workflowIdentifier: run.workflow,
		workflowTitle: `Title of ${run.workflow}`,
		version: 1,
		status: run.result ? "COMPLETED" : "WAITING",
		result: run.result ?? null,
		initiatedBy: run.by ?? "alice@x",
		requestedBy: run.by ?? "alice@x",
		entityId: null,
		parentRunId: null,
		createdAt,
		startedAt: createdAt,
		endedAt: run.result ? createdAt + 1000 : null,
		wakeAt: run.result ? null : createdAt + HOUR,
		updatedAt: createdAt,
		indexVersion: 1,
		triggerType: "SELF_SERVE_TRIGGER",
		trigger: { type: "SELF_SERVE_TRIGGER", node: "trigger" },
	};
	await writeRunIndexEntry(env.DB, entry);
}

async function seededTenant() {
	const tenant = uniqueTenant("overview");
	for (const [identifier, shared] of [
		["deploy", true],
		["backup", false],
		["report", false],
	] as const)
		await insertWorkflowRow(tenant, { id: `wf_${tenant}_${identifier}`, identifier, shared });
	const runs = [
		// The last 24 hours: deploy 3 (1 failed, 1 waiting), backup 2 failed (bob's).
		{ workflow: "deploy", hoursAgo: 1, result: "SUCCESS" },
		{ workflow: "deploy", hoursAgo: 2.5, result: "FAILED" },
		{ workflow: "deploy", hoursAgo: 0.2 },
		{ workflow: "backup", hoursAgo: 5, result: "FAILED", by: "bob@x" },
		{ workflow: "backup", hoursAgo: 23.5, result: "FAILED", by: "bob@x" },
		// Earlier this week: report 4 (1 cancelled), deploy 1.
		{ workflow: "report", hoursAgo: 30, result: "SUCCESS" },
		{ workflow: "report", hoursAgo: 50, result: "SUCCESS" },
		{ workflow: "report", hoursAgo: 100, result: "SUCCESS" },
		{ workflow: "report", hoursAgo: 160, result: "CANCELLED" },
		{ workflow: "deploy", hoursAgo: 70, result: "SUCCESS" },
		// Older than 7 days: not counted.
		{ workflow: "report", hoursAgo: 170, result: "FAILED" },
	] as const;
	for (const run of runs) await seed(tenant, run);
	return tenant;
}

describe("GET /v1/tenant/overview", () => {
	it("counts an admin's tenant by status and result over 24 hours and 7 days, per slice", async () => {
		const tenant = await seededTenant();
		const res = await (await as({ tenant, role: "admin" })).call(OVERVIEW);
		expect(res.status).toBe(200);
		const { last24Hours: day, last7Days: week } = res.body;
		expect(day.total).toBe(5);
		expect(day.byResult).toEqual({ SUCCESS: 1, FAILED: 3, CANCELLED: 0 });
		expect(day.byStatus).toEqual({ QUEUED: 0, IN_PROGRESS: 0, WAITING: 1, COMPLETED: 4 });
		expect(day.buckets).toHaveLength(24);
		// The newest hour holds the waiting run; the oldest the failed backup of 23.5 hours ago.
		expect(day.buckets[23]).toMatchObject({ unfinished: 1, SUCCESS: 0 });
		expect(day.buckets[0]).toMatchObject({ FAILED: 1 });
		expect(week.total).toBe(10);
		expect(week.byResult).toEqual({ SUCCESS: 5, FAILED: 3, CANCELLED: 1 });
		expect(week.buckets).toHaveLength(7);
		expect(week.buckets.map((b: { CANCELLED: number }) => b.CANCELLED)).toEqual([
			1, 0, 0, 0, 0, 0, 0,
		]);
		expect(Date.parse(week.buckets[0].start)).toBeCloseTo(Date.parse(res.body.at) - 168 * HOUR, -4);

		expect(res.body.busiest.map((w: { identifier: string }) => w.identifier)).toEqual([
			"deploy",
			"report",
			"backup",
		]);
		expect(res.body.busiest[0]).toEqual({
			identifier: "deploy",
			title: "Title of deploy",
			runs: 4,
			failed: 1,
		});
		expect(res.body.mostFailing).toEqual([
			{ identifier: "backup", title: "Title of backup", runs: 2, failed: 2 },
			{ identifier: "deploy", title: "Title of deploy", runs: 4, failed: 1 },
		]);
	});

	it("counts for a member only the runs they may see: their own and shared workflows'", async () => {
		const tenant = await seededTenant();
		const res = await (await as({ tenant, role: "member", sub: "carol@x" })).call(OVERVIEW);
		expect(res.status).toBe(200);
		// deploy shares its runs; backup (bob's) and report (alice's) do not.
		expect(res.body.last7Days.total).toBe(4);
		expect(res.body.busiest.map((w: { identifier: string }) => w.identifier)).toEqual(["deploy"]);
		const bob = await (await as({ tenant, role: "member", sub: "bob@x" })).call(OVERVIEW);
		expect(bob.body.mostFailing.map((w: { identifier: string }) => w.identifier)).toEqual([
			"backup",
			"deploy",
		]);
	});

	it("shows the slots in use against the limit, and the queue", async () => {
		const tenant = uniqueTenant("overview");
		const admin = await as({ tenant, role: "admin" });
		await admin.call("/v1/tenant/settings", { method: "PATCH", body: { maxConcurrentRuns: 2 } });
		const stub = tenantObject(env, tenant);
		for (const runId of ["r1", "r2", "r3"]) await stub.acquireSlot(tenant, runId, Date.now());
		const res = await (await as({ tenant, role: "viewer" })).call(OVERVIEW);
		expect(res.body.concurrency).toEqual({ inProgress: 2, queued: 1, limit: 2 });
		expect(res.body.last24Hours.total).toBe(0);
		expect(res.body.busiest).toEqual([]);
	});
});

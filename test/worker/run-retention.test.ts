import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { runObject } from "../../durable-objects";
import { DAY_MS } from "../../worker/quotas/tenant-limits";
import { PURGE_BUDGET, type PurgeBudget, purgeExpiredRuns } from "../../worker/run-retention";
import { expectProblem } from "./helpers";
import { definition, link, trigger, waitForIndex } from "./run-helpers";
import { tenantWithWorkflow } from "./runs-helpers";

type Caller = Awaited<ReturnType<typeof tenantWithWorkflow>>["alice"];

/** A run of the waiting workflow: "high" ends it at once (its option leads nowhere), "low" waits an hour. */
async function startRun(caller: Caller, identifier: string, priority: "high" | "low") {
	const res = await caller.call(`/v1/workflows/${identifier}/runs`, {
		method: "POST",
		body: { inputs: { message: "m", priority } },
	});
	expect(res.status).toBe(202);
	const id = res.body.id as string;
	if (priority === "high") await waitForIndex(id, "COMPLETED");
	return id;
}

async function setRetention(admin: Caller, days: number) {
	const res = await admin.call("/v1/tenant/settings", {
		method: "PATCH",
		body: { runRetentionDays: days },
	});
	expect(res.status).toBe(200);
}

/** Runs the purge at `now` until it has visited every tenant once (other tests' tenants too). */
async function purgeAll(now: number, budget: PurgeBudget = PURGE_BUDGET) {
	const reports = [];
	for (let i = 0; i < 100; i++) {
		const report = await purgeExpiredRuns(env, now, budget);
		reports.push(report);
		if (report.wrapped) return reports;
	}
	throw new Error("the purge never got through the tenants");
}

const indexRows = async (tenant: string) =>
	(
		await env.DB.prepare("SELECT id FROM runs WHERE tenant_id = ?")
			.bind(tenant)
			.all<{ id: string }>()
	).results.map((r) => r.id);

describe("run retention (runRetentionDays)", { timeout: 60_000 }, () => {
	it("deletes ended runs past the tenant's retention, object storage and index row; they are 404 everywhere", async () => {
		const { tenant, admin, alice, identifier } = await tenantWithWorkflow();
		await setRetention(admin, 1);
		const ended = [
			await startRun(alice, identifier, "high"),
			await startRun(alice, identifier, "high"),
		];
		const waiting = await startRun(alice, identifier, "low");
		const cancelled = await startRun(alice, identifier, "low");
		expect(
			(await alice.call(`/v1/workflows/runs/${cancelled}/cancel`, { method: "POST", body: {} }))
				.status,
		).toBe(202);
		await waitForIndex(cancelled, "COMPLETED");
		// Another tenant keeps its runs 3 days, a third the default 30: two days on, theirs stay.
		const other = await tenantWithWorkflow();
		await setRetention(other.admin, 3);
		const kept = await startRun(other.alice, other.identifier, "high");
		const byDefault = await tenantWithWorkflow();
		const keptByDefault = await startRun(byDefault.alice, byDefault.identifier, "high");

		// Before the retention is up, nothing goes.
		await purgeAll(Date.now() + DAY_MS / 2);
		expect((await indexRows(tenant)).sort()).toEqual([...ended, waiting, cancelled].sort());

		await purgeAll(Date.now() + 2 * DAY_MS);
		expect(await indexRows(tenant)).toEqual([waiting]);
		expect(await indexRows(other.tenant)).toEqual([kept]);
		expect(await indexRows(byDefault.tenant)).toEqual([keptByDefault]);

		for (const runId of [...ended, cancelled]) {
			for (const path of [
				`/v1/workflows/runs/${runId}`,
				`/v1/workflows/${identifier}/runs/${runId}`,
				`/v1/workflows/runs/${runId}/events`,
				`/v1/workflows/runs/${runId}/stream`,
			]) {
				expectProblem(await alice.call(path), 404, "not_found");
			}
			for (const path of [
				`/v1/workflows/runs/${runId}/cancel`,
				`/v1/workflows/runs/${runId}/retry`,
			]) {
				expectProblem(await alice.call(path, { method: "POST", body: {} }), 404, "not_found");
			}
			// Nothing of the run is left in its object: no table, no alarm.
			await runInDurableObject(runObject(env, tenant, runId), async (_instance, state) => {
				const tables = state.storage.sql
					.exec(
						"SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\'",
					)
					.toArray();
				expect(tables).toEqual([]);
				expect(await state.storage.getAlarm()).toBeNull();
			});
		}
		const listed = await alice.call("/v1/workflows/runs");
		expect(listed.body.data.map((r: { id: string }) => r.id)).toEqual([waiting]);
		// The unfinished run is untouched, however old.
		expect((await alice.call(`/v1/workflows/runs/${waiting}`)).body.status).toBe("WAITING");
		await purgeAll(Date.now() + 400 * DAY_MS);
		expect(await indexRows(tenant)).toEqual([waiting]);
		expect((await alice.call(`/v1/workflows/runs/${waiting}`)).body.status).toBe("WAITING");
	});

	it("purges in bounded batches that resume where they stopped, also after a crash between the two deletes", async () => {
		const { tenant, admin, alice, identifier } = await tenantWithWorkflow();
		await setRetention(admin, 1);
		const runs: string[] = [];
		for (let i = 0; i < 5; i++) runs.push(await startRun(alice, identifier, "high"));
		// A purge that died after deleting the object's storage, before the index row: the row
		// is still listed, the run itself is gone, and the next tick finishes the job.
		const crashed = runs[0] as string;
		expect(await runObject(env, tenant, crashed).purge()).toEqual({ kind: "purged" });
		expect(await runObject(env, tenant, crashed).purge()).toEqual({ kind: "no_such_run" });
		expectProblem(await alice.call(`/v1/workflows/runs/${crashed}`), 404, "not_found");
		expect(await indexRows(tenant)).toContain(crashed);

		const budget = { tenants: 100, runs: 2, batch: 2, parallel: 1 };
		const now = Date.now() + 2 * DAY_MS;
		const seen: number[] = [];
		for (let i = 0; i < 50 && seen.at(-1) !== 0; i++) {
			const report = await purgeExpiredRuns(env, now, budget);
			expect(report.purged + report.skipped).toBeLessThanOrEqual(2);
			const left = (await indexRows(tenant)).length;
			if (left !== seen.at(-1)) seen.push(left);
		}
		// Two per tick, each tick starting where the last one stopped.
		expect(seen).toEqual([5, 3, 1, 0].filter((n) => n <= (seen[0] ?? 5)));
		expect(seen.at(-1)).toBe(0);
	});

	it("deletes a purged run's input requests with its index row", async () => {
		const asks = definition({
			identifier: "asks",
			nodes: [
				trigger(),
				{ identifier: "approve", config: { type: "INPUT", outlets: [{ identifier: "ok" }] } },
			],
			connections: [link("c1", "trigger", "approve")],
		});
		const { tenant, admin, alice } = await tenantWithWorkflow(asks as never);
		await setRetention(admin, 1);
		const started = await alice.call("/v1/workflows/asks/runs", { method: "POST", body: {} });
		const runId = started.body.id as string;
		await waitForIndex(runId, "WAITING");
		const requests = () =>
			env.DB.prepare("SELECT id FROM input_requests WHERE tenant_id = ? AND run_id = ?")
				.bind(tenant, runId)
				.all<{ id: string }>()
				.then((r) => r.results.map((row) => row.id));
		expect(await requests()).toEqual([`${runId}/approve`]);
		await alice.call(`/v1/workflows/runs/${runId}/cancel`, { method: "POST", body: {} });
		await waitForIndex(runId, "COMPLETED");
		await purgeAll(Date.now() + 2 * DAY_MS);
		expect(await indexRows(tenant)).toEqual([]);
		expect(await requests()).toEqual([]);
	});

	it("refuses to purge a run that has not ended", async () => {
		const { tenant, alice, identifier } = await tenantWithWorkflow();
		const waiting = await startRun(alice, identifier, "low");
		expect(await runObject(env, tenant, waiting).purge()).toEqual({ kind: "not_ended" });
		expect((await alice.call(`/v1/workflows/runs/${waiting}`)).body.status).toBe("WAITING");
	});
});

import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { RunIndexEntry } from "../../engine/control";
import { database } from "../../worker/db/client";
import { DUE_RUNS_SQL, listRuns, writeRunIndexEntry } from "../../worker/db/runs.repo";

import { uniqueTenant } from "./helpers";

const T0 = Date.parse("2026-03-01T00:00:00Z");

function entry(tenantId: string, id: string, changes: Partial<RunIndexEntry>): RunIndexEntry {
	return {
		id,
		tenantId,
		workflowId: "wf_1",
		workflowIdentifier: "deploy",
		workflowTitle: "Deploy",
		version: 1,
		status: "IN_PROGRESS",
		result: null,
		initiatedBy: "alice@x",
		requestedBy: "alice@x",
		entityId: null,
		parentRunId: null,
		createdAt: T0,
		startedAt: T0,
		endedAt: null,
		wakeAt: T0,
		updatedAt: T0,
		indexVersion: 1,
		triggerType: "SELF_SERVE_TRIGGER",
		trigger: { type: "SELF_SERVE_TRIGGER", node: "trigger" },
		...changes,
	};
}

const finished = { status: "COMPLETED", result: "SUCCESS", endedAt: T0 + 50, wakeAt: null };

const listIds = async (tenantId: string, filter: { status?: string; unfinished?: boolean }) =>
	(await listRuns(database(env.DB), tenantId, { ...filter, visibleTo: null }, { limit: 20 })).map(
		(r) => r.id,
	);

describe("the D1 runs index", () => {
	it("costs two rows written for a run indexed once, already finished", async () => {
		const tenant = uniqueTenant("index");
		// D1 bills the table row and each index entry written; a finished run is in no partial index.
		expect(await writeRunIndexEntry(env.DB, entry(tenant, "run_once", { ...finished }))).toBe(2);
		expect(await listIds(tenant, {})).toEqual(["run_once"]);
		expect(await listIds(tenant, { status: "COMPLETED" })).toEqual(["run_once"]);
	});

	it("costs four rows written for a run listed while it works, six for one that queued first", async () => {
		const tenant = uniqueTenant("index");
		// Listed IN_PROGRESS (the row, its workflow entry, its unfinished-status entry), then done:
		// the row again; the entries it leaves are deletions, which D1 does not bill.
		expect(await writeRunIndexEntry(env.DB, entry(tenant, "run_works", {}))).toBe(3);
		const done = { ...finished, indexVersion: 2 };
		expect(await writeRunIndexEntry(env.DB, entry(tenant, "run_works", done))).toBe(1);
		// Queued first: its status entry moves once more when the slot is granted.
		const queued = { status: "QUEUED", startedAt: null, wakeAt: null, indexVersion: 0 };
		expect(await writeRunIndexEntry(env.DB, entry(tenant, "run_queued", queued))).toBe(3);
		expect(await writeRunIndexEntry(env.DB, entry(tenant, "run_queued", {}))).toBe(2);
		expect(await writeRunIndexEntry(env.DB, entry(tenant, "run_queued", done))).toBe(1);
	});

	it("lists a waiting run by status while it waits, and keeps one row through every flush", async () => {
		const tenant = uniqueTenant("index");
		await writeRunIndexEntry(env.DB, entry(tenant, "run_waits", {}));
		await writeRunIndexEntry(
			env.DB,
			entry(tenant, "run_waits", { status: "WAITING", wakeAt: T0 + 3_600_000, indexVersion: 2 }),
		);
		expect(await listIds(tenant, { status: "WAITING" })).toEqual(["run_waits"]);
		expect(await listIds(tenant, { unfinished: true })).toEqual(["run_waits"]);

		await writeRunIndexEntry(env.DB, entry(tenant, "run_waits", { ...finished, indexVersion: 3 }));
		// A late flush of an older version changes nothing.
		const stale = entry(tenant, "run_waits", { status: "WAITING", indexVersion: 2 });
		expect(await writeRunIndexEntry(env.DB, stale)).toBe(0);

		expect(await listIds(tenant, { status: "WAITING" })).toEqual([]);
		expect(await listIds(tenant, { unfinished: true })).toEqual([]);
		expect(await listIds(tenant, { status: "COMPLETED" })).toEqual(["run_waits"]);
		const rows = await env.DB.prepare("SELECT status FROM runs WHERE tenant_id = ?")
			.bind(tenant)
			.all<{ status: string }>();
		expect(rows.results).toEqual([{ status: "COMPLETED" }]);
	});

	it("finds due runs for the sweeper through the index of unfinished runs only", async () => {
		const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${DUE_RUNS_SQL}`)
			.bind(T0, 100)
			.all<{ detail: string }>();
		// Every unfinished run and no finished one: the partial index, never the table.
		expect(plan.results.map((r) => r.detail)).toEqual([
			"SCAN runs USING INDEX runs_unfinished_tenant_status_created",
			"USE TEMP B-TREE FOR ORDER BY",
		]);
	});
});

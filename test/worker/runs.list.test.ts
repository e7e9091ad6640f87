import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { listRunsQueries, type RunFilter } from "../../worker/db/runs.repo";
import { as, expectProblem, uniqueTenant } from "./helpers";
import { insertWorkflowRow } from "./runs-helpers";

const tenant = uniqueTenant("list");
const WORKFLOWS = ["deploy", "rollback", "notify", "audit"];
const STATUSES = ["QUEUED", "IN_PROGRESS", "WAITING", "COMPLETED"];
const RESULTS = ["SUCCESS", "FAILED", "CANCELLED"];
const USERS = ["alice@x", "bob@x", "carol@x"];
const T0 = Date.parse("2026-01-01T00:00:00Z");

interface Seeded {
	id: string;
	workflow: string;
	status: string;
	result: string | null;
	initiatedBy: string;
	entityId: string | null;
	createdAt: number;
	visibleToAll: boolean;
}

/** 500 index rows written straight to D1: the listing reads only the index. */
const seeded: Seeded[] = Array.from({ length: 500 }, (_, i) => {
	const status = STATUSES[i % 4] as string;
	return {
		id: `run_${i.toString(16).padStart(32, "0")}`,
		workflow: WORKFLOWS[i % 4] as string,
		status,
		result: status === "COMPLETED" ? (RESULTS[i % 3] as string) : null,
		initiatedBy: USERS[i % 3] as string,
		entityId: i % 5 === 0 ? `svc-${i % 10}` : null,
		// A few share a timestamp, so the id tiebreak of the cursor is exercised.
		createdAt: T0 + Math.floor(i / 2) * 60_000,
		visibleToAll: i % 7 === 0,
	};
});

beforeAll(async () => {
	for (const workflow of WORKFLOWS)
		await insertWorkflowRow(tenant, {
			id: `${tenant}:${workflow}-shared`,
			identifier: workflow,
			shared: true,
			description: `Runbook for ${workflow}`,
		});
	const insert = env.DB.prepare(
		`INSERT INTO runs (id, tenant_id, workflow_id, workflow_identifier, workflow_title, version, status, result,
		 initiated_by, requested_by, entity_id, created_at, started_at, ended_at, wake_at, updated_at, index_version)
		 VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL, ?, 1)`,
	);
	await env.DB.batch(
		seeded.map((r) =>
			insert.bind(
				r.id,
				tenant,
				// Shared runs belong to a live workflow that shares them; the others' workflow is gone.
				r.visibleToAll ? `${tenant}:${r.workflow}-shared` : `wf-${r.workflow}`,
				r.workflow,
				`Title of ${r.workflow}`,
				r.status,
				r.result,
				r.initiatedBy,
				r.initiatedBy,
				r.entityId,
				r.createdAt,
				r.createdAt,
			),
		),
	);
});

const newestFirst = (a: Seeded, b: Seeded) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1);

async function listAll(caller: Awaited<ReturnType<typeof as>>, query: string) {
	const ids: string[] = [];
	let cursor: string | null = null;
	do {
		const res: { status: number; body: { data: { id: string }[]; nextCursor: string | null } } =
			await caller.call(
				`/v1/workflows/runs?limit=100&${query}${cursor ? `&cursor=${cursor}` : ""}`,
			);
		expect(res.status).toBe(200);
		ids.push(...res.body.data.map((r) => r.id));
		cursor = res.body.nextCursor;
	} while (cursor);
	return ids;
}

describe("GET /v1/workflows/runs", () => {
	const cases: [string, string, (r: Seeded) => boolean][] = [
		["everything", "", () => true],
		["one workflow", "workflowIdentifiers=deploy", (r) => r.workflow === "deploy"],
		[
			"comma-separated workflows",
			"workflowIdentifiers=deploy,notify",
			(r) => ["deploy", "notify"].includes(r.workflow),
		],
		[
			"repeated workflows",
			"workflowIdentifiers=audit&workflowIdentifiers=rollback",
			(r) => ["audit", "rollback"].includes(r.workflow),
		],
		["status", "status=WAITING", (r) => r.status === "WAITING"],
		["result", "result=FAILED", (r) => r.result === "FAILED"],
		["initiator", "initiatedBy=bob@x", (r) => r.initiatedBy === "bob@x"],
		["entity", "entityId=svc-0", (r) => r.entityId === "svc-0"],
		[
			"time window",
			"startedAfter=2026-01-01T01:00:00Z&startedBefore=2026-01-01T02:00:00Z",
			(r) => r.createdAt >= T0 + 3_600_000 && r.createdAt < T0 + 7_200_000,
		],
		["search", "search=ollba", (r) => r.workflow === "rollback"],
		["Cortex's searchQuery", "searchQuery=ollba", (r) => r.workflow === "rollback"],
		[
			"Cortex's workflowIds",
			"workflowIds=deploy,audit",
			(r) => ["deploy", "audit"].includes(r.workflow),
		],
		[
			"a search of the workflow's current description",
			"search=runbook%20for%20notify",
			(r) => r.workflow === "notify" && r.visibleToAll,
		],
		[
			"combined",
			"workflowIdentifiers=deploy&status=COMPLETED&initiatedBy=alice@x",
			(r) => r.workflow === "deploy" && r.status === "COMPLETED" && r.initiatedBy === "alice@x",
		],
	];
	for (const [name, query, keep] of cases) {
		it(`filters by ${name}, newest first, every page exactly once`, async () => {
			const admin = await as({ tenant, role: "admin" });
			expect(await listAll(admin, query)).toEqual(
				seeded
					.filter(keep)
					.sort(newestFirst)
					.map((r) => r.id),
			);
		});
	}

	it("shows members only their own runs and shared ones", async () => {
		const bob = await as({ tenant, role: "member", sub: "bob@x" });
		const expected = seeded
			.filter((r) => r.initiatedBy === "bob@x" || r.visibleToAll)
			.sort(newestFirst)
			.map((r) => r.id);
		expect(await listAll(bob, "")).toEqual(expected);
	});

	it("rejects bad filters with pointers", async () => {
		const admin = await as({ tenant, role: "admin" });
		for (const [query, pointer] of [
			["status=DONE", "/status"],
			["startedAfter=yesterday", "/startedAfter"],
			["limit=500", "/limit"],
			["workflowIdentifiers=bad%20id", "/workflowIdentifiers/0"],
		]) {
			const problem = expectProblem(
				await admin.call(`/v1/workflows/runs?${query}`),
				422,
				"validation_failed",
			);
			expect(problem.errors?.[0]?.pointer, query).toBe(pointer);
		}
	});

	it("reads every filter combination from the index it names, in order (query plans)", async () => {
		const PRIMARY_KEY = "SEARCH runs USING PRIMARY KEY (tenant_id=?";
		const BY_WORKFLOW =
			"SEARCH runs USING INDEX runs_tenant_workflow_created (tenant_id=? AND workflow_identifier=?";
		const BY_UNFINISHED_STATUS =
			"SEARCH runs USING INDEX runs_unfinished_tenant_status_created (tenant_id=? AND status=?";
		// [filter, index, statements, checked row by row for an admin]. A member's visibility is
		// always checked row by row.
		const cases: [Partial<RunFilter>, string, number, boolean][] = [
			[{}, PRIMARY_KEY, 1, false],
			[{ workflowIdentifiers: ["deploy"] }, BY_WORKFLOW, 1, false],
			[{ workflowIdentifiers: ["deploy", "audit"], status: "COMPLETED" }, BY_WORKFLOW, 2, true],
			[{ status: "WAITING" }, BY_UNFINISHED_STATUS, 1, false],
			[{ workflowIdentifiers: ["deploy"], status: "QUEUED" }, BY_UNFINISHED_STATUS, 1, true],
			[{ unfinished: true }, BY_UNFINISHED_STATUS, 3, false],
			[{ workflowIdentifiers: ["deploy"], unfinished: true }, BY_WORKFLOW, 1, true],
			[{ status: "COMPLETED" }, PRIMARY_KEY, 1, true],
			[{ result: "FAILED" }, PRIMARY_KEY, 1, true],
			[{ initiatedBy: "bob@x" }, PRIMARY_KEY, 1, true],
			[{ entityId: "svc-1" }, PRIMARY_KEY, 1, true],
			[{ startedAfter: T0, startedBefore: T0 + 1000 }, PRIMARY_KEY, 1, false],
			[{ search: "dep" }, PRIMARY_KEY, 1, true],
			[
				{ status: "COMPLETED", initiatedBy: "bob@x", entityId: "svc-1", search: "x" },
				PRIMARY_KEY,
				1,
				true,
			],
		];
		// The search of the named index, seeking to the cursor.
		const seek = (expected: string) =>
			expect.stringMatching(
				new RegExp(
					`^${expected.replace(/[()?]/g, "\\$&")}.*(\\(created_at,id\\)<\\(\\?,\\?\\)|created_at<\\?)`,
				),
			);
		const plan = async ({ sql, params }: { sql: string; params: unknown[] }) =>
			(
				await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
					.bind(...params)
					.all<{ detail: string }>()
			).results.map((r) => r.detail);
		for (const [filter, expected, ranges, checked] of cases) {
			for (const visibleTo of [null, "bob@x"]) {
				const queries = listRunsQueries(
					tenant,
					{
						...filter,
						visibleTo,
						sharedWorkflowIds: ["wf-a", "wf-b"],
						describedWorkflowIds: filter.search ? ["wf-c"] : [],
					},
					20,
				);
				const what = JSON.stringify({ ...filter, visibleTo });
				expect(queries, what).toHaveLength(ranges);
				for (const { page, stop } of queries) {
					// No scan of the table, no sort. Exact filters: that one search. Filters checked
					// row by row (a member's visibility always is): the same search in a subquery
					// that stops after the page's scan budget, read through by the outer query that
					// keeps the matches; and the same search for the row where the budget ran out.
					if (checked || visibleTo !== null) {
						expect(await plan(page), what).toEqual([
							"CO-ROUTINE (subquery-1)",
							seek(expected),
							"SCAN (subquery-1)",
						]);
						expect(stop, what).not.toBeNull();
						if (stop)
							expect(await plan(stop), what).toEqual([
								seek(expected.replace("USING INDEX", "USING COVERING INDEX")),
							]);
					} else {
						expect(await plan(page), what).toEqual([seek(expected)]);
						expect(stop, what).toBeNull();
					}
				}
			}
		}
	});
});

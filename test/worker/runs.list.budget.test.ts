import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { database } from "../../worker/db/client";
import {
	listRunsPage,
	PAGE_SCAN_BUDGET,
	type RunCursor,
	type RunFilter,
} from "../../worker/db/runs.repo";
import { as, expectProblem, uniqueTenant } from "./helpers";
import { insertWorkflowRow } from "./runs-helpers";

const T0 = Date.parse("2026-02-01T00:00:00Z");
const RESULTS = ["SUCCESS", "FAILED", "CANCELLED"];

interface Seeded {
	id: string;
	workflow: string;
	result: string;
	initiatedBy: string;
	visibleToAll: boolean;
	createdAt: number;
}

const INSERT = `INSERT INTO runs (id, tenant_id, workflow_id, workflow_identifier, workflow_title, version, status,
	result, initiated_by, requested_by, entity_id, created_at, started_at, ended_at, wake_at,
	updated_at, index_version) VALUES (?, ?, ?, ?, ?, 1, 'COMPLETED', ?, ?, ?, NULL, ?, NULL, NULL, NULL, ?, 1)`;

/**
 * Shared runs belong to a live workflow that shares its runs; the others' workflow is gone.
 * Returns the ids of the workflows that share.
 */
async function seed(tenant: string, rows: Seeded[]): Promise<string[]> {
	const insert = env.DB.prepare(INSERT);
	const workflowId = (r: Seeded) =>
		r.visibleToAll ? `${tenant}:${r.workflow}-shared` : `wf-${r.workflow}`;
	await env.DB.batch(
		rows.map((r) =>
			insert.bind(
				r.id,
				tenant,
				workflowId(r),
				r.workflow,
				`Title ${r.workflow}`,
				r.result,
				r.initiatedBy,
				r.initiatedBy,
				r.createdAt,
				r.createdAt,
			),
		),
	);
	const shared = new Set(rows.filter((r) => r.visibleToAll).map((r) => r.workflow));
	for (const workflow of shared)
		await insertWorkflowRow(tenant, {
			id: `${tenant}:${workflow}-shared`,
			identifier: workflow,
			shared: true,
		});
	return [...shared].map((workflow) => `${tenant}:${workflow}-shared`);
}

/**
 * `count` finished runs, index 0 the oldest: four workflows, alice and bob take turns, a few
 * shared with everyone, and pairs share a timestamp (the cursor's id tiebreak). `only` changes
 * single runs.
 */
function runsOf(count: number, only: Record<number, Partial<Seeded>> = {}): Seeded[] {
	return Array.from({ length: count }, (_, i) => ({
		id: `run_${i.toString(16).padStart(32, "0")}`,
		workflow: `w${i % 4}`,
		result: RESULTS[i % 3] as string,
		initiatedBy: i % 2 === 0 ? "alice@x" : "bob@x",
		visibleToAll: i % 9 === 4,
		createdAt: T0 + Math.floor(i / 2) * 1000,
		...only[i],
	}));
}

const newestFirst = (a: Seeded, b: Seeded) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1);

/** The repo over env.DB, counting the rows D1 reports read (what it bills, rows examined). */
function countingDatabase() {
	const meter = { rowsRead: 0 };
	const count = (result: D1Result) => {
		meter.rowsRead += result.meta.rows_read ?? 0;
		return result;
	};
	const statement = (s: D1PreparedStatement): D1PreparedStatement =>
		new Proxy(s, {
			get(target, prop) {
				if (prop === "bind") return (...args: unknown[]) => statement(target.bind(...args));
				if (prop === "all") return async () => count(await target.all());
				const value = Reflect.get(target, prop);
				return typeof value === "function" ? value.bind(target) : value;
			},
		});
	const d1 = new Proxy(env.DB, {
		get(target, prop) {
			if (prop === "prepare") return (query: string) => statement(target.prepare(query));
			if (prop === "batch")
				return async (statements: D1PreparedStatement[]) =>
					(await target.batch(statements)).map(count);
			const value = Reflect.get(target, prop);
			return typeof value === "function" ? value.bind(target) : value;
		},
	});
	return { db: database(d1), meter };
}

/** Pages through the repo with a small budget, recording what each page returned and read. */
async function pageAll(tenant: string, filter: RunFilter, page: { limit: number; budget: number }) {
	const { db, meter } = countingDatabase();
	const pages: { ids: string[]; next: RunCursor | null; rowsRead: number; short: boolean }[] = [];
	let after: RunCursor | undefined;
	let short = false;
	do {
		meter.rowsRead = 0;
		const result = await listRunsPage(db, tenant, filter, { ...page, after, short });
		pages.push({
			ids: result.rows.map((r) => r.id),
			next: result.next,
			rowsRead: meter.rowsRead,
			short,
		});
		after = result.next ?? undefined;
		short = result.short;
		if (pages.length > 1000) throw new Error("paging does not end");
	} while (after);
	return pages;
}

// The repo takes the budget as a parameter (the handler passes none: PAGE_SCAN_BUDGET), so these
// tests walk more runs than the budget with a few dozen rows instead of thousands per case.
describe("listing pages with a scan budget (repo)", () => {
	const BUDGET = 10;
	const LIMIT = 3;

	it("finds a run only the oldest matches, every page bounded, empty pages with a cursor before it", async () => {
		const tenant = uniqueTenant("budget");
		// 6 budgets of runs the filter skips, then the one it finds.
		const runs = runsOf(6 * BUDGET + 1, { 0: { initiatedBy: "zoe@x" } });
		await seed(tenant, runs);
		const pages = await pageAll(
			tenant,
			{ initiatedBy: "zoe@x", visibleTo: null },
			{ limit: LIMIT, budget: BUDGET },
		);
		expect(pages.map((p) => p.ids)).toEqual([[], [], [], [], [], [], [runs[0]?.id]]);
		expect(pages.slice(0, -1).every((p) => p.next !== null)).toBe(true);
		expect(pages.at(-1)?.next).toBeNull();
		// A page that runs out reads its budget, then again with the row where it stopped (one
		// snapshot): three budgets at most (D1 counts each read's seek as a row too), however many
		// runs the tenant has; two once the previous page ran out too (straight to the second).
		expect(pages.map((p) => p.short)).toEqual([false, true, true, true, true, true, true]);
		for (const page of pages)
			expect(page.rowsRead).toBeLessThanOrEqual((page.short ? 2 : 3) * (BUDGET + 1));
	});

	const filters: [string, Omit<RunFilter, "visibleTo">][] = [
		["no filter", {}],
		["a common initiator", { initiatedBy: "bob@x" }],
		["a result", { result: "FAILED" }],
		["a workflow", { workflowIdentifiers: ["w1"] }],
		["two workflows and a result", { workflowIdentifiers: ["w0", "w3"], result: "CANCELLED" }],
		["COMPLETED and a search", { status: "COMPLETED", search: "w2" }],
		["a workflow and an initiator", { workflowIdentifiers: ["w2"], initiatedBy: "alice@x" }],
	];
	const matches = (f: Omit<RunFilter, "visibleTo">, visibleTo: string | null) => (r: Seeded) =>
		(!f.workflowIdentifiers || f.workflowIdentifiers.includes(r.workflow)) &&
		(!f.result || r.result === f.result) &&
		(!f.initiatedBy || r.initiatedBy === f.initiatedBy) &&
		(!f.search || r.workflow.includes(f.search)) &&
		(visibleTo === null || r.initiatedBy === visibleTo || r.visibleToAll);

	for (const [name, filter] of filters)
		for (const visibleTo of [null, "bob@x"])
			it(`pages ${name}${visibleTo ? " for a member" : ""}: every match once, in order, bounded`, async () => {
				const tenant = uniqueTenant("budget");
				const runs = runsOf(97);
				const sharedWorkflowIds = await seed(tenant, runs);
				// A neighbour whose runs would match every filter, at the same times.
				await seed(
					uniqueTenant("budget"),
					runsOf(97).map((r) => ({ ...r, initiatedBy: "bob@x", visibleToAll: true })),
				);
				const pages = await pageAll(
					tenant,
					{ ...filter, visibleTo, sharedWorkflowIds },
					{ limit: LIMIT, budget: BUDGET },
				);
				expect(pages.flatMap((p) => p.ids)).toEqual(
					runs
						.filter(matches(filter, visibleTo))
						.sort(newestFirst)
						.map((r) => r.id),
				);
				// Each range reads at least a page (limit + 1), so pages an index serves stay full.
				const ranges = filter.workflowIdentifiers?.length ?? 1;
				const perRange = Math.max(LIMIT + 1, Math.ceil(BUDGET / ranges));
				for (const page of pages) {
					expect(page.ids.length).toBeLessThanOrEqual(LIMIT);
					expect(page.rowsRead).toBeLessThanOrEqual(3 * ranges * (perRange + 1));
				}
			});
});

describe("GET /v1/workflows/runs past the scan budget", () => {
	/** More runs than two budgets; the oldest alone is zoe's, one in the middle shared with all. */
	const COUNT = 2 * PAGE_SCAN_BUDGET + 5;
	const SHARED = PAGE_SCAN_BUDGET + 2;
	const id = (i: number) => `run_${i.toString(16).padStart(32, "0")}`;

	async function seedLarge(tenant: string) {
		await env.DB.prepare(
			`INSERT INTO runs (id, tenant_id, workflow_id, workflow_identifier, workflow_title, version, status,
			   result, initiated_by, requested_by, entity_id, created_at, started_at, ended_at,
			   wake_at, updated_at, index_version)
			 WITH RECURSIVE seq(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM seq WHERE x < ?2 - 1)
			 SELECT printf('run_%032x', x), ?1, CASE WHEN x = ?3 THEN ?1 || ':shared' ELSE 'wf-w' END,
			   'w' || (x % 4), 'Title', 1, 'COMPLETED', 'SUCCESS',
			   CASE WHEN x = 0 THEN 'zoe@x' ELSE 'bob@x' END, CASE WHEN x = 0 THEN 'zoe@x' ELSE 'bob@x' END,
			   NULL, ?4 + x * 1000, NULL, NULL, NULL, ?4 + x * 1000, 1
			 FROM seq`,
		)
			.bind(tenant, COUNT, SHARED, T0)
			.run();
		await insertWorkflowRow(tenant, { id: `${tenant}:shared`, identifier: "shared", shared: true });
	}

	async function walk(caller: Awaited<ReturnType<typeof as>>, query: string) {
		const pages: { ids: string[]; nextCursor: string | null }[] = [];
		let cursor: string | null = null;
		do {
			const res: { status: number; body: { data: { id: string }[]; nextCursor: string | null } } =
				await caller.call(`/v1/workflows/runs?${query}${cursor ? `&cursor=${cursor}` : ""}`);
			expect(res.status).toBe(200);
			expect(Object.keys(res.body).sort()).toEqual(["data", "nextCursor"]);
			pages.push({ ids: res.body.data.map((r) => r.id), nextCursor: res.body.nextCursor });
			cursor = res.body.nextCursor;
			if (pages.length > 10) throw new Error("paging does not end");
		} while (cursor);
		return pages;
	}

	it("answers empty pages with a cursor until the one run an initiator has, then stops", async () => {
		const tenant = uniqueTenant("budget-http");
		await seedLarge(tenant);
		const admin = await as({ tenant, role: "admin" });
		const pages = await walk(admin, "initiatedBy=zoe@x&limit=20");
		// Each page examines one budget of runs, newest first: the oldest is in the third.
		expect(pages.map((p) => p.ids)).toEqual([[], [], [id(0)]]);
		expect(pages.map((p) => p.nextCursor === null)).toEqual([false, false, true]);
		// Filters the index serves still fill every page.
		const first = await admin.call("/v1/workflows/runs?limit=20&workflowIdentifiers=w1");
		expect(first.body.data).toHaveLength(20);
	});

	it("shows a member only the runs they may see, across budgeted pages", async () => {
		const tenant = uniqueTenant("budget-http");
		await seedLarge(tenant);
		const zoe = await as({ tenant, role: "member", sub: "zoe@x" });
		const pages = await walk(zoe, "limit=20");
		expect(pages.flatMap((p) => p.ids)).toEqual([id(SHARED), id(0)]);
		expect(pages.at(-1)?.nextCursor).toBeNull();
		// A member with no runs of their own: empty pages around the shared run, never bob's.
		const eve = await as({ tenant, role: "member", sub: "eve@x" });
		const pagesOfEve = await walk(eve, "limit=20");
		expect(pagesOfEve.map((p) => p.ids)).toEqual([[], [id(SHARED)], []]);
	});

	it("keeps tenants apart: a cursor is a position, never a way into another tenant", async () => {
		const tenantA = uniqueTenant("budget-a");
		const tenantB = uniqueTenant("budget-b");
		await seedLarge(tenantA);
		// B's runs sit at the same times and ids, all zoe's and shared.
		await seed(
			tenantB,
			runsOf(50).map((r, i) => ({
				...r,
				id: id(i * 200),
				createdAt: T0 + i * 200 * 1000,
				initiatedBy: "zoe@x",
				visibleToAll: true,
			})),
		);
		const adminA = await as({ tenant: tenantA, role: "admin" });
		const pagesA = await walk(adminA, "initiatedBy=zoe@x&limit=20");
		expect(pagesA.flatMap((p) => p.ids)).toEqual([id(0)]);
		// A's cursor handed to B lists B's own runs older than that position, nothing of A's.
		const cursorFromA = pagesA[0]?.nextCursor;
		const adminB = await as({ tenant: tenantB, role: "admin" });
		const fromB = await adminB.call(`/v1/workflows/runs?limit=100&cursor=${cursorFromA}`);
		expect(fromB.status).toBe(200);
		// The first page stopped at the last run it examined: the budget's oldest.
		const stoppedAt = COUNT - PAGE_SCAN_BUDGET;
		expect(fromB.body.data.map((r: { id: string }) => r.id)).toEqual(
			Array.from({ length: 50 }, (_, i) => 49 - i)
				.filter((i) => i * 200 < stoppedAt)
				.map((i) => id(i * 200)),
		);
	});

	it("rejects a cursor it did not issue", async () => {
		const admin = await as({ tenant: uniqueTenant("budget-http"), role: "admin" });
		// Well-formed (base64url JSON) but not a cursor the API issues: `s` is only ever 1.
		const forged = btoa(JSON.stringify({ t: T0, i: "run_x", s: 2 }))
			.replaceAll("+", "-")
			.replaceAll("/", "_")
			.replace(/=+$/, "");
		for (const cursor of ["not-a-cursor", forged]) {
			const problem = expectProblem(
				await admin.call(`/v1/workflows/runs?initiatedBy=zoe@x&cursor=${cursor}`),
				422,
				"validation_failed",
			);
			expect(problem.errors?.[0]?.pointer, cursor).toBe("/cursor");
		}
	});
});

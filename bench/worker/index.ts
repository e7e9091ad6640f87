// The bench Worker (bench/wrangler.bench.toml only): Stepline's Worker and Durable Objects
// unchanged except for counting wrappers around their storage and D1, plus the peers and a
// few unauthenticated /__bench routes the driver (bench/run.ts) uses. Loopback only.
import { Hono } from "hono";
import {
	RunObject as ProductRunObject,
	TenantObject as ProductTenantObject,
} from "../../durable-objects";
import { tenantObject } from "../../durable-objects/stubs";
import type { RunHeaderLike, RunMeta } from "../../engine/control";
import { indexEntry } from "../../engine/control/index-entry";
import { writeRunIndexEntry } from "../../worker/db/runs.repo";
import product from "../../worker/index";
import {
	counters,
	countFetches,
	counting,
	countingCtx,
	countingEnv,
	countRequests,
	resetStoredBytes,
} from "./counters";
import type { PeerParams } from "./peer-workflow";
import type { RawSteps } from "./raw-steps";

export { ScheduleObject } from "../../durable-objects/schedule";
export { PeerWorkflow } from "./peer-workflow";
export { RawSteps } from "./raw-steps";

interface BenchEnv extends Env {
	RAW_STEPS: DurableObjectNamespace<RawSteps>;
	PEER_WORKFLOW: Workflow<PeerParams>;
}

countFetches();

export class RunObject extends ProductRunObject {
	constructor(ctx: DurableObjectState, env: Env) {
		super(countingCtx(ctx, "RunObject"), countingEnv(env));
	}
}

export class TenantObject extends ProductTenantObject {
	constructor(ctx: DurableObjectState, env: Env) {
		super(countingCtx(ctx, "TenantObject"), countingEnv(env));
	}
}

// The public methods the Worker and the other object call (durable-objects/*/…-object.ts).
countRequests(RunObject, ProductRunObject, "RunObject", [
	"start",
	"startKeyed",
	"startSummary",
	"signal",
	"getRun",
	"retryInput",
	"recordRetry",
	"fetch",
	"getEvents",
	"alarm",
]);
countRequests(TenantObject, ProductTenantObject, "TenantObject", [
	"beginIdempotent",
	"completeIdempotent",
	"abandonIdempotent",
	"acquireSlot",
	"admitAndRelease",
	"releaseSlot",
	"withdraw",
	"getSettings",
	"updateSettings",
	"stats",
	"alarm",
]);

const bench = new Hono<{ Bindings: BenchEnv }>().basePath("/__bench");

// The ceiling for start throughput: the cheapest response this Worker can give.
bench.get("/empty", (c) => c.text("ok"));

// The ceiling for a start that creates one Durable Object (what every Stepline run, raw run and
// Workflows instance does): a brand-new object per request, one call that does nothing.
bench.get("/new-object", async (c) => {
	await c.env.RAW_STEPS.get(c.env.RAW_STEPS.newUniqueId()).noop();
	return c.text("ok");
});

// The ceiling for a durable start: a brand-new object that creates its tables and commits one
// step (the least a run that survives a crash must write before its start is answered).
// Measured beside /new-object so the README can say what storing a run costs on its own.
bench.get("/new-object-write", async (c) => {
	await c.env.RAW_STEPS.get(c.env.RAW_STEPS.newUniqueId()).run(1, null);
	return c.text("ok");
});

// The ceiling for any route that reads one D1 row (a start reads its workflow version): local
// D1 is one Durable Object (miniflare's D1DatabaseObject) holding one SQLite database, so every
// query of every request waits its turn there: this bounds any route that reads D1 at all.
bench.get("/d1-read", async (c) => {
	await c.env.DB.prepare("SELECT id FROM workflows LIMIT 1").first();
	return c.text("ok");
});

/** `count` calls of `call(i)`, at most `parallel` at a time; the wall-clock ms they took. */
async function timed(count: number, parallel: number, call: (i: number) => Promise<unknown>) {
	const t0 = Date.now();
	let next = 0;
	await Promise.all(
		Array.from({ length: Math.min(parallel, count) }, async () => {
			while (next < count) await call(next++);
		}),
	);
	return Date.now() - t0;
}

// The throughput model's local proxies (bench/README.md#production-throughput): how many
// admission calls one tenant's object answers per second (a keyed start's one tenant call, for
// a run that needs no slot), and how many run index entries one D1 database takes per second
// (a run listed while it works: inserted in progress). Both are one-thread resources in
// production too: one object, one database. From inside the Worker, so no HTTP is counted.
bench.post("/ceiling/tenant", async (c) => {
	const { calls, parallel } = await c.req.json<{ calls: number; parallel: number }>();
	const tenant = `ceiling_${crypto.randomUUID().slice(0, 8)}`;
	const stub = tenantObject(c.env, tenant);
	await stub.updateSettings(tenant, { maxConcurrentRuns: 100 });
	const ms = await timed(calls, parallel, (i) =>
		stub.admitAndRelease(tenant, `run_ceiling_${i}`, Date.now()),
	);
	return c.json({ calls, ms });
});

bench.post("/ceiling/index", async (c) => {
	const { writes, parallel } = await c.req.json<{ writes: number; parallel: number }>();
	const tenant = `ceiling_${crypto.randomUUID().slice(0, 8)}`;
	const now = Date.now();
	let rows = 0;
	const ms = await timed(writes, parallel, async (i) => {
		const meta: RunMeta = {
			runId: `run_ceiling_${i}`,
			tenantId: tenant,
			workflow: { id: "wf_ceiling", identifier: "ceiling", title: "Ceiling", version: 1 },
			// The index reads no definition.
			definition: {} as RunMeta["definition"],
			initiator: "bench",
			requestedBy: "bench",
			inputs: {},
			scope: { type: "GLOBAL" as const },
			notificationRecipients: [],
			retryOf: null,
			createdAt: now + i,
		};
		const header: RunHeaderLike = {
			status: "IN_PROGRESS",
			result: null,
			startedAt: now,
			endedAt: null,
			version: 1,
		};
		rows += await writeRunIndexEntry(c.env.DB, indexEntry(meta, header, now + 60_000, now));
	});
	return c.json({ writes, rows, ms });
});

bench.get("/counters", (c) => c.json(counters));

// The per-node phase's timed runs are measured with the counting wrappers off.
bench.put("/counting", async (c) => {
	const on = (await c.req.json<{ on: boolean }>()).on === true;
	// A new counted round: its objects' sizes, not the last round's.
	if (on && !counting.on) resetStoredBytes();
	counting.on = on;
	return c.json(counting);
});

bench.post("/wf/create", async (c) => {
	const { count, steps, url } = await c.req.json<{ count: number; steps: number; url?: string }>();
	const ids: string[] = [];
	for (let i = 0; i < count; i += 100) {
		const batch = Array.from({ length: Math.min(100, count - i) }, (_, j) => ({
			params: { steps, n: i + j, ...(url ? { url } : {}) },
		}));
		const created = await c.env.PEER_WORKFLOW.createBatch(batch);
		ids.push(...created.map((w) => w.id));
	}
	return c.json({ ids });
});

/** The ids among `ids` that have not finished yet (and any that errored). */
bench.post("/wf/pending", async (c) => {
	const { ids } = await c.req.json<{ ids: string[] }>();
	// 25 status reads at a time: 200 at once made local workerd restart mid-request.
	const statuses: (readonly [string, string])[] = [];
	for (let i = 0; i < ids.length; i += 25) {
		statuses.push(
			...(await Promise.all(
				ids.slice(i, i + 25).map(async (id) => {
					const instance = await c.env.PEER_WORKFLOW.get(id);
					return [id, (await instance.status()).status] as const;
				}),
			)),
		);
	}
	return c.json({
		pending: statuses.filter(([, s]) => s !== "complete" && s !== "errored").map(([id]) => id),
		errored: statuses.filter(([, s]) => s === "errored").map(([id]) => id),
	});
});

/** The raw limit: `runs` bare objects each committing `steps` steps, all at once. */
bench.post("/raw", async (c) => {
	const { runs, steps, url, round } = await c.req.json<{
		runs: number;
		steps: number;
		url?: string;
		round: string;
	}>();
	await Promise.all(
		Array.from({ length: runs }, (_, i) =>
			c.env.RAW_STEPS.get(c.env.RAW_STEPS.idFromName(`${round}:${i}`)).run(steps, url ?? null),
		),
	);
	return c.json({ ok: true });
});

/**
 * Scale: seeds `rows` index rows for `tenant` (50 workflows, 90 % COMPLETED) with one
 * INSERT … SELECT over a recursive counter, starting after `from`. Bench data only. The
 * counter starts as an INTEGER on purpose: D1 binds JavaScript numbers as REAL, and a REAL
 * counter made every name 'seed_7.0', so the bench's `seed_7` filter matched nothing and
 * timed a search through the whole tenant instead of a listing.
 */
bench.post("/seed", async (c) => {
	const { tenant, from, rows } = await c.req.json<{ tenant: string; from: number; rows: number }>();
	await c.env.DB.prepare(
		`INSERT INTO runs (id, tenant_id, workflow_id, workflow_identifier, workflow_title, version, status,
		   result, initiated_by, requested_by, entity_id, created_at, started_at, ended_at,
		   wake_at, updated_at, index_version)
		 WITH RECURSIVE seq(x) AS (SELECT CAST(?1 AS INTEGER) UNION ALL SELECT x + 1 FROM seq WHERE x < ?2)
		 SELECT printf('run_seed%024d', x), ?3, 'wf_seed_' || (x % 50), 'seed_' || (x % 50), 'seed', 1,
		   CASE WHEN x % 10 = 0 THEN 'IN_PROGRESS' ELSE 'COMPLETED' END,
		   CASE WHEN x % 10 = 0 THEN NULL ELSE 'SUCCESS' END,
		   'user_' || (x % 100), 'user_' || (x % 100), NULL, 1700000000000 + x * 1000,
		   1700000000000 + x * 1000, NULL, NULL, 1700000000000 + x * 1000, 1
		 FROM seq`,
	)
		.bind(from + 1, from + rows, tenant)
		.run();
	return c.json({ ok: true });
});

export default {
	fetch(request, env, ctx) {
		if (new URL(request.url).pathname.startsWith("/__bench/"))
			return bench.fetch(request, env, ctx);
		return product.fetch(request, countingEnv(env), ctx);
	},
	scheduled: product.scheduled,
} satisfies ExportedHandler<BenchEnv>;

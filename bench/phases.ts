// The benchmark phases. Each returns raw per-round samples; bench/run.ts takes medians, ratios
// and prints. Stepline and its peers are interleaved round by round (A B C A B C), so a
// machine that gets busier during the run hurts both sides alike.
import { randomUUID } from "node:crypto";
import autocannon from "autocannon";
import type { DevProcess } from "../test/support/dev-process";
import type { BenchClient, Counters } from "./lib/client";
import { type CpuSplit, cpuByRole, cpuMs } from "./lib/cpu";
import { chainDefinition, type Kind, parkedDefinition } from "./lib/workflows";

export interface Sample {
	wallMs: number;
	cpuMs: number;
}

export async function measure(dev: DevProcess, work: () => Promise<unknown>): Promise<Sample> {
	const pids = dev.workerdPids();
	const cpu0 = cpuMs(pids);
	const t0 = performance.now();
	await work();
	const wallMs = performance.now() - t0;
	return { wallMs, cpuMs: cpuMs(pids) - cpu0 };
}

export interface NodeRound {
	/** Stepline started through `POST …/runs/batch`, as the peer starts through createBatch. */
	stepline: Sample;
	/** Stepline started with one `POST …/runs` per run: the whole API path every time. */
	steplineEach?: Sample;
	peer: Sample;
	raw: Sample;
	counters: CostDelta;
}

export interface CostDelta {
	d1RowsWritten: number;
	d1WriteStatements: number;
	runObjectRows: number;
	tenantObjectRows: number;
	/** RunObject + TenantObject requests (RPC calls, fetches, alarms). */
	doRequests: number;
	/** TenantObject requests alone: the one object every start of a tenant goes through. */
	tenantObjectRequests?: number;
	/** setAlarm and deleteAlarm calls, RunObject + TenantObject. */
	alarmWrites: number;
	fetches: number;
	/** Wall-clock ms the objects were active (billed duration), by class. */
	runObjectActiveMs?: number;
	tenantObjectActiveMs?: number;
	/** SQLite bytes the round's run objects keep, summed over them. */
	runObjectStoredBytes?: number;
	/** How much D1's database grew over the round. */
	d1BytesAdded?: number;
}

/** A per-class count summed over the product's two Durable Object classes. */
const bothClasses = (byClass: Record<string, number> | undefined) =>
	(byClass?.RunObject ?? 0) + (byClass?.TenantObject ?? 0);

/** b − a, or NaN where the counters predate the figure. */
const since = (a: number | undefined, b: number | undefined) =>
	a === undefined || b === undefined ? Number.NaN : b - a;

function delta(a: Counters, b: Counters): CostDelta {
	return {
		d1RowsWritten: b.d1RowsWritten - a.d1RowsWritten,
		d1WriteStatements: b.d1WriteStatements - a.d1WriteStatements,
		runObjectRows: (b.doRowsWritten.RunObject ?? 0) - (a.doRowsWritten.RunObject ?? 0),
		tenantObjectRows: (b.doRowsWritten.TenantObject ?? 0) - (a.doRowsWritten.TenantObject ?? 0),
		doRequests: bothClasses(b.doRequests) - bothClasses(a.doRequests),
		tenantObjectRequests: (b.doRequests.TenantObject ?? 0) - (a.doRequests.TenantObject ?? 0),
		// Older counters have no alarm field: NaN, not a made-up 0.
		alarmWrites: b.doAlarmWrites
			? bothClasses(b.doAlarmWrites) - bothClasses(a.doAlarmWrites)
			: Number.NaN,
		fetches: b.fetches - a.fetches,
		runObjectActiveMs: since(a.doActiveMs?.RunObject, b.doActiveMs?.RunObject),
		tenantObjectActiveMs: since(a.doActiveMs?.TenantObject, b.doActiveMs?.TenantObject),
		// Reset when counting turns on: what the round's objects hold at its end.
		runObjectStoredBytes: b.doStoredBytes?.RunObject ?? Number.NaN,
		d1BytesAdded: since(a.d1SizeAfter, b.d1SizeAfter),
	};
}

/**
 * Per-node overhead: `runs` runs of an `nodes`-node chain on each system, `rounds` times, in
 * the order batch-started Stepline, Workflows, raw and (with `each`) Stepline with one POST
 * per run. The timed runs go with the bench Worker's counting wrappers off (the peers have
 * none); each round then counts rows and requests over one more, untimed Stepline run of the
 * same size: one POST per run when `each` is set, the costlier path (an Idempotency-Key per
 * run), so cost stays an upper bound; otherwise batch-started.
 */
export async function perNode(
	dev: DevProcess,
	client: BenchClient,
	opts: {
		kind: Kind;
		runs: number;
		nodes: number;
		rounds: number;
		url: string;
		peers: boolean;
		each?: boolean;
	},
): Promise<NodeRound[]> {
	const url = opts.kind === "webhook" ? opts.url : undefined;
	const newWorkflow = async () => {
		const workflow = `${opts.kind}_${opts.nodes}_${randomUUID().slice(0, 8)}`;
		const definition = chainDefinition(workflow, opts.kind, opts.nodes, opts.url);
		// PUT creates it, and is safe to send again if local wrangler drops it (see BenchClient).
		await client.json("PUT", `/v1/workflows/${workflow}`, definition);
		return workflow;
	};
	const counted = async (): Promise<CostDelta> => {
		const workflow = await newWorkflow();
		await client.setCounting(true);
		const before = await client.counters();
		if (opts.each) await client.steplineEach(workflow, opts.runs);
		else await client.steplineBatched(workflow, opts.runs);
		const after = await client.counters();
		await client.setCounting(false);
		return delta(before, after);
	};
	const rounds: NodeRound[] = [];
	await client.setCounting(false);
	try {
		for (let r = 0; r < opts.rounds; r++) {
			const batched = await newWorkflow();
			const stepline = await measure(dev, () => client.steplineBatched(batched, opts.runs));
			const none = { wallMs: Number.NaN, cpuMs: Number.NaN };
			const peer = opts.peers
				? await measure(dev, () => client.peerBatch(opts.runs, opts.nodes, url))
				: none;
			const raw = opts.peers
				? await measure(dev, () => client.raw(opts.runs, opts.nodes, url))
				: none;
			let steplineEach: Sample | undefined;
			if (opts.each) {
				const single = await newWorkflow();
				steplineEach = await measure(dev, () => client.steplineEach(single, opts.runs));
			}
			rounds.push({
				stepline,
				...(steplineEach ? { steplineEach } : {}),
				peer,
				raw,
				counters: await counted(),
			});
		}
	} finally {
		await client.setCounting(true);
	}
	return rounds;
}

/** POST → COMPLETED for single runs, alternating Stepline and Workflows. */
export async function latency(client: BenchClient, count: number, nodes: number) {
	const workflow = `latency_${randomUUID().slice(0, 8)}`;
	await client.json("POST", "/v1/workflows", chainDefinition(workflow, "condition", nodes, ""));
	const stepline: number[] = [];
	const peer: number[] = [];
	for (let i = 0; i < count; i++) {
		stepline.push(await client.steplineOne(workflow));
		peer.push(await client.peerOne(nodes));
	}
	return { stepline, peer };
}

export interface LoadSample {
	perSecond: number;
	/** workerd CPU ms per request answered during the load. */
	cpuMsPerRequest: number;
	/** The same per request, by process (Worker vs wrangler's dev proxy) and user vs kernel. */
	cpuByRolePerRequest?: Record<"worker" | "proxy", CpuSplit>;
	/** How many answers had each status (the non-2xx are worth reading). */
	statusCodes: Record<string, number>;
	p99Ms: number;
	non2xx: number;
	errors: number;
}

export async function cannon(dev: DevProcess, opts: autocannon.Options): Promise<LoadSample> {
	let result: autocannon.Result | undefined;
	const port = Number(new URL(dev.baseUrl).port);
	const before = cpuByRole(dev.workerdPids(), port);
	const sample = await measure(dev, async () => {
		result = await autocannon(opts);
	});
	const after = cpuByRole(dev.workerdPids(), port);
	if (!result) throw new Error("autocannon gave no result");
	const requests = Math.max(1, result.requests.total);
	const perRequest = (role: "worker" | "proxy"): CpuSplit => ({
		userMs: (after[role].userMs - before[role].userMs) / requests,
		kernelMs: (after[role].kernelMs - before[role].kernelMs) / requests,
	});
	const statusCodes = Object.fromEntries<number>(
		Object.entries(result.statusCodeStats ?? {}).map(([code, v]) => [code, v?.count ?? 0]),
	);
	const answered2xx = Object.entries(statusCodes)
		.filter(([code]) => code.startsWith("2"))
		.reduce((sum, [, n]) => sum + n, 0);
	return {
		// Successful answers only: an error is not a start.
		perSecond: answered2xx / result.duration,
		cpuMsPerRequest: sample.cpuMs / requests,
		cpuByRolePerRequest: { worker: perRequest("worker"), proxy: perRequest("proxy") },
		statusCodes,
		p99Ms: result.latency.p99,
		non2xx: result.non2xx,
		errors: result.errors + result.timeouts,
	};
}

/** Start throughput (unique Idempotency-Keys) against the empty-route ceiling, interleaved. */
export async function throughput(
	dev: DevProcess,
	client: BenchClient,
	connections: number,
	seconds: number,
	rounds: number,
	/** Also measure the stored-object and D1-read ceilings (the bench does at one load only). */
	storageCeilings: boolean,
) {
	const workflow = `parked_${randomUUID().slice(0, 8)}`;
	await client.json("POST", "/v1/workflows", parkedDefinition(workflow));
	// Local workerd keeps the objects of the last ~10-15 s open (seen: a worker's open files fell
	// from 3,247 to 43 between 10 and 15 s after a load), and past about 1,800 open SQLite
	// databases its SQLite runs out of memory (SQLITE_NOMEM: 500s). Each round waits that long
	// after the loads that create objects, so no load inherits the last one's open objects.
	// --quick's 3 s loads create a few hundred objects, far below that limit: it waits 2 s, so
	// some of them still close during its next load (a smoke run: its ratios are rougher).
	const settleMs = seconds >= 10 ? 15_000 : 2_000;
	const settle = () => new Promise((resolve) => setTimeout(resolve, settleMs));
	const starts: LoadSample[] = [];
	const empty: LoadSample[] = [];
	const newObject: LoadSample[] = [];
	const newObjectWrite: LoadSample[] = [];
	const d1Read: LoadSample[] = [];
	for (let r = 0; r < rounds; r++) {
		starts.push(
			await cannon(dev, {
				url: `${client.base}/v1/workflows/${workflow}/runs`,
				method: "POST",
				connections,
				duration: seconds,
				headers: { authorization: `Bearer ${client.token}`, "content-type": "application/json" },
				body: JSON.stringify({ inputs: {} }),
				requests: [
					{
						setupRequest: (req) => ({
							...req,
							headers: { ...req.headers, "idempotency-key": randomUUID() },
						}),
					},
				],
			}),
		);
		await settle();
		// As many new objects as the starts just created, not `seconds` of them (see settleMs):
		// the same number of open objects at the end, like with like.
		const created = Object.values(starts.at(-1)?.statusCodes ?? {}).reduce((a, b) => a + b, 0);
		newObject.push(
			await cannon(dev, {
				url: `${client.base}/__bench/new-object`,
				connections,
				amount: Math.max(connections, created),
			}),
		);
		await settle();
		if (storageCeilings) {
			// The same again with one committed step in each new object: what storing costs.
			newObjectWrite.push(
				await cannon(dev, {
					url: `${client.base}/__bench/new-object-write`,
					connections,
					amount: Math.max(connections, created),
				}),
			);
			await settle();
			// One D1 row read per request: the ceiling local D1 puts on any route that reads it.
			d1Read.push(
				await cannon(dev, {
					url: `${client.base}/__bench/d1-read`,
					connections,
					duration: seconds,
				}),
			);
		}
		empty.push(
			await cannon(dev, { url: `${client.base}/__bench/empty`, connections, duration: seconds }),
		);
	}
	return { starts, empty, newObject, newObjectWrite, d1Read };
}

/**
 * The objects' billed duration without this machine's contention: `runs` 10-node runs of each
 * kind, one after another, each polled to its end, counting the wall-clock ms the run and
 * tenant objects had a call or waitUntil outstanding (bench/worker/counters.ts). In the
 * per-node rounds 20 runs share workerd's one thread, so each object waits its turn while
 * "active"; on Cloudflare each object has its own. A floor: workerd's clock moves only at I/O.
 */
export async function soloDuration(client: BenchClient, url: string, runs: number) {
	const out = {} as Record<Kind, { activeMsPerRun: number }>;
	await client.setCounting(true);
	for (const kind of ["condition", "webhook"] as const) {
		const workflow = `solo_${kind}_${randomUUID().slice(0, 8)}`;
		await client.json("PUT", `/v1/workflows/${workflow}`, chainDefinition(workflow, kind, 10, url));
		const before = await client.counters();
		for (let i = 0; i < runs; i++) await client.steplineOne(workflow);
		const after = await client.counters();
		const d = delta(before, after);
		out[kind] = {
			activeMsPerRun:
				((d.runObjectActiveMs ?? Number.NaN) + (d.tenantObjectActiveMs ?? Number.NaN)) / runs,
		};
	}
	return out;
}

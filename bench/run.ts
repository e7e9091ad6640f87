// `npm run bench [-- --quick]`: Stepline against Cloudflare Workflows and a raw committing
// Durable Object, all in one wrangler dev server (bench/wrangler.bench.toml; without the DevTools
// inspector unless --inspector, see test/support/dev-server.mjs), with a loopback receiver.
// Prints a table and writes bench/results/latest.json (--quick: quick.json, so a smoke run
// never replaces the full results the README quotes). Figures are medians of interleaved
// rounds; nothing here asserts a time, it reports ratios.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { createDevProcess, type DevProcess } from "../test/support/dev-process";
import { hookThroughput } from "./hooks";
import { BenchClient } from "./lib/client";
import { compareTable } from "./lib/compare";
import { costPerRun } from "./lib/cost";
import { startBenchReceiver } from "./lib/receiver";
import { summarize } from "./lib/report";
import { loadRows, type Throughput } from "./lib/report-loads";
import { storedPerRun } from "./lib/storage";
import { tableHead } from "./lib/table";
import { latency, type NodeRound, perNode, soloDuration, throughput } from "./phases";
import { historyScale, indexScale } from "./scale";

const { values } = parseArgs({
	options: {
		quick: { type: "boolean", default: false },
		skip: { type: "string", default: "" },
		// `--only index`: just the D1 index figures (rows written per run, listings over
		// plan.indexRows seeded rows), without the peers; `--only per-node`: just the per-node
		// rounds of (a) and (b) with their peers. Both print, neither writes a result file.
		only: { type: "string", default: "" },
		// Re-derive the summary and table from the raw rounds in bench/results/latest.json.
		"from-json": { type: "boolean", default: false },
		// Measure under the `wrangler dev` command as it is, DevTools inspector attached (the
		// default measures wrangler's dev server without it; test/support/dev-server.mjs says why).
		inspector: { type: "boolean", default: false },
		// Keep wrangler's local state (every SQLite file: D1, the objects, Workflows) in memory on
		// /dev/shm instead of the disk: what the engines cost without the machine's disk (README).
		tmpfs: { type: "boolean", default: false },
	},
});
const quick = values.quick === true;
// A full run under the wrangler dev command (--inspector) is kept apart from latest.json, which
// the README's table quotes.
const resultFile = quick
	? "quick.json"
	: values.inspector
		? "inspector.json"
		: values.tmpfs
			? "tmpfs.json"
			: "latest.json";
const skip = new Set((values.skip ?? "").split(",").filter(Boolean));
const plan = quick
	? {
			runs: 50,
			rounds: 3,
			latencyRuns: 15,
			loadSeconds: 3,
			chainRuns: 3,
			indexRows: 100_000,
			historyNodes: 2,
		}
	: {
			runs: 200,
			rounds: 3,
			latencyRuns: 50,
			loadSeconds: 10,
			chainRuns: 10,
			indexRows: 1_000_000,
			historyNodes: 5,
		};
/** The committed result of the previous full run: the "before" column (bench/lib/compare.ts). */
const previous = (() => {
	try {
		return JSON.parse(readFileSync(new URL("./results/latest.json", import.meta.url), "utf8"));
	} catch {
		return null;
	}
})();
const t0 = Date.now();
const log = (m: string) => console.log(`[${((Date.now() - t0) / 1000).toFixed(0)}s] ${m}`);

if (values["from-json"]) {
	const file = new URL("./results/latest.json", import.meta.url);
	const saved = JSON.parse(readFileSync(file, "utf8"));
	saved.summary = summarize(saved.raw, saved.plan.runs, saved.plan.chainRuns);
	saved.cost = costPerRun(saved.summary);
	writeFileSync(file, `${JSON.stringify(saved, null, 2)}\n`);
	console.log(`${saved.summary.table}\n\n${saved.cost.table}`);
	process.exit(0);
}

let dev: DevProcess | undefined;
const receiver = await startBenchReceiver();
const watchdog = setTimeout(() => void stop(1, "bench exceeded 30 minutes"), 30 * 60_000);

// Ctrl-C or a timeout: take wrangler and workerd down too, never leave them behind.
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void stop(130));

async function stop(code: number, why?: string) {
	if (why) console.error(why);
	clearTimeout(watchdog);
	await dev?.dispose().catch(() => undefined);
	await receiver.close();
	process.exit(code);
}

try {
	const loadBefore = loadavg();
	/** A wrangler dev server on new, empty state, with the bench tenant's limit at its maximum. */
	const serve = async () => {
		dev = await createDevProcess({
			config: "bench/wrangler.bench.toml",
			inspector: values.inspector === true,
			...(values.tmpfs ? { stateParent: "/dev/shm" } : {}),
		});
		await dev.start();
		const server = dev;
		const admin = new BenchClient(server.baseUrl, await server.token("bench"));
		await admin.json("PATCH", "/v1/tenant/settings", { maxConcurrentRuns: 100 });
		const viewer = new BenchClient(server.baseUrl, await server.token("bench", "member"));
		return { server, admin, viewer };
	};
	let { server, admin: client, viewer: member } = await serve();

	/** Warm-up, then the (a) and (b) rounds: `plan.runs` runs × 10 nodes, with the peers. */
	const perNodeRounds = async () => {
		log(`wrangler dev up (workerd ${server.workerdPids().join(",")}); warming up`);
		const warmUp = { runs: 10, nodes: 10, rounds: 1, url: receiver.url, peers: true, each: true };
		await perNode(server, client, { ...warmUp, kind: "condition" });
		await perNode(server, client, { ...warmUp, kind: "webhook" });
		const rounds: Record<string, NodeRound[]> = {};
		for (const kind of ["condition", "webhook"] as const) {
			log(`per-node overhead: ${kind}, ${plan.runs} runs × 10 nodes × ${plan.rounds} rounds`);
			const perKind = { ...warmUp, kind, runs: plan.runs, rounds: plan.rounds };
			rounds[kind] = await perNode(server, client, perKind);
		}
		log("duration: 10 runs of each kind one after another");
		const duration = await soloDuration(client, receiver.url, 10);
		// Bytes kept per run on each side, once the objects closed (bench/lib/storage.ts).
		log("storage: waiting 15 s for the objects to close, then reading their files");
		await new Promise((resolve) => setTimeout(resolve, 15_000));
		return { ...rounds, duration, storage: storedPerRun(server.persistDir) };
	};
	/** The table, the cost, and before (the committed latest.json) beside now. */
	const report = (results: Record<string, unknown>) => {
		const summary = summarize(results, plan.runs, plan.chainRuns);
		const cost = costPerRun(summary);
		const comparison = compareTable(previous, { summary, cost });
		return { summary, cost, comparison };
	};
	if (values.only === "index") {
		log("index only: D1 rows written per run, 10 runs × 10 condition nodes, Stepline only");
		const opts = { kind: "condition" as const, runs: 10, nodes: 10, rounds: 1, url: receiver.url };
		await perNode(server, client, { ...opts, peers: false });
		const [round] = await perNode(server, client, { ...opts, peers: false });
		log(`scale: seeding ${plan.indexRows} index rows`);
		const index = await indexScale(client, "bench", plan.indexRows, member);
		const counters = round?.counters;
		console.log(
			JSON.stringify(
				{
					d1RowsWrittenPerRun: counters ? counters.d1RowsWritten / opts.runs : null,
					d1WriteStatementsPerRun: counters ? counters.d1WriteStatements / opts.runs : null,
					index,
				},
				null,
				2,
			),
		);
		await stop(0);
	} else if (values.only === "hooks") {
		// Webhook deliveries against API starts alone (see bench/hooks.ts), about 2 minutes.
		log(
			`webhook deliveries vs starts: 10 connections, ${plan.loadSeconds} s × ${plan.rounds} rounds`,
		);
		const hooks = await hookThroughput(server, client, 10, plan.loadSeconds, plan.rounds);
		const { starts, deliveries, ...figures } = hooks;
		console.log(
			JSON.stringify({ ...figures, statusCodes: deliveries.map((d) => d.statusCodes) }, null, 2),
		);
		await stop(0);
	} else if (values.only === "per-node") {
		// For trying a change: the (a) and (b) rows alone with their counts, storage and cost,
		// beside the committed latest.json; 2–4 minutes on a quiet machine.
		const raw = await perNodeRounds();
		const { summary, cost, comparison } = report(raw);
		console.log(`${summary.table}\n\n${cost.table}\n\n${comparison}`);
		// Kept beside latest.json (never replacing it): the record of a partial run.
		const file = new URL(`./results/per-node${quick ? "-quick" : ""}.json`, import.meta.url);
		const loadavgAfter = loadavg().map((l) => Number(l.toFixed(2)));
		writeFileSync(
			file,
			`${JSON.stringify({ date: new Date().toISOString(), quick, loadavgBefore: loadBefore, loadavgAfter, plan, summary, cost, comparison, raw }, null, 2)}\n`,
		);
		log(`wrote bench/results/per-node${quick ? "-quick" : ""}.json`);
		await stop(0);
	} else if (values.only === "ceilings") {
		// The throughput model's local proxies (bench/README.md#production-throughput).
		const tenant: number[] = [];
		const index: number[] = [];
		for (let r = 0; r < plan.rounds; r++) {
			const t = await client.json<{ calls: number; ms: number }>(
				"POST",
				"/__bench/ceiling/tenant",
				{ calls: 1_000, parallel: 50 },
				{},
				// Each call uses a new tenant: safe to send again if local wrangler drops it.
				{ readOnly: true },
			);
			tenant.push((t.calls / t.ms) * 1000);
			const d = await client.json<{ writes: number; ms: number }>(
				"POST",
				"/__bench/ceiling/index",
				{ writes: 1_000, parallel: 50 },
				{},
				// Each call uses a new tenant: safe to send again if local wrangler drops it.
				{ readOnly: true },
			);
			index.push((d.writes / d.ms) * 1000);
		}
		console.log(
			JSON.stringify(
				{
					tenantAdmissionsPerSecond: tenant.map((v) => Math.round(v)),
					indexWritesPerSecond: index.map((v) => Math.round(v)),
					loadavg: loadavg(),
				},
				null,
				2,
			),
		);
		await stop(0);
	} else if (values.only === "starts") {
		// Start throughput against its ceilings alone (the load rows), on a fresh server.
		const loads: Record<string, unknown> = {};
		for (const connections of [10, 50]) {
			log(
				`start throughput: ${connections} connections, ${plan.loadSeconds} s × ${plan.rounds} rounds`,
			);
			loads[connections] = await throughput(
				server,
				client,
				connections,
				plan.loadSeconds,
				plan.rounds,
				connections === 50,
			);
		}
		const { lines, row } = tableHead();
		const figures = loadRows(loads as Throughput, row);
		console.log(`${lines.join("\n")}\n\n${JSON.stringify(figures, null, 2)}`);
		await stop(0);
	} else if (values.only)
		await stop(
			1,
			`--only knows "index", "hooks", "per-node", "starts" and "ceilings", not "${values.only}"`,
		);
	const opts = { runs: 10, nodes: 10, rounds: 1, url: receiver.url, peers: true };
	const results: Record<string, unknown> = await perNodeRounds();
	if (!skip.has("chain")) {
		// MAX_NODES is 200 including the trigger: the longest chain is trigger + 199 nodes.
		log(`scale: 200-node chain, ${plan.chainRuns} runs × ${plan.rounds} rounds`);
		const chain = { ...opts, kind: "condition" as const, nodes: 199 };
		results.chain200 = await perNode(server, client, {
			...chain,
			runs: plan.chainRuns,
			rounds: plan.rounds,
		});
	}
	log(`single-run latency: ${plan.latencyRuns} runs each`);
	results.latency = await latency(client, plan.latencyRuns, 10);
	// Start throughput on a new server: local workerd keeps the Workflows instances of the
	// phases above open, and with them the loads below would pass its limit of about 1,800 open
	// SQLite databases (SQLITE_NOMEM: 500s; seen with --tmpfs, where starts are fastest). The
	// quick run's 3 s loads stay far below it and keep the time the restart would cost.
	if (!quick) {
		await server.dispose();
		({ server, admin: client, viewer: member } = await serve());
		log(`new wrangler dev server for the loads (workerd ${server.workerdPids().join(",")})`);
	}
	results.throughput = {} as Record<string, unknown>;
	for (const connections of [10, 50]) {
		log(
			`start throughput: ${connections} connections, ${plan.loadSeconds} s × ${plan.rounds} rounds`,
		);
		(results.throughput as Record<string, unknown>)[connections] = await throughput(
			server,
			client,
			connections,
			plan.loadSeconds,
			plan.rounds,
			connections === 50,
		);
	}
	if (!skip.has("hooks")) {
		log(
			`webhook deliveries vs starts: 10 connections, ${plan.loadSeconds} s × ${plan.rounds} rounds`,
		);
		results.hooks = await hookThroughput(server, client, 10, plan.loadSeconds, plan.rounds);
	}
	if (!skip.has("history")) {
		log(`scale: one run with ~${plan.historyNodes * 2_000} history events`);
		results.history = await historyScale(client, receiver.url, plan.historyNodes);
	}
	if (!skip.has("index")) {
		log(`scale: seeding ${plan.indexRows} index rows`);
		results.index = await indexScale(client, "bench", plan.indexRows, member);
	}
	const { summary, cost, comparison } = report(results);
	const saved = {
		date: new Date().toISOString(),
		quick,
		machine: { cpu: cpus()[0]?.model ?? "unknown", cores: cpus().length, node: process.version },
		loadavgBefore: loadBefore.map((l) => Number(l.toFixed(2))),
		loadavgAfter: loadavg().map((l) => Number(l.toFixed(2))),
		plan,
		// How wrangler served the Worker: with its DevTools inspector (the `wrangler dev`
		// command) or without (its dev server API); see test/support/dev-server.mjs.
		inspector: values.inspector === true,
		// Where wrangler's local state lived: the OS temp directory's disk, or /dev/shm (--tmpfs).
		state: values.tmpfs ? "tmpfs" : "disk",
		// Per-node "stepline" rounds start through POST …/runs/batch (since 2026-12-03; before,
		// one POST per run, now "steplineEach").
		startMode: "batch",
		// Requests local wrangler answered "restarted mid-request", sent again (see client.ts):
		// reads, and starts with an Idempotency-Key. Before 2026-12-03 15:00 only status reads.
		restartedRequests: client.restartedRequests,
		summary,
		cost,
		raw: results,
	};
	mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
	writeFileSync(
		new URL(`./results/${resultFile}`, import.meta.url),
		`${JSON.stringify(saved, null, 2)}\n`,
	);
	console.log(`\n${summary.table}\n\n${cost.table}\n\n${comparison}`);
	console.log(
		`\nload average before ${saved.loadavgBefore.join(" ")}, after ${saved.loadavgAfter.join(" ")}`,
	);
	log(`wrote bench/results/${resultFile}`);
	await stop(0);
} catch (err) {
	console.error(err);
	if (dev) console.error(dev.output().slice(-3_000));
	await stop(1);
}

// `npm run bench:profile`: a V8 CPU profile of the Worker isolate (the Worker and its Durable
// Objects share it under wrangler dev) while it starts and completes runs of a 10-node
// chain (condition nodes, or with `--kind webhook` WEBHOOK nodes calling a loopback receiver;
// one POST per run, or with `--batch` through POST …/runs/batch; `--kind parked` profiles the
// start-throughput path: runs that park on a 1 h delay, one keyed POST each). Prints the
// functions with the most self time and the most total time, and writes the raw profile to
// bench/results/start.cpuprofile (open it in Chrome DevTools).
// Local D1 runs in another isolate, so its SQLite work is not in this profile.
import { randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import WebSocket from "ws";
import { createDevProcess } from "../test/support/dev-process";
import { BenchClient } from "./lib/client";
import { startBenchReceiver } from "./lib/receiver";
import { chainDefinition, parkedDefinition } from "./lib/workflows";

const { values } = parseArgs({
	options: {
		runs: { type: "string", default: "300" },
		nodes: { type: "string", default: "10" },
		top: { type: "string", default: "40" },
		kind: { type: "string", default: "condition" },
		batch: { type: "boolean", default: false },
	},
});
const runs = Number(values.runs);
const nodes = Number(values.nodes);
const top = Number(values.top);
if (values.kind !== "condition" && values.kind !== "webhook" && values.kind !== "parked")
	throw new Error(`--kind is condition, webhook or parked, not "${values.kind}"`);
const kind = values.kind;
const definition = (identifier: string, url: string) =>
	kind === "parked" ? parkedDefinition(identifier) : chainDefinition(identifier, kind, nodes, url);

interface CallFrame {
	functionName: string;
	url: string;
	lineNumber: number;
}
interface ProfileNode {
	id: number;
	callFrame: CallFrame;
	hitCount?: number;
	children?: number[];
}
interface Profile {
	nodes: ProfileNode[];
	startTime: number;
	endTime: number;
	samples: number[];
}

/** A minimal DevTools protocol client: one request at a time is all this script needs. */
async function connect(port: number) {
	const targets = (await (await fetch(`http://127.0.0.1:${port}/json`)).json()) as {
		webSocketDebuggerUrl: string;
		title?: string;
	}[];
	const target = targets[0];
	if (!target) throw new Error(`no inspector target on port ${port}`);
	const socket = new WebSocket(target.webSocketDebuggerUrl);
	await new Promise((resolve, reject) => {
		socket.once("open", resolve);
		socket.once("error", reject);
	});
	let nextId = 1;
	const pending = new Map<number, (result: unknown) => void>();
	socket.on("message", (data) => {
		const message = JSON.parse(String(data)) as { id?: number; result?: unknown };
		if (message.id !== undefined) pending.get(message.id)?.(message.result);
	});
	return {
		send<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
			const id = nextId++;
			socket.send(JSON.stringify({ id, method, params }));
			return new Promise((resolve) => pending.set(id, resolve as (r: unknown) => void));
		},
		close: () => socket.close(),
	};
}

function label(frame: CallFrame): string {
	const file = frame.url.split("/").slice(-2).join("/") || "(native)";
	return `${frame.functionName || "(anonymous)"} ${file}:${frame.lineNumber + 1}`;
}

function summarize(profile: Profile) {
	const byId = new Map(profile.nodes.map((n) => [n.id, n]));
	const parent = new Map<number, number>();
	for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
	const total = profile.samples.length;
	const self = new Map<string, number>();
	const inclusive = new Map<string, number>();
	for (const sample of profile.samples) {
		const leaf = byId.get(sample);
		if (!leaf) continue;
		const leafLabel = label(leaf.callFrame);
		self.set(leafLabel, (self.get(leafLabel) ?? 0) + 1);
		// Count each function once per sample, however deep it recurses.
		const seen = new Set<string>();
		for (let id: number | undefined = sample; id !== undefined; id = parent.get(id)) {
			const node = byId.get(id);
			if (!node) break;
			const l = label(node.callFrame);
			if (seen.has(l)) continue;
			seen.add(l);
			inclusive.set(l, (inclusive.get(l) ?? 0) + 1);
		}
	}
	const pct = (n: number) => `${((100 * n) / total).toFixed(1).padStart(5)}%`;
	const rows = (m: Map<string, number>) =>
		[...m.entries()]
			.sort((a, b) => b[1] - a[1])
			.slice(0, top)
			.map(([l, n]) => `${pct(n)}  ${l}`)
			.join("\n");
	return `samples: ${total}\n\nself time:\n${rows(self)}\n\ntotal time:\n${rows(inclusive)}`;
}

const dev = await createDevProcess({ config: "bench/wrangler.bench.toml" });
const receiver = await startBenchReceiver();
try {
	await dev.start();
	const client = new BenchClient(dev.baseUrl, await dev.token("bench"));
	await client.json("PATCH", "/v1/tenant/settings", { maxConcurrentRuns: 100 });
	const workflow = `profile_${randomUUID().slice(0, 8)}`;
	await client.json("POST", "/v1/workflows", definition(workflow, receiver.url));
	// Warm up (code loaded, JIT), then profile a batch.
	if (kind === "parked") await client.startEach(workflow, 20);
	else await client.steplineEach(workflow, 20);
	const inspector = await connect(dev.inspectorPort);
	// wrangler's inspector proxy enables the Network domain on its one session with workerd
	// (every fetch and D1 query then streams events to wrangler); this client's messages go
	// through that session, so it can turn the domain off for the profile.
	await inspector.send("Network.disable");
	await inspector.send("Profiler.enable");
	await inspector.send("Profiler.setSamplingInterval", { interval: 200 });
	await inspector.send("Profiler.start");
	const t0 = performance.now();
	const second = `${workflow}_b`;
	await client.json("POST", "/v1/workflows", definition(second, receiver.url));
	// Parked runs never complete within the profile: only their starts are measured.
	if (kind === "parked") await client.startEach(second, runs);
	else if (values.batch) await client.steplineBatched(second, runs);
	else await client.steplineEach(second, runs);
	const wall = performance.now() - t0;
	const { profile } = await inspector.send<{ profile: Profile }>("Profiler.stop");
	inspector.close();
	mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
	writeFileSync(new URL("./results/start.cpuprofile", import.meta.url), JSON.stringify(profile));
	console.log(
		`${runs} runs × ${kind === "parked" ? 1 : nodes} ${kind} nodes in ${wall.toFixed(0)} ms\n`,
	);
	console.log(summarize(profile));
} finally {
	await dev.dispose();
	await receiver.close();
}

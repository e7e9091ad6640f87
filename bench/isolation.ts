// Benchmark: one tenant's GET /v1/workflows latency while another tenant is hostile, as a ratio
// to the same request on the idle server, measured in the same run (goal ≤ 2×). The hostile
// tenant saves workflows with hostile expressions (test/hostile/expressions.ts: refused or
// analysed in bounded work), starts runs whose condition burns its whole expression budget
// (each fails its node with expression_limit), and floods the API from one token (the request
// quota answers 429 past 500 per 10 s). The server is `wrangler dev` with the product's own
// wrangler.toml, quotas included. Idle and hostile phases alternate, so drift on a shared
// machine touches both sides alike; the load average is printed beside the figures.
// Run: npm run bench:isolation [-- --samples 80 --rounds 3]
import { cpus, loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { hostileRuns, hostileSaves } from "../test/hostile/expressions";
import { apiRequest } from "../test/support/api-request";
import { createDevProcess } from "../test/support/dev-process";
import { median, percentile } from "./lib/stats";

const { values } = parseArgs({
	options: {
		samples: { type: "string", default: "60" },
		rounds: { type: "string", default: "2" },
		/** One kind of hostile load alone: save, run or flood (default: all three at once). */
		only: { type: "string" },
	},
});
const KINDS = values.only ? [values.only] : ["save", "run", "flood"];
const SAMPLES = Number(values.samples);
const ROUNDS = Number(values.rounds);

/** A small valid workflow whose one condition is `expression`. */
const withCondition = (identifier: string, expression: string) => ({
	identifier,
	title: identifier,
	nodes: [
		{ identifier: "trigger", config: { type: "SELF_SERVE_TRIGGER" } },
		{
			identifier: "check",
			config: { type: "CONDITION", options: [{ identifier: "yes", expression }] },
		},
	],
	connections: [{ identifier: "c1", sourceIdentifier: "trigger", targetIdentifier: "check" }],
});

const dev = await createDevProcess();
let stopping = false;
try {
	await dev.start();
	const loadBefore = loadavg();
	const calm = await dev.token("calm", "member");
	const hostile = await dev.token("hostile", "admin");
	const flooder = await dev.token("hostile", "viewer");
	const call = (token: string, method: string, path: string, body?: unknown) =>
		apiRequest(dev.baseUrl, token, method, path, body).then(async (res) => {
			await res.arrayBuffer();
			return res.status;
		});

	for (let i = 0; i < 20; i++)
		await call(calm, "POST", "/v1/workflows", withCondition(`calm_${i}`, ".inputs | length > 0"));
	// The hostile tenant's burning workflows: one per run-time case its save accepts.
	const burners: string[] = [];
	for (const [i, c] of hostileRuns.slice(0, 12).entries()) {
		const id = `burn_${i}`;
		if ((await call(hostile, "POST", "/v1/workflows", withCondition(id, c.expression))) === 201)
			burners.push(id);
	}
	if (burners.length === 0) throw new Error("no hostile run case could be saved");

	/** One timed GET of the calm tenant's first page of workflows. */
	const probe = async () => {
		const started = performance.now();
		const status = await call(calm, "GET", "/v1/workflows?limit=20");
		if (status !== 200) throw new Error(`calm tenant got ${status}`);
		return performance.now() - started;
	};
	const measure = async () => {
		const times: number[] = [];
		for (let i = 0; i < SAMPLES; i++) times.push(await probe());
		return times;
	};

	const tally = new Map<string, number>();
	const count = (kind: string, status: number) =>
		tally.set(`${kind} ${status}`, (tally.get(`${kind} ${status}`) ?? 0) + 1);
	let hostileOn = false;
	const loop = async (kind: string, send: (i: number) => Promise<number>) => {
		for (let i = 0; !stopping; i++) {
			if (!hostileOn) {
				await new Promise((r) => setTimeout(r, 50));
				continue;
			}
			count(kind, await send(i).catch(() => 0));
		}
	};
	const loops = [
		...(KINDS.includes("save") ? [0, 1] : []).map((w) =>
			loop("save", (i) => {
				const c = hostileSaves[(i * 2 + w) % hostileSaves.length];
				return call(
					hostile,
					"POST",
					"/v1/workflows",
					withCondition(`save_${w}_${i}`, c?.expression ?? "."),
				);
			}),
		),
		...(KINDS.includes("run") ? [0, 1] : []).map((w) =>
			loop("run", (i) =>
				call(hostile, "POST", `/v1/workflows/${burners[(i + w) % burners.length]}/runs`, {}),
			),
		),
		...Array.from({ length: KINDS.includes("flood") ? 8 : 0 }, () =>
			loop("flood", () => call(flooder, "GET", "/v1/workflows")),
		),
	];

	await measure(); // warm-up, not counted
	const idle: number[] = [];
	const loaded: number[] = [];
	for (let r = 0; r < ROUNDS; r++) {
		idle.push(...(await measure()));
		hostileOn = true;
		await new Promise((res) => setTimeout(res, 2_000)); // let the hostile load build up
		loaded.push(...(await measure()));
		hostileOn = false;
		await new Promise((res) => setTimeout(res, 2_000)); // let it drain
	}
	stopping = true;
	await Promise.all(loops);
	const loadAfter = loadavg();

	const row = (name: string, t: number[]) =>
		`${name.padEnd(34)} ${String(t.length).padStart(5)} ${median(t).toFixed(1).padStart(9)} ${percentile(t, 95).toFixed(1).padStart(9)}`;
	console.log(
		`isolation — another tenant's GET /v1/workflows?limit=20, ${SAMPLES} × ${ROUNDS} samples per side, ${cpus().length} cores`,
	);
	console.log(
		`${"side".padEnd(34)} ${"n".padStart(5)} ${"median ms".padStart(9)} ${"p95 ms".padStart(9)}`,
	);
	console.log(row("idle server", idle));
	console.log(row(`hostile tenant: ${KINDS.join(" + ")}`, loaded));
	console.log(
		`ratio hostile/idle: median ${(median(loaded) / median(idle)).toFixed(2)}x, p95 ${(percentile(loaded, 95) / percentile(idle, 95)).toFixed(2)}x (goal ≤ 2x)`,
	);
	console.log(
		`hostile requests: ${[...tally.entries()]
			.sort()
			.map(([k, v]) => `${k}: ${v}`)
			.join(", ")}`,
	);
	console.log(
		`load average before ${loadBefore.map((l) => l.toFixed(2)).join(" ")}, after ${loadAfter.map((l) => l.toFixed(2)).join(" ")}`,
	);
} finally {
	stopping = true;
	await dev.dispose().catch(() => undefined);
}

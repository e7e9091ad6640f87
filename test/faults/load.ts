// Load test (bench/README.md#crash-and-load-tests): many runs started in bursts against a small tenant limit,
// with a share of receiver calls failing (503) or hanging past the node timeout. Every run
// must end SUCCESS, the receiver must never see more runs calling at once than the limit,
// and the index must hold nothing queued or running at the end.
import { cpuMs } from "../../bench/lib/cpu";
import type { DevProcess } from "../support/dev-process";
import { Api, type RunSummary } from "./api";
import { type Expectation, waitAllCompleted } from "./checks";
import { verify } from "./crash";
import type { FaultReceiver } from "./fault-receiver";
import { chainWorkflow } from "./workflows";

const LIMIT = 10;
const FAILURE_RATE = 0.1;
/**
 * test:faults lowers the sweeper's "stuck" threshold to 3 s for the crash test. Here runs
 * waiting in the tenant's queue to resume look stuck after 3 s, and sweeping at every 2 s poll
 * would poke up to 100 of them each time (a D1 write each) for nothing: a share of the load
 * that grows with the run count and that production (threshold 2 min, cron every minute) never
 * sees. Sweeping this often still recovers a lost alarm within seconds.
 */
const SWEEP_EVERY_MS = 15_000;

export interface LoadResult {
	problems: string[];
	runs: number;
	seconds: number;
	/** workerd CPU time over the test (the Worker, objects and local D1 all run in workerd). */
	cpuSeconds: number;
	maxOpenRuns: number;
	maxIndexedInProgress: number;
}

/** Starts `count` runs in bursts of `burst`, at most `parallel` POSTs at a time. */
async function startBursts(api: Api, count: number, burst: number, parallel: number) {
	const started: RunSummary[] = [];
	for (let from = 0; from < count; from += burst) {
		const ids = Array.from({ length: Math.min(burst, count - from) }, (_, j) => from + j);
		for (let k = 0; k < ids.length; k += parallel) {
			const chunk = ids.slice(k, k + parallel);
			const runs = await Promise.all(
				chunk.map((i) =>
					api.startRun("load_chain", { n: i, fail: 0, slow: 0, p: FAILURE_RATE }, `load-${i}`),
				),
			);
			started.push(...runs);
		}
	}
	return started;
}

export async function loadTest(
	dev: DevProcess,
	receiver: FaultReceiver,
	count: number,
	log: (m: string) => void,
): Promise<LoadResult> {
	const api = new Api(dev.baseUrl, await dev.token("load"));
	const base = `http://127.0.0.1:${receiver.port}`;
	await api.createWorkflow(
		chainWorkflow("load_chain", base, {
			maxAttempts: 8,
			backoff: "100ms",
			timeout: "1s",
			delay: "500ms",
		}),
	);
	await api.setMaxConcurrentRuns(LIMIT);

	// The index is eventually consistent (the outbox flushes after each commit), so its
	// IN_PROGRESS count is reported, not asserted; the receiver's view is the assertion.
	let maxIndexed = 0;
	let sampling = true;
	const sampler = (async () => {
		while (sampling) {
			const page = await api
				.call<{ data: unknown[] }>("GET", "/v1/workflows/runs?status=IN_PROGRESS&limit=100")
				.catch(() => ({ data: [] }));
			maxIndexed = Math.max(maxIndexed, page.data.length);
			await new Promise((r) => setTimeout(r, 500));
		}
	})();

	const t0 = Date.now();
	const cpu0 = cpuMs(dev.workerdPids());
	const cpuSeconds = () => (cpuMs(dev.workerdPids()) - cpu0) / 1000;
	const started = await startBursts(api, count, 100, 20);
	log(
		`load: ${started.length} runs started in ${((Date.now() - t0) / 1000).toFixed(1)} s ` +
			`(workerd CPU ${cpuSeconds().toFixed(1)} s)`,
	);
	const expectations: Expectation[] = started.map((r, i) => ({
		id: r.id,
		result: "SUCCESS",
		succeeded: ["h1", "wait", "check", i % 2 === 0 ? "h2" : "h3"],
	}));
	const finals = await waitAllCompleted(
		api,
		started.map((r) => r.id),
		Math.max(180_000, count * 1_000),
		log,
		SWEEP_EVERY_MS,
	);
	const seconds = (Date.now() - t0) / 1000;
	const cpu = cpuSeconds();
	sampling = false;
	await sampler;
	const problems = await verify(api, receiver, expectations, finals, log);
	if (receiver.maxOpenRuns() > LIMIT)
		problems.push(`receiver saw ${receiver.maxOpenRuns()} runs calling at once (limit ${LIMIT})`);
	for (const status of ["QUEUED", "IN_PROGRESS", "WAITING"]) {
		const left = await api.listRuns(`status=${status}`);
		if (left.length > 0) problems.push(`${left.length} runs still ${status} in the index`);
	}
	return {
		problems,
		runs: finals.length,
		seconds,
		cpuSeconds: cpu,
		maxOpenRuns: receiver.maxOpenRuns(),
		maxIndexedInProgress: maxIndexed,
	};
}

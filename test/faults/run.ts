// `npm run test:faults` [-- --only crash|load] [--runs N]: the crash test, then the load test,
// against one throwaway `wrangler dev` on loopback. Bounded: a hard 10-minute timer tears
// everything down and fails, and every process started here is killed by process group.
import { parseArgs } from "node:util";
import { createDevProcess, type DevProcess } from "../support/dev-process";
import { crashTest } from "./crash";
import { type FaultReceiver, startFaultReceiver } from "./fault-receiver";
import { loadTest } from "./load";
import { startTriggerFaults } from "./triggers";
import { startWaitFaults } from "./waits";

const { values } = parseArgs({
	options: {
		only: { type: "string" },
		// The 1,000 load-test runs: about 110 s against a tenant limit of 10 on this
		// 2-core machine (crash test about 100 s). `--runs 300` is the quick run.
		runs: { type: "string", default: "1000" },
		minutes: { type: "string", default: "10" },
	},
});
const HARD_LIMIT_MS = Number(values.minutes) * 60_000;
const t0 = Date.now();
const log = (m: string) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);

let dev: DevProcess | undefined;
const receivers: FaultReceiver[] = [];
async function cleanup() {
	await dev?.kill9().catch(() => undefined);
	await dev?.dispose().catch(() => undefined);
	await Promise.all(receivers.map((r) => r.close()));
}
// Ctrl-C or a CI timeout: take wrangler and workerd down too, never leave them behind.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
	process.once(signal, async () => {
		await cleanup();
		process.exit(130);
	});
}
const watchdog = setTimeout(async () => {
	console.error(`✖ test:faults exceeded ${HARD_LIMIT_MS / 60_000} minutes; stopping`);
	await cleanup();
	process.exit(1);
}, HARD_LIMIT_MS);

async function main(): Promise<number> {
	// Lost alarms are recovered by the sweeper; 3 s instead of 2 minutes keeps this test short.
	// The load test sends a thousand runs as fast as the server takes them: past the request
	// quotas (worker/quotas/request-rate.ts) they would be 429s, so this server counts none.
	dev = await createDevProcess({
		testScheduled: true,
		vars: { SWEEPER_STUCK_AFTER_MS: "3000", REQUEST_RATE_LIMITS: "off" },
	});
	await dev.start();
	log(`wrangler dev up at ${dev.baseUrl}`);
	let failed = 0;
	if (values.only !== "load") {
		const receiver = await startFaultReceiver();
		receivers.push(receiver);
		// A minute schedule, a webhook sender, people answering INPUT nodes and jobs calling back
		// async calls live through the same kills.
		const triggers = await startTriggerFaults(dev);
		const waits = await startWaitFaults(dev);
		const problems = await crashTest(dev, receiver, log);
		const waitsChecked = waits.finish(log);
		failed += report("crash test", problems);
		failed += report("crash test: schedules and webhook deliveries", await triggers.finish(log));
		failed += report("crash test: inputs answered and calls called back", await waitsChecked);
	}
	if (values.only !== "crash") {
		const receiver = await startFaultReceiver();
		receivers.push(receiver);
		const result = await loadTest(dev, receiver, Number(values.runs), log);
		log(
			`load: ${result.runs} runs done in ${result.seconds.toFixed(1)} s ` +
				`(${(result.runs / result.seconds).toFixed(1)} runs/s, workerd CPU ${result.cpuSeconds.toFixed(1)} s); ` +
				`at most ${result.maxOpenRuns} ` +
				`runs calling the receiver at once; index showed at most ${result.maxIndexedInProgress} IN_PROGRESS`,
		);
		failed += report("load test", result.problems);
	}
	return failed;
}

function report(name: string, problems: string[]): number {
	if (problems.length === 0) {
		log(`✔ ${name}`);
		return 0;
	}
	log(`✖ ${name}: ${problems.length} problems`);
	for (const p of problems.slice(0, 40)) console.error(`  - ${p}`);
	return 1;
}

main()
	.then(async (failed) => {
		await cleanup();
		clearTimeout(watchdog);
		process.exit(failed ? 1 : 0);
	})
	.catch(async (err) => {
		console.error(err);
		if (dev) console.error(dev.output().slice(-4_000));
		await cleanup();
		clearTimeout(watchdog);
		process.exit(1);
	});

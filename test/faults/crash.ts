// Crash test (bench/README.md#crash-and-load-tests): runs with retried WEBHOOKs, DELAYs and CONDITIONs, while the
// whole `wrangler dev` process group (workerd included) is SIGKILLed at random moments and
// restarted on the same persisted state. Afterwards every run must have ended right, with no
// transition recorded twice, bounded deliveries per key, and an index that matches.
import type { DevProcess } from "../support/dev-process";
import { Api, type RunView } from "./api";
import {
	deliveryProblems,
	duplicateTransitions,
	type Expectation,
	indexProblems,
	waitAllCompleted,
	wrongResult,
} from "./checks";
import type { FaultReceiver } from "./fault-receiver";
import { type ChainInputs, chainWorkflow, parentWorkflow, sleeperWorkflow } from "./workflows";

const RUNS = 50;
const KILLS = 12;
const MAX_ATTEMPTS = 8;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const between = (min: number, max: number) => min + Math.floor(Math.random() * (max - min));

/** Run i's scripted misbehaviour and what it must end as. */
function plan(i: number): { inputs: ChainInputs; result: "SUCCESS" | "FAILED" } {
	// Every 10th run's h1 never succeeds (503 more often than it may try): it must end FAILED.
	const fail = i % 10 === 9 ? MAX_ATTEMPTS + 5 : i % 3;
	const slow = [0, 0, 800, 3_000][i % 4] ?? 0; // 3 s is past the 2 s timeout
	return {
		inputs: { n: i, fail, slow, p: 0 },
		result: fail >= MAX_ATTEMPTS ? "FAILED" : "SUCCESS",
	};
}

export async function crashTest(
	dev: DevProcess,
	receiver: FaultReceiver,
	log: (m: string) => void,
) {
	const api = new Api(dev.baseUrl, await dev.token("crash"));
	const base = `http://127.0.0.1:${receiver.port}`;
	await api.createWorkflow(
		chainWorkflow("crash_chain", base, {
			maxAttempts: MAX_ATTEMPTS,
			backoff: "300ms",
			timeout: "2s",
			delay: "3s",
		}),
	);
	await api.createWorkflow(sleeperWorkflow("crash_child", "2s"));
	await api.createWorkflow(parentWorkflow("crash_parent", "crash_child"));
	await api.setMaxConcurrentRuns(10); // some runs queue behind the limit across crashes too
	const parents: string[] = [];

	const expectations: Expectation[] = [];
	let started = 0;
	const perCycle = Math.ceil(RUNS / KILLS);
	for (let kill = 1; kill <= KILLS; kill++) {
		// New runs every cycle, so each crash lands on runs in every phase of their life.
		const batch = Array.from({ length: Math.min(perCycle, RUNS - started) }, () => started++);
		const runs = await Promise.all(
			batch.map((i) => api.startRun("crash_chain", plan(i).inputs, `crash-${i}`)),
		);
		runs.forEach((run, j) => {
			const p = plan(batch[j] as number);
			const branch = (batch[j] as number) % 2 === 0 ? "h2" : "h3";
			const succeeded = p.result === "SUCCESS" ? ["h1", "wait", "check", branch] : [];
			expectations.push({ id: run.id, result: p.result, succeeded });
		});
		// A parent fanning out to PARTS children, each started through the parent's outbox, and
		// waiting for them: each child tells its parent its end through its own outbox.
		const parent = await api.startRun("crash_parent", { parts: PARTS }, `crash-parent-${kill}`);
		parents.push(parent.id);
		expectations.push({ id: parent.id, result: "SUCCESS", succeeded: ["each"] });
		await sleep(between(300, 3_000));
		const workerd = dev.workerdPid();
		await dev.kill9();
		log(`kill ${kill}/${KILLS}: SIGKILL (workerd pid ${workerd ?? "?"}), ${started} runs started`);
		await sleep(between(0, 1_000));
		await dev.start();
	}
	if (dev.starts < KILLS + 1) throw new Error(`only ${dev.starts - 1} restarts happened`);

	const finals = await waitAllCompleted(
		api,
		expectations.map((e) => e.id),
		240_000,
		log,
	);
	const problems = await verify(api, receiver, expectations, finals, log);
	problems.push(
		...(await childProblems(
			api,
			finals.filter((r) => parents.includes(r.id)),
			log,
		)),
	);
	return problems;
}

const PARTS = [0, 1, 2];

/**
 * Every parent has exactly one child per item and attempt, whatever the kills interrupted:
 * the children its node lists are the ones the index lists under it, each links back, each
 * ends as a child should (SUCCESS), and the parent ended with their outputs, in item order.
 */
async function childProblems(api: Api, parents: RunView[], log: (m: string) => void) {
	const problems: string[] = [];
	const expected = new Map<string, string>();
	for (const parent of parents) {
		const node = parent.nodeRuns.find((n) => n.node === "each");
		const children = node?.children ?? [];
		const keys = children.map((c) => `${c.item}:${c.attempt}`);
		const attempts = PARTS.length; // one attempt per item: a start is never retried
		if (children.length !== attempts || new Set(keys).size !== attempts)
			problems.push(`${parent.id}: children ${JSON.stringify(keys)}, want one per part`);
		const listed = (await api.listRuns(`parentRunId=${parent.id}`)).map((r) => r.id).sort();
		const named = children.map((c) => c.runId).sort();
		if (JSON.stringify(listed) !== JSON.stringify(named))
			problems.push(`${parent.id}: index lists children ${listed}, the node ${named}`);
		const want = JSON.stringify(PARTS.map((part) => ({ part })));
		if (JSON.stringify(node?.output) !== want)
			problems.push(`${parent.id}: output ${JSON.stringify(node?.output)}, want ${want}`);
		for (const id of named) expected.set(id, parent.id);
	}
	const finals = await waitAllCompleted(api, [...expected.keys()], 120_000, log);
	for (const child of finals) {
		if (child.parent?.runId !== expected.get(child.id))
			problems.push(`${child.id}: parent ${child.parent?.runId}, want ${expected.get(child.id)}`);
		if (child.result !== "SUCCESS") problems.push(`${child.id}: child ended ${child.result}`);
	}
	log(`${parents.length} parents, ${finals.length} children, one per item and attempt`);
	return problems;
}

/** Every invariant over the final state; returns the problems found. */
export async function verify(
	api: Api,
	receiver: FaultReceiver,
	expectations: Expectation[],
	finals: RunView[],
	log: (m: string) => void,
): Promise<string[]> {
	const problems: string[] = [];
	const byId = new Map(finals.map((r) => [r.id, r]));
	for (const want of expectations) {
		const run = byId.get(want.id) as RunView;
		problems.push(...wrongResult(run, want), ...deliveryProblems(run, receiver.deliveries));
	}
	for (let i = 0; i < finals.length; i += 25) {
		const chunk = finals.slice(i, i + 25);
		const histories = await Promise.all(chunk.map((r) => api.events(r.id)));
		chunk.forEach((r, j) => {
			problems.push(...duplicateTransitions(r.id, histories[j] ?? []));
		});
	}
	// The index is written after the object commits: give the last flushes a moment.
	let indexed: string[] = [];
	for (let tries = 0; tries < 10; tries++) {
		indexed = indexProblems(await api.listRuns(), finals);
		if (indexed.length === 0) break;
		await api.sweep();
		await sleep(1_000);
	}
	problems.push(...indexed);
	const results = finals.reduce<Record<string, number>>((acc, r) => {
		acc[r.result ?? "none"] = (acc[r.result ?? "none"] ?? 0) + 1;
		return acc;
	}, {});
	const attempts = finals.flatMap((r) => r.nodeRuns.map((n) => n.attempts.length - 1));
	// Calls cut off by a restart (a kill), sent again after it (not counted against the retry policy).
	const interrupted = finals.flatMap((r) =>
		r.nodeRuns.flatMap((n) => n.attempts.filter((a) => a.error?.code === "interrupted")),
	).length;
	log(
		`${finals.length} runs ended ${JSON.stringify(results)}; ` +
			`${receiver.deliveries.filter((d) => finals.some((r) => r.id === d.run)).length} deliveries; ` +
			`${attempts.reduce((a, b) => a + Math.max(0, b), 0)} retried attempts, ` +
			`${interrupted} of them calls cut off by a restart`,
	);
	return problems;
}

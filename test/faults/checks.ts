// The invariants both fault tests assert over the final state. Each returns a list of
// problems (empty = holds) so a failing run reports every broken invariant at once.
import type { Api, HistoryEvent, RunSummary, RunView } from "./api";
import type { FaultDelivery } from "./fault-receiver";

/** What a started run must end as. */
export interface Expectation {
	id: string;
	result: "SUCCESS" | "FAILED";
	/** Nodes that must have succeeded (e.g. the branch a condition must take). */
	succeeded: string[];
}

const TRANSITIONS = new Set(["node_succeeded", "node_failed", "attempt_started"]);

/** No node transition recorded twice: (type, node, item, attempt) is unique per run. */
export function duplicateTransitions(runId: string, events: HistoryEvent[]): string[] {
	const seen = new Set<string>();
	const problems: string[] = [];
	for (const e of events) {
		if (!TRANSITIONS.has(e.type)) continue;
		const attempt =
			e.type === "attempt_started" ? (/attempt (\d+)/.exec(e.detail)?.[1] ?? "?") : "";
		const key = `${e.type}|${e.node}|${e.item}|${attempt}`;
		if (seen.has(key)) problems.push(`${runId}: ${key} recorded twice (seq ${e.seq})`);
		seen.add(key);
	}
	return problems;
}

export function wrongResult(run: RunView, want: Expectation): string[] {
	if (run.status !== "COMPLETED") return [`${run.id}: status ${run.status}, want COMPLETED`];
	const problems: string[] = [];
	if (run.result !== want.result)
		problems.push(`${run.id}: result ${run.result}, want ${want.result}`);
	for (const node of want.succeeded) {
		const nodeRun = run.nodeRuns.find((n) => n.node === node);
		if (nodeRun?.result !== "SUCCESS")
			problems.push(`${run.id}: node ${node} is ${nodeRun?.result ?? "missing"}, want SUCCESS`);
	}
	return problems;
}

/** Each node's deliveries carry one Idempotency-Key and number at most attempts + 1. */
export function deliveryProblems(run: RunView, deliveries: FaultDelivery[]): string[] {
	const problems: string[] = [];
	const byNode = new Map<string, FaultDelivery[]>();
	for (const d of deliveries) {
		if (d.run !== run.id) continue;
		byNode.set(d.node, [...(byNode.get(d.node) ?? []), d]);
	}
	for (const [node, list] of byNode) {
		const keys = new Set(list.map((d) => d.key));
		if (keys.size !== 1) problems.push(`${run.id}/${node}: ${keys.size} idempotency keys`);
		const attempts = run.nodeRuns.find((n) => n.node === node)?.attempts.length ?? 0;
		if (list.length > attempts + 1)
			problems.push(`${run.id}/${node}: ${list.length} deliveries for ${attempts} attempts`);
	}
	return problems;
}

/** The D1 index (what lists read) agrees with every run object's final state. */
export function indexProblems(index: RunSummary[], runs: RunView[]): string[] {
	const byId = new Map(index.map((r) => [r.id, r]));
	const problems: string[] = [];
	for (const run of runs) {
		const row = byId.get(run.id);
		if (!row) problems.push(`${run.id}: missing from the index`);
		else if (row.status !== run.status || row.result !== run.result)
			problems.push(
				`${run.id}: index says ${row.status}/${row.result}, object ${run.status}/${run.result}`,
			);
	}
	return problems;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until every run is COMPLETED, running the sweeper between polls, or every
 * `sweepEveryMs` (the only way a run whose alarm was lost moves again). The index is polled
 * first because it is cheap; objects are read when it says nothing is left (or every 10th
 * poll, in case the index is what is wrong). Returns the runs' final views, always read from
 * their objects.
 */
export async function waitAllCompleted(
	api: Api,
	ids: string[],
	deadlineMs: number,
	log: (msg: string) => void,
	sweepEveryMs = 0,
): Promise<RunView[]> {
	const deadline = Date.now() + deadlineMs;
	let lastSweep = 0;
	const done = new Map<string, RunView>();
	for (let poll = 0; ; poll++) {
		let indexed = 0;
		for (const status of ["QUEUED", "IN_PROGRESS", "WAITING"]) {
			const page = await api.call<{ data: unknown[] }>(
				"GET",
				`/v1/workflows/runs?status=${status}&limit=100`,
			);
			indexed += page.data.length;
		}
		if (indexed === 0 || poll % 10 === 9 || Date.now() > deadline) {
			const pending = ids.filter((id) => !done.has(id));
			for (let i = 0; i < pending.length; i += 25) {
				const views = await Promise.all(pending.slice(i, i + 25).map((id) => api.getRun(id)));
				for (const v of views) if (v.status === "COMPLETED") done.set(v.id, v);
			}
		}
		const left = ids.length - done.size;
		if (left === 0) return ids.map((id) => done.get(id) as RunView);
		if (Date.now() > deadline) {
			const stuck = ids.filter((id) => !done.has(id)).slice(0, 10);
			// What each of the first few stuck runs waits on, so a failure can be traced.
			const states = await Promise.all(
				stuck.slice(0, 3).map(async (id) => {
					try {
						const run = await api.getRun(id);
						const nodes = run.nodeRuns.map((n) => `${n.node}:${n.status}`).join(" ");
						const events = await api.call<{
							data: { seq: number; type: string; node: string | null }[];
						}>("GET", `/v1/workflows/runs/${id}/events?after=0&limit=100`);
						const last = events.data.slice(-6).map((e) => `${e.seq} ${e.type} ${e.node ?? ""}`);
						return `${id}: ${run.status} [${nodes}] last events: ${last.join("; ")}`;
					} catch (err) {
						return `${id}: could not be read (${String(err)})`;
					}
				}),
			);
			throw new Error(
				`${left} runs not COMPLETED before the deadline, e.g. ${stuck.join(", ")}\n${states.join("\n")}`,
			);
		}
		if (poll % 5 === 0)
			log(`index: ${indexed >= 100 ? "100+" : indexed} runs not completed; sweeping`);
		if (Date.now() - lastSweep >= sweepEveryMs) {
			lastSweep = Date.now();
			await api.sweep();
		}
		await sleep(2_000);
	}
}

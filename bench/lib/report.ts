// Turns raw rounds into the figures of bench/README.md: medians per system and ratios against
// the peers measured in the same run (the load rows are in report-loads.ts, the cost counts in
// report-counts.ts; the dollar estimate is cost.ts).
import type { NodeRound, Sample } from "../phases";
import { type CostCounts, countRows } from "./report-counts";
import { loadRows, type Throughput } from "./report-loads";
import { median, percentile, round } from "./stats";
import type { storedPerRun } from "./storage";
import { NODES, type Row, tableHead } from "./table";

type StoredPerRun = ReturnType<typeof storedPerRun>;

interface PerNode {
	wallMs: number;
	cpuMs: number;
}

function perNodeMedian(
	rounds: NodeRound[],
	pick: (r: NodeRound) => PerNode,
	nodes: number,
	runs: number,
) {
	return {
		wallMs: round(median(rounds.map((r) => pick(r).wallMs / (runs * nodes))), 4),
		cpuMs: round(median(rounds.map((r) => pick(r).cpuMs / (runs * nodes))), 4),
	};
}

export interface Summary {
	table: string;
	perNode: Record<
		string,
		{ stepline: PerNode; steplineEach?: PerNode; workflows: PerNode; raw: PerNode }
	>;
	cost: CostCounts;
	steplineCpuMsPerRun: number;
	workflowsCpuMsPerRun: number;
	steplineWebhookCpuMsPerRun: number;
	workflowsWebhookCpuMsPerRun: number;
	/** Bytes per database file on each side, once closed (bench/lib/storage.ts). */
	storage?: StoredPerRun;
	/** Billed duration of runs started one at a time (bench/phases.ts soloDuration). */
	duration?: Record<string, { activeMsPerRun: number }>;
	[key: string]: unknown;
}

/** The (a) and (b) rows: batch and one-POST-per-run starts, wall and CPU, and the raw floor. */
function perNodeRows(results: Record<string, unknown>, runs: number, row: Row) {
	const perNode: Summary["perNode"] = {};
	for (const kind of ["condition", "webhook"]) {
		const rounds = results[kind] as NodeRound[];
		const s = perNodeMedian(rounds, (r) => r.stepline, NODES, runs);
		const w = perNodeMedian(rounds, (r) => r.peer, NODES, runs);
		const raw = perNodeMedian(rounds, (r) => r.raw, NODES, runs);
		const hasEach = rounds.every((r) => r.steplineEach);
		const each = hasEach
			? perNodeMedian(rounds, (r) => r.steplineEach as Sample, NODES, runs)
			: undefined;
		perNode[kind] = { stepline: s, workflows: w, raw, ...(each ? { steplineEach: each } : {}) };
		const variants: [string, PerNode][] = [["batch starts", s]];
		if (each) variants.push(["one POST per run", each]);
		for (const [how, v] of variants) {
			for (const m of ["wallMs", "cpuMs"] as const) {
				row(
					`${kind}, ${how}: ${m === "wallMs" ? "wall" : "CPU"} ms / node`,
					v[m],
					w[m],
					raw[m],
					round(v[m] / w[m], 2),
					round(v[m] / raw[m], 2),
				);
			}
		}
		row(
			`${kind}: the raw floor itself, wall and CPU ÷ Workflows`,
			"",
			"",
			"",
			`${round(raw.wallMs / w.wallMs, 2)}, ${round(raw.cpuMs / w.cpuMs, 2)}`,
			"",
		);
	}
	return perNode;
}

export function summarize(
	results: Record<string, unknown>,
	runs: number,
	chainRuns: number,
): Summary {
	const { lines, row } = tableHead();
	const perNode = perNodeRows(results, runs, row);
	const chain = results.chain200 as NodeRound[] | undefined;
	const summary: Record<string, unknown> = {};
	if (chain) {
		const c200 = perNodeMedian(chain, (r) => r.stepline, 199, chainRuns);
		const w200 = perNodeMedian(chain, (r) => r.peer, 199, chainRuns);
		const r200 = perNodeMedian(chain, (r) => r.raw, 199, chainRuns);
		const c10 = perNode.condition?.stepline as PerNode;
		perNode.chain199 = { stepline: c200, workflows: w200, raw: r200 };
		summary.chain200 = {
			...c200,
			ratioTo10Wall: round(c200.wallMs / c10.wallMs, 2),
			ratioTo10Cpu: round(c200.cpuMs / c10.cpuMs, 2),
		};
		for (const m of ["wallMs", "cpuMs"] as const) {
			row(
				`200-node chain (trigger + 199): ${m === "wallMs" ? "wall" : "CPU"} ms / node`,
				c200[m],
				w200[m],
				r200[m],
				round(c200[m] / w200[m], 2),
				`${round(c200[m] / r200[m], 2)} (${round(c200[m] / c10[m], 2)} × Stepline's 10-node)`,
			);
		}
	}
	// Phases a partial run (`--only per-node`) leaves out are left out here too.
	const lat = results.latency as { stepline: number[]; peer: number[] } | undefined;
	if (lat) {
		for (const p of [50, 99]) {
			const s = round(percentile(lat.stepline, p), 1);
			const w = round(percentile(lat.peer, p), 1);
			row(`single 10-node run, p${p} ms`, s, w, "", round(s / w, 2), "");
		}
		summary.latency = {
			stepline: { p50: percentile(lat.stepline, 50), p99: percentile(lat.stepline, 99) },
			workflows: { p50: percentile(lat.peer, 50), p99: percentile(lat.peer, 99) },
		};
	}
	if (results.throughput) summary.throughput = loadRows(results.throughput as Throughput, row);
	const hooks = results.hooks as
		| { connections: number; startsPerSecond: number; deliveriesPerSecond: number; ratio: number }
		| undefined;
	if (hooks) {
		summary.hooks = hooks;
		row(
			`webhook deliveries accepted/s (signed, keyed), ${hooks.connections} connections`,
			hooks.deliveriesPerSecond,
			"",
			"",
			"",
			`${hooks.ratio} of POST …/runs starts in the same run (${hooks.startsPerSecond}/s)`,
		);
	}
	const history = results.history as Record<string, number> | undefined;
	if (history) {
		summary.history = history;
		row(
			`events page (100) of a ${history.events}-event run: first, deep p50 ms`,
			`${round(history.firstPageP50Ms ?? 0, 1)}, ${round(history.deepPageP50Ms ?? 0, 1)}`,
			"",
			"",
			"",
			`deep ÷ first ${round(history.deepOverFirst ?? 0, 2)}`,
		);
		row(`full read of that run, p50 ms`, round(history.fullReadP50Ms ?? 0, 1), "", "", "", "");
	}
	const index = results.index as Record<string, number> | undefined;
	if (index) {
		summary.index = index;
		row(
			`list runs over ${index.rows} index rows, by workflow + status, p50 ms`,
			round(index.filteredP50Ms ?? 0, 1),
			"",
			"",
			"",
			`unfiltered ${round(index.unfilteredP50Ms ?? 0, 1)}, status only ${round(index.statusOnlyP50Ms ?? 0, 1)}, workflow only ${round(index.workflowOnlyP50Ms ?? 0, 1)}`,
		);
	}
	const cost = countRows(
		results.condition as NodeRound[],
		results.webhook as NodeRound[],
		runs,
		row,
	);
	const duration = results.duration as Record<string, { activeMsPerRun: number }> | undefined;
	if (duration) {
		summary.duration = duration;
		row(
			"DO active ms / run, runs one at a time (billed duration; condition | webhook)",
			`${round(duration.condition?.activeMsPerRun ?? Number.NaN, 1)} \\| ${round(duration.webhook?.activeMsPerRun ?? Number.NaN, 1)}`,
			"",
			"",
			"",
			"RunObject + TenantObject, no other run on the machine's workerd",
		);
	}
	const storage = results.storage as StoredPerRun | undefined;
	if (storage) {
		summary.storage = storage;
		row(
			"database bytes / run (page_count × page_size, WAL applied): RunObject vs Workflows instance",
			storage.runObject.logicalBytesPerObject,
			storage.workflowInstance.logicalBytesPerObject,
			"",
			round(
				storage.runObject.logicalBytesPerObject / storage.workflowInstance.logicalBytesPerObject,
				2,
			),
			"up to 100 databases of each, read with the sqlite3 command",
		);
		row(
			"bytes on disk / run, 15 s after the last run: RunObject vs Workflows instance (files)",
			storage.runObject.bytesPerObject,
			storage.workflowInstance.bytesPerObject,
			"",
			round(storage.runObject.bytesPerObject / storage.workflowInstance.bytesPerObject, 2),
			`${storage.runObject.objects} run objects, ${storage.workflowInstance.objects} instances; WAL bytes ${storage.runObject.walBytes} \\| ${storage.workflowInstance.walBytes}`,
		);
	}
	return {
		...summary,
		table: lines.join("\n"),
		perNode,
		cost,
		// Priced as one request per run, so with the CPU of one POST per run where measured.
		steplineCpuMsPerRun:
			(perNode.condition?.steplineEach?.cpuMs ?? perNode.condition?.stepline.cpuMs ?? 0) * NODES,
		workflowsCpuMsPerRun: (perNode.condition?.workflows.cpuMs ?? 0) * NODES,
		steplineWebhookCpuMsPerRun:
			(perNode.webhook?.steplineEach?.cpuMs ?? perNode.webhook?.stepline.cpuMs ?? 0) * NODES,
		workflowsWebhookCpuMsPerRun: (perNode.webhook?.workflows.cpuMs ?? 0) * NODES,
	};
}

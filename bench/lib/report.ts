// Turns raw rounds into the figures of issue 7: medians per system, ratios against the peers
// measured in the same run, and a cost estimate from Cloudflare's published prices.
import type { LoadSample, NodeRound, Sample } from "../phases";
import { median, percentile, round } from "./stats";

const NODES = 10;

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
	cost: {
		d1RowsPerRun: number;
		runObjectRowsPerNode: number;
		tenantObjectRowsPerRun: number;
		fetchesPerNode: number;
		d1QueriesPerRun: number;
		doRequestsPerRun: number;
	};
	steplineCpuMsPerRun: number;
	workflowsCpuMsPerRun: number;
	[key: string]: unknown;
}

type Row = (...cells: (string | number)[]) => void;

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

function tableHead(): { lines: string[]; row: Row } {
	const lines: string[] = [];
	const row: Row = (...cells) => lines.push(`| ${cells.join(" | ")} |`);
	row("figure", "Stepline", "Workflows", "raw DO", "Stepline ÷ Workflows", "Stepline ÷ raw");
	row("---", "---", "---", "---", "---", "---");
	return { lines, row };
}

/** The per-node rows alone (`npm run bench -- --only per-node`). */
export function perNodeTable(results: Record<string, unknown>, runs: number): string {
	const { lines, row } = tableHead();
	perNodeRows(results, runs, row);
	return lines.join("\n");
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
	const lat = results.latency as { stepline: number[]; peer: number[] };
	for (const p of [50, 99]) {
		const s = round(percentile(lat.stepline, p), 1);
		const w = round(percentile(lat.peer, p), 1);
		row(`single 10-node run, p${p} ms`, s, w, "", round(s / w, 2), "");
	}
	summary.latency = {
		stepline: { p50: percentile(lat.stepline, 50), p99: percentile(lat.stepline, 99) },
		workflows: { p50: percentile(lat.peer, 50), p99: percentile(lat.peer, 99) },
	};
	const tp = results.throughput as Record<
		string,
		{
			starts: LoadSample[];
			empty: LoadSample[];
			newObject?: LoadSample[];
			newObjectWrite?: LoadSample[];
			d1Read?: LoadSample[];
		}
	>;
	summary.throughput = {};
	for (const [connections, t] of Object.entries(tp)) {
		const starts = round(median(t.starts.map((s) => s.perSecond)), 0);
		const empty = round(median(t.empty.map((s) => s.perSecond)), 0);
		// Older result files have no new-object ceiling: NaN, not a made-up 0.
		const newObject = round(median((t.newObject ?? []).map((s) => s.perSecond)), 0);
		const newObjectWrite = round(median((t.newObjectWrite ?? []).map((s) => s.perSecond)), 0);
		const d1Read = round(median((t.d1Read ?? []).map((s) => s.perSecond)), 0);
		const p99 = median(t.starts.map((s) => s.p99Ms));
		const cpuStart = round(median(t.starts.map((s) => s.cpuMsPerRequest)), 2);
		const cpuEmpty = round(median(t.empty.map((s) => s.cpuMsPerRequest)), 2);
		const bad = t.starts.reduce((a, s) => a + s.non2xx + s.errors, 0);
		// Older result files have no split: NaN, not a made-up 0.
		const split = (pick: (s: LoadSample) => number | undefined) =>
			round(median(t.starts.map((s) => pick(s) ?? Number.NaN)), 2);
		const byRole = {
			workerUserMs: split((s) => s.cpuByRolePerRequest?.worker.userMs),
			workerKernelMs: split((s) => s.cpuByRolePerRequest?.worker.kernelMs),
			proxyMs: split(
				(s) =>
					s.cpuByRolePerRequest &&
					s.cpuByRolePerRequest.proxy.userMs + s.cpuByRolePerRequest.proxy.kernelMs,
			),
		};
		(summary.throughput as Record<string, unknown>)[connections] = {
			startsPerSecond: starts,
			emptyPerSecond: empty,
			newObjectPerSecond: newObject,
			ratio: round(starts / empty, 2),
			ratioToNewObject: round(starts / newObject, 2),
			newObjectRatio: round(newObject / empty, 2),
			// Measured at one load only: the keys appear where it was.
			...(Number.isFinite(newObjectWrite)
				? {
						newObjectWritePerSecond: newObjectWrite,
						newObjectWriteRatio: round(newObjectWrite / empty, 2),
						d1ReadPerSecond: d1Read,
						d1ReadRatio: round(d1Read / empty, 2),
					}
				: {}),
			startP99Ms: p99,
			non2xxOrErrors: bad,
			cpuMsPerStart: cpuStart,
			cpuMsPerEmpty: cpuEmpty,
			cpuPerStartByRole: byRole,
		};
		row(
			`starts/s at ${connections} connections (p99 ${p99} ms${bad ? `, ${bad} non-2xx/errors` : ""}; workerd CPU ms per start ${cpuStart}, per empty request ${cpuEmpty})`,
			starts,
			"",
			`empty route ${empty}`,
			"",
			`${round(starts / empty, 2)} of the ceiling`,
		);
		row(
			`a route that only creates one Durable Object, at ${connections} connections: requests/s`,
			newObject,
			"",
			`empty route ${empty}`,
			"",
			`${round(newObject / empty, 2)} of the ceiling (starts: ${round(starts / newObject, 2)} of this)`,
		);
		// Measured at one load only (and absent from older result files): no row without it.
		if (Number.isFinite(newObjectWrite)) {
			row(
				`the same, the new object committing one step (tables created): requests/s`,
				newObjectWrite,
				"",
				`empty route ${empty}`,
				"",
				`${round(newObjectWrite / empty, 2)} of the ceiling (starts: ${round(starts / newObjectWrite, 2)} of this)`,
			);
			row(
				`a route that reads one D1 row, at ${connections} connections: requests/s`,
				d1Read,
				"",
				`empty route ${empty}`,
				"",
				`${round(d1Read / empty, 2)} of the ceiling (a start reads one row and writes one)`,
			);
		}
		row(
			`CPU ms per start at ${connections} connections, by process: the Worker's workerd (user + kernel), wrangler's dev proxy`,
			`${byRole.workerUserMs} + ${byRole.workerKernelMs}, ${byRole.proxyMs}`,
			"",
			"",
			"",
			"",
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
	const cond = results.condition as NodeRound[];
	const hook = results.webhook as NodeRound[];
	const cost = {
		d1RowsPerRun: round(median(cond.map((r) => r.counters.d1RowsWritten / runs)), 2),
		d1QueriesPerRun: round(median(cond.map((r) => r.counters.d1WriteStatements / runs)), 2),
		runObjectRowsPerNode: round(
			median(cond.map((r) => r.counters.runObjectRows / (runs * NODES))),
			2,
		),
		tenantObjectRowsPerRun: round(median(cond.map((r) => r.counters.tenantObjectRows / runs)), 2),
		fetchesPerNode: round(median(hook.map((r) => r.counters.fetches / (runs * NODES))), 2),
		// Older result files have no request counts: NaN, not a made-up 0.
		doRequestsPerRun: round(
			median(cond.map((r) => (r.counters.doRequests ?? Number.NaN) / runs)),
			2,
		),
		webhookRunObjectRowsPerNode: round(
			median(hook.map((r) => r.counters.runObjectRows / (runs * NODES))),
			2,
		),
		webhookD1RowsPerRun: round(median(hook.map((r) => r.counters.d1RowsWritten / runs)), 2),
		webhookD1QueriesPerRun: round(median(hook.map((r) => r.counters.d1WriteStatements / runs)), 2),
		alarmWritesPerRun: round(
			median(cond.map((r) => (r.counters.alarmWrites ?? Number.NaN) / runs)),
			2,
		),
		webhookAlarmWritesPerRun: round(
			median(hook.map((r) => (r.counters.alarmWrites ?? Number.NaN) / runs)),
			2,
		),
	};
	row(
		"D1 rows written / run (condition; incl. index entries)",
		cost.d1RowsPerRun,
		"",
		"",
		"",
		`${cost.d1QueriesPerRun} write statements / run`,
	);
	row(
		"D1 rows written / run (webhook; incl. index entries)",
		cost.webhookD1RowsPerRun,
		"",
		"",
		"",
		`${cost.webhookD1QueriesPerRun} write statements / run`,
	);
	row(
		"DO rows written / node (RunObject; condition | webhook)",
		`${cost.runObjectRowsPerNode} \\| ${cost.webhookRunObjectRowsPerNode}`,
		"",
		"",
		"",
		"",
	);
	row("TenantObject rows written / run", cost.tenantObjectRowsPerRun, "", "", "", "");
	row(
		"DO rows written / node, RunObject + TenantObject (condition)",
		round(cost.runObjectRowsPerNode + cost.tenantObjectRowsPerRun / NODES, 2),
		"",
		"",
		"",
		"",
	);
	row(
		"Durable Object requests / run (RPC calls + alarms, condition)",
		cost.doRequestsPerRun,
		"",
		"",
		"",
		"",
	);
	row("subrequests (fetch) / WEBHOOK node", cost.fetchesPerNode, "", "", "", "");
	row(
		"alarm writes (setAlarm + deleteAlarm) / run, all objects (condition | webhook)",
		`${cost.alarmWritesPerRun} \\| ${cost.webhookAlarmWritesPerRun}`,
		"",
		"",
		"",
		"",
	);
	return {
		...summary,
		table: lines.join("\n"),
		perNode,
		cost,
		// Priced as one request per run, so with the CPU of one POST per run where measured.
		steplineCpuMsPerRun:
			(perNode.condition?.steplineEach?.cpuMs ?? perNode.condition?.stepline.cpuMs ?? 0) * NODES,
		workflowsCpuMsPerRun: (perNode.condition?.workflows.cpuMs ?? 0) * NODES,
	};
}

// Before and after: the headline figures of this run beside those of the committed
// bench/results file of the previous run (its raw rounds summarized by today's code, so both
// columns mean the same thing). A figure the previous run did not measure shows "n/a".
import type { costPerRun } from "./cost";
import { type Summary, summarize } from "./report";
import { round } from "./stats";

interface SavedReport {
	date: string;
	plan: { runs: number; chainRuns: number };
	raw: Record<string, unknown>;
	cost?: { stepline?: { total?: number }; workflows?: { total?: number } };
}

type Cost = ReturnType<typeof costPerRun>;

const show = (v: number | undefined) =>
	v === undefined || Number.isNaN(v) ? "n/a" : String(round(v, 2));
const pair = (a: number | undefined, b: number | undefined) => `${show(a)} \\| ${show(b)}`;

interface Side {
	summary: Summary;
	/** Null for the previous run: its dollars are quoted from its own file. */
	cost: Cost | null;
	savedCost?: SavedReport["cost"];
}

function figures(side: Side): [string, string][] {
	const { summary: s, cost } = side;
	const c = s.cost;
	const ratio = (kind: string, each: boolean) => {
		const p = s.perNode[kind];
		const mine = each ? p?.steplineEach?.wallMs : p?.stepline.wallMs;
		return mine !== undefined && p ? mine / p.workflows.wallMs : Number.NaN;
	};
	const throughput = s.throughput as
		| Record<string, { ratioToNewObject?: number; startsPerSecond?: number }>
		| undefined;
	const latency = s.latency as
		| { stepline: { p50: number }; workflows: { p50: number } }
		| undefined;
	return [
		["D1 rows written / run (condition | webhook)", pair(c.d1RowsPerRun, c.webhookD1RowsPerRun)],
		[
			"RunObject rows written / node (condition | webhook)",
			pair(c.runObjectRowsPerNode, c.webhookRunObjectRowsPerNode),
		],
		[
			"TenantObject calls / keyed start and its run (condition | webhook)",
			pair(c.tenantCallsPerRun, c.webhookTenantCallsPerRun),
		],
		[
			"TenantObject rows written / run (condition | webhook)",
			pair(c.tenantObjectRowsPerRun, c.webhookTenantObjectRowsPerRun),
		],
		[
			"Durable Object requests / run (condition | webhook)",
			pair(c.doRequestsPerRun, c.webhookDoRequestsPerRun),
		],
		[
			"$ / million runs, Stepline (condition | webhook)",
			cost
				? pair(cost.stepline.total, cost.webhook.stepline.total)
				: `${show(side.savedCost?.stepline?.total)} (condition, without storage and duration)`,
		],
		[
			"$ / million runs, Workflows (condition | webhook)",
			cost
				? pair(cost.workflows.total, cost.webhook.workflows.total)
				: `${show(side.savedCost?.workflows?.total)} (condition, without storage)`,
		],
		[
			"wall / node ÷ Workflows, batch starts (a) | (b)",
			pair(ratio("condition", false), ratio("webhook", false)),
		],
		[
			"wall / node ÷ Workflows, one POST per run (a) | (b)",
			pair(ratio("condition", true), ratio("webhook", true)),
		],
		[
			"starts ÷ the one-object route, 10 | 50 connections",
			pair(throughput?.["10"]?.ratioToNewObject, throughput?.["50"]?.ratioToNewObject),
		],
		[
			"single 10-node run p50 ÷ Workflows",
			show(latency ? latency.stepline.p50 / latency.workflows.p50 : Number.NaN),
		],
	];
}

/** The comparison table; `previous` is the parsed result file (null: none committed). */
export function compareTable(
	previous: SavedReport | null,
	now: { summary: Summary; cost: Cost },
): string {
	const after = figures({ summary: now.summary, cost: now.cost });
	const before = previous
		? figures({
				summary: summarize(previous.raw, previous.plan.runs, previous.plan.chainRuns),
				cost: null,
				savedCost: previous.cost,
			})
		: after.map(([name]) => [name, "n/a"] as [string, string]);
	const head = `| figure | before (${previous?.date.slice(0, 16) ?? "none"}) | now |`;
	const lines = [head, "| --- | --- | --- |"];
	after.forEach(([name, value], i) => {
		lines.push(`| ${name} | ${before[i]?.[1] ?? "n/a"} | ${value} |`);
	});
	return lines.join("\n");
}

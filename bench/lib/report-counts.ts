// The cost rows: rows and requests the bench Worker's counting wrappers saw in each round's
// untimed Stepline run (bench/phases.ts `perNode`), per run or per node.
import type { CostDelta, NodeRound } from "../phases";
import { median, round } from "./stats";
import { NODES, type Row } from "./table";

export type CostCounts = ReturnType<typeof countRows>;

/**
 * Adds the cost rows for the condition (`cond`) and WEBHOOK (`hook`) rounds, `runs` runs each;
 * returns the figures. A count older result files lack is NaN, never a made-up 0.
 */
export function countRows(cond: NodeRound[], hook: NodeRound[], runs: number, row: Row) {
	const per = (rounds: NodeRound[], count: (c: CostDelta) => number | undefined, units: number) =>
		round(median(rounds.map((r) => (count(r.counters) ?? Number.NaN) / units)), 2);
	const perRun = (rounds: NodeRound[], count: (c: CostDelta) => number | undefined) =>
		per(rounds, count, runs);
	const perNode = (rounds: NodeRound[], count: (c: CostDelta) => number | undefined) =>
		per(rounds, count, runs * NODES);
	const cost = {
		d1RowsPerRun: perRun(cond, (c) => c.d1RowsWritten),
		d1QueriesPerRun: perRun(cond, (c) => c.d1WriteStatements),
		runObjectRowsPerNode: perNode(cond, (c) => c.runObjectRows),
		tenantObjectRowsPerRun: perRun(cond, (c) => c.tenantObjectRows),
		fetchesPerNode: perNode(hook, (c) => c.fetches),
		doRequestsPerRun: perRun(cond, (c) => c.doRequests),
		webhookDoRequestsPerRun: perRun(hook, (c) => c.doRequests),
		webhookRunObjectRowsPerNode: perNode(hook, (c) => c.runObjectRows),
		webhookD1RowsPerRun: perRun(hook, (c) => c.d1RowsWritten),
		webhookD1QueriesPerRun: perRun(hook, (c) => c.d1WriteStatements),
		alarmWritesPerRun: perRun(cond, (c) => c.alarmWrites),
		webhookAlarmWritesPerRun: perRun(hook, (c) => c.alarmWrites),
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
		"Durable Object requests / run (RPC calls + alarms; condition | webhook)",
		`${cost.doRequestsPerRun} \\| ${cost.webhookDoRequestsPerRun}`,
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
	return cost;
}

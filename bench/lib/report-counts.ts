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
		// Counted since 2026-12-08 (NaN in older files).
		tenantCallsPerRun: perRun(cond, (c) => c.tenantObjectRequests),
		webhookTenantCallsPerRun: perRun(hook, (c) => c.tenantObjectRequests),
		webhookTenantObjectRowsPerRun: perRun(hook, (c) => c.tenantObjectRows),
		doActiveMsPerRun: perRun(cond, (c) =>
			c.runObjectActiveMs === undefined
				? undefined
				: c.runObjectActiveMs + (c.tenantObjectActiveMs ?? Number.NaN),
		),
		webhookDoActiveMsPerRun: perRun(hook, (c) =>
			c.runObjectActiveMs === undefined
				? undefined
				: c.runObjectActiveMs + (c.tenantObjectActiveMs ?? Number.NaN),
		),
		runObjectBytesPerRun: perRun(cond, (c) => c.runObjectStoredBytes),
		webhookRunObjectBytesPerRun: perRun(hook, (c) => c.runObjectStoredBytes),
		d1BytesPerRun: perRun(cond, (c) => c.d1BytesAdded),
		webhookD1BytesPerRun: perRun(hook, (c) => c.d1BytesAdded),
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
	row(
		"TenantObject calls / keyed start + its run (one POST each; condition | webhook)",
		`${cost.tenantCallsPerRun} \\| ${cost.webhookTenantCallsPerRun}`,
		"",
		"",
		"",
		"admission, and a slot given back at the end",
	);
	row(
		"TenantObject rows written / run (condition | webhook)",
		`${cost.tenantObjectRowsPerRun} \\| ${cost.webhookTenantObjectRowsPerRun}`,
		"",
		"",
		"",
		"",
	);
	row(
		"DO active ms / run, RunObject + TenantObject (billed duration; condition | webhook)",
		`${cost.doActiveMsPerRun} \\| ${cost.webhookDoActiveMsPerRun}`,
		"",
		"",
		"",
		"local wall-clock while a call or waitUntil is outstanding",
	);
	row(
		"bytes kept / run: RunObject SQLite, D1 growth (condition | webhook)",
		`${cost.runObjectBytesPerRun}, ${cost.d1BytesPerRun} \\| ${cost.webhookRunObjectBytesPerRun}, ${cost.webhookD1BytesPerRun}`,
		"",
		"",
		"",
		"databaseSize of each run object; D1 size_after",
	);
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

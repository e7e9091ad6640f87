// The dollar estimate. Prices (USD, Workers Paid, beyond the monthly allowances), read from
// Cloudflare's pricing pages in November 2026 (cited in README "Performance"):
//   Workers / Workflows: $0.30 per million requests, $0.02 per million CPU ms
//     https://developers.cloudflare.com/workflows/reference/pricing/
//   D1: $1.00 per million rows written  https://developers.cloudflare.com/d1/platform/pricing/
//   SQLite Durable Objects: $1.00 per million rows written
//     https://developers.cloudflare.com/durable-objects/platform/pricing/
//   Durable Object requests (each RPC call and alarm): $0.15 per million (same page)
// Not counted, on either side: Durable Object duration (wall-clock GB-s while an object is
// active) and storage GB-months. Local workerd CPU includes local D1's SQLite work,
// which production bills as D1 rows instead, so Stepline's CPU line is an overestimate.
import type { Summary } from "./report";
import { round } from "./stats";

const NODES = 10;

/**
 * Dollars per million 10-node condition runs, beyond the included monthly allowances, from
 * the published prices (README "Performance" cites the pages). Local workerd CPU stands in for
 * production CPU; DO duration and storage GB-months are left out on both sides. Workflows'
 * own Durable Object use is inside its price.
 */
export function costPerRun(s: Summary) {
	const PRICE = {
		workerRequest: 0.3,
		cpuMs: 0.02 / 1e6,
		d1Row: 1 / 1e6,
		doRow: 1 / 1e6,
		doRequest: 0.15 / 1e6,
	};
	const million = 1e6;
	const stepline = {
		requests: PRICE.workerRequest,
		cpu: s.steplineCpuMsPerRun * PRICE.cpuMs * million,
		d1Writes: s.cost.d1RowsPerRun * PRICE.d1Row * million,
		doWrites:
			(s.cost.runObjectRowsPerNode * NODES + s.cost.tenantObjectRowsPerRun) * PRICE.doRow * million,
		doRequests: (s.cost.doRequestsPerRun || 0) * PRICE.doRequest * million,
	};
	const workflows = {
		requests: PRICE.workerRequest,
		cpu: s.workflowsCpuMsPerRun * PRICE.cpuMs * million,
	};
	const total = (o: Record<string, number>) =>
		round(
			Object.values(o).reduce((a, b) => a + b, 0),
			2,
		);
	const fmt = (o: Record<string, number>) =>
		Object.entries(o)
			.map(([k, v]) => `${k} $${round(v, 2)}`)
			.join(", ");
	return {
		stepline: { ...stepline, total: total(stepline) },
		workflows: { ...workflows, total: total(workflows) },
		table: `$ per million 10-node condition runs (marginal prices):\n  Stepline  $${total(stepline)}  (${fmt(stepline)})\n  Workflows $${total(workflows)}  (${fmt(workflows)}; storage GB-month not included)`,
	};
}

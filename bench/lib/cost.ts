// The dollar estimate. Prices (USD, Workers Paid, beyond the monthly allowances), read from
// Cloudflare's pricing pages (cited in bench/README.md "Cost"):
//   Workers / Workflows: $0.30 per million requests, $0.02 per million CPU ms; Workflows
//     storage $0.20 per GB-month; a Workflow is billed on CPU, not on wall-clock time
//     https://developers.cloudflare.com/workflows/reference/pricing/
//   D1: $1.00 per million rows written, $0.75 per GB-month stored
//     https://developers.cloudflare.com/d1/platform/pricing/
//   SQLite Durable Objects: $1.00 per million rows written, $0.20 per GB-month stored,
//     $0.15 per million requests (each RPC call and alarm), $12.50 per million GB-s of duration
//     (wall-clock while active, billed at 128 MB per object)
//     https://developers.cloudflare.com/durable-objects/platform/pricing/
// Storage is priced for a 30-day retention: each run's bytes are kept one month, one GB-month
// per GB. Local workerd CPU stands in for production CPU (it includes local D1's SQLite work,
// which production bills as D1 rows instead, so Stepline's CPU line is an overestimate); local
// wall-clock stands in for the objects' billed duration.
import type { Summary } from "./report";
import { round } from "./stats";

const NODES = 10;

export const PRICE = {
	workerRequest: 0.3 / 1e6,
	cpuMs: 0.02 / 1e6,
	d1Row: 1 / 1e6,
	doRow: 1 / 1e6,
	doRequest: 0.15 / 1e6,
	/** Per GB-second; an object is billed as 128 MB while active. */
	doGbSecond: 12.5 / 1e6,
	doGbMonth: 0.2,
	d1GbMonth: 0.75,
	workflowsGbMonth: 0.2,
};
const DO_GB = 0.128;
/** Days a run is kept (docs: retention); its bytes are billed for that long. */
export const RETENTION_DAYS = 30;
const MONTHS_KEPT = RETENTION_DAYS / 30;

type Kind = "condition" | "webhook";

/** One side's dollars per million runs, by line. */
type Lines = Record<string, number>;

const perMillion = (perRun: number) => perRun * 1e6;

function steplineLines(s: Summary, kind: Kind): Lines {
	const c = s.cost;
	const cond = kind === "condition";
	const storedBytes = (cond ? c.runObjectBytesPerRun : c.webhookRunObjectBytesPerRun) ?? Number.NaN;
	const d1Bytes = (cond ? c.d1BytesPerRun : c.webhookD1BytesPerRun) ?? Number.NaN;
	// Runs one at a time where measured (the per-node rounds' figure counts this machine's
	// contention as activity: see bench/phases.ts soloDuration).
	const activeMs =
		s.duration?.[kind]?.activeMsPerRun ??
		(cond ? c.doActiveMsPerRun : c.webhookDoActiveMsPerRun) ??
		Number.NaN;
	return {
		requests: perMillion(PRICE.workerRequest),
		cpu: perMillion((cond ? s.steplineCpuMsPerRun : s.steplineWebhookCpuMsPerRun) * PRICE.cpuMs),
		d1Writes: perMillion((cond ? c.d1RowsPerRun : c.webhookD1RowsPerRun) * PRICE.d1Row),
		doWrites: perMillion(
			((cond ? c.runObjectRowsPerNode : c.webhookRunObjectRowsPerNode) * NODES +
				(cond ? c.tenantObjectRowsPerRun : (c.webhookTenantObjectRowsPerRun ?? Number.NaN))) *
				PRICE.doRow,
		),
		doRequests: perMillion(
			((cond ? c.doRequestsPerRun : c.webhookDoRequestsPerRun) || 0) * PRICE.doRequest,
		),
		doDuration: perMillion((activeMs / 1000) * DO_GB * PRICE.doGbSecond),
		doStorage: perMillion((storedBytes / 1e9) * MONTHS_KEPT * PRICE.doGbMonth),
		d1Storage: perMillion((d1Bytes / 1e9) * MONTHS_KEPT * PRICE.d1GbMonth),
	};
}

function workflowsLines(s: Summary, kind: Kind): Lines {
	const cpuMsPerRun = kind === "condition" ? s.workflowsCpuMsPerRun : s.workflowsWebhookCpuMsPerRun;
	return {
		requests: perMillion(PRICE.workerRequest),
		cpu: perMillion(cpuMsPerRun * PRICE.cpuMs),
		// Billed on CPU, not wall-clock: no duration line.
		storage: perMillion(
			((s.storage?.workflowInstance.logicalBytesPerObject ?? Number.NaN) / 1e9) *
				MONTHS_KEPT *
				PRICE.workflowsGbMonth,
		),
	};
}

const total = (o: Lines) =>
	round(
		Object.values(o).reduce((a, b) => a + b, 0),
		2,
	);
const fmt = (o: Lines) =>
	Object.entries(o)
		.map(([k, v]) => `${k} $${round(v, 2)}`)
		.join(", ");

/**
 * Dollars per million 10-node runs, condition and WEBHOOK chains, beyond the included monthly
 * allowances, at the published prices, storage (30 days) and Durable Object duration included
 * on both sides. Stepline is priced as one `POST …/runs` per run (the costlier way). Workflows'
 * own Durable Object use is inside its price; its storage is the local per-instance database
 * (bench/lib/storage.ts), a proxy.
 */
export function costPerRun(s: Summary) {
	const out = {} as Record<Kind, { stepline: Lines; workflows: Lines }>;
	const lines: string[] = [
		`$ per million 10-node runs (marginal prices; storage kept ${RETENTION_DAYS} days; DO duration at 128 MB):`,
	];
	for (const kind of ["condition", "webhook"] as const) {
		const stepline = steplineLines(s, kind);
		const workflows = workflowsLines(s, kind);
		out[kind] = {
			stepline: { ...stepline, total: total(stepline) },
			workflows: { ...workflows, total: total(workflows) },
		};
		lines.push(
			`  ${kind}: Stepline  $${total(stepline)}  (${fmt(stepline)})`,
			`  ${kind}: Workflows $${total(workflows)}  (${fmt(workflows)}; duration not billed)`,
		);
	}
	// The condition figures stay at the top level, where result files before 2026-12-08 keep them.
	return { ...out.condition, webhook: out.webhook, table: lines.join("\n") };
}

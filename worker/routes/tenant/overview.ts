import type { z } from "@hono/zod-openapi";
import type { HourCount, WorkflowCount } from "../../db/runs-overview.repo";
import { OVERVIEW_HOURS } from "../../db/runs-overview.repo";
import { RUN_RESULTS, RUN_STATUSES } from "../runs/run-view.schemas";
import type { Overview } from "./overview.schemas";

type Window = z.infer<typeof Overview>["last24Hours"];
type Bucket = Window["buckets"][number];

const HOUR = 3_600_000;
const TOP = 5;

const zeros = <K extends string>(keys: readonly K[]) =>
	Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;

/** Folds the hour counts of the last `hours` hours into slices of `perBucket` hours. */
function windowOf(byHour: HourCount[], since: number, hours: number, perBucket: number): Window {
	const first = OVERVIEW_HOURS - hours;
	const byStatus = zeros(RUN_STATUSES);
	const byResult = zeros(RUN_RESULTS);
	const buckets: Bucket[] = Array.from({ length: hours / perBucket }, (_, i) => ({
		start: new Date(since + i * perBucket * HOUR).toISOString(),
		SUCCESS: 0,
		FAILED: 0,
		CANCELLED: 0,
		unfinished: 0,
	}));
	let total = 0;
	for (const row of byHour) {
		if (row.hour < first) continue;
		const bucket = buckets[Math.floor((row.hour - first) / perBucket)];
		if (!bucket) continue;
		total += row.runs;
		if (row.status in byStatus) byStatus[row.status as keyof typeof byStatus] += row.runs;
		if (row.result !== null && row.result in byResult) {
			byResult[row.result as keyof typeof byResult] += row.runs;
			bucket[row.result as keyof typeof byResult] += row.runs;
		} else bucket.unfinished += row.runs;
	}
	return { since: new Date(since).toISOString(), total, byStatus, byResult, buckets };
}

/** The overview's counts from the repository's hour and workflow counts (pure). */
export function summarize(
	counts: { byHour: HourCount[]; byWorkflow: WorkflowCount[] },
	now: number,
): Pick<z.infer<typeof Overview>, "last24Hours" | "last7Days" | "busiest" | "mostFailing"> {
	const weekStart = now - OVERVIEW_HOURS * HOUR;
	const byName = (a: WorkflowCount, b: WorkflowCount) => a.identifier.localeCompare(b.identifier);
	return {
		last24Hours: windowOf(counts.byHour, now - 24 * HOUR, 24, 1),
		last7Days: windowOf(counts.byHour, weekStart, OVERVIEW_HOURS, 24),
		busiest: [...counts.byWorkflow].sort((a, b) => b.runs - a.runs || byName(a, b)).slice(0, TOP),
		mostFailing: counts.byWorkflow
			.filter((w) => w.failed > 0)
			.sort((a, b) => b.failed - a.failed || byName(a, b))
			.slice(0, TOP),
	};
}

import { and, count, eq, gte, lt, max, sql } from "drizzle-orm";
import type { Database } from "./client";
import { type RunFilter, visibleRuns } from "./runs.repo";
import { runs } from "./schema";

/**
 * The tenant's runs of the last seven days, counted (docs/ARCHITECTURE.md#the-runs-index): by
 * hour, status and result for the overview's charts, and by workflow for the busiest and most
 * failing. Both read the primary key's range (tenant_id, created_at) only, and answer at most
 * 168 × (statuses + results) and one row per workflow, however many runs there were.
 */

const HOUR = 3_600_000;
export const OVERVIEW_HOURS = 7 * 24;

export interface HourCount {
	/** Hours since the start of the window (0 = the oldest of the 168). */
	hour: number;
	status: string;
	result: string | null;
	runs: number;
}

export interface WorkflowCount {
	identifier: string;
	title: string;
	runs: number;
	failed: number;
}

type Visibility = Pick<RunFilter, "visibleTo" | "sharedWorkflowIds">;

export async function countRecentRuns(
	db: Database,
	tenantId: string,
	visibility: Visibility,
	now: number,
): Promise<{ byHour: HourCount[]; byWorkflow: WorkflowCount[] }> {
	const since = now - OVERVIEW_HOURS * HOUR;
	const window = and(
		eq(runs.tenantId, tenantId),
		gte(runs.createdAt, since),
		lt(runs.createdAt, now),
		visibleRuns(visibility),
	);
	const hour = sql<number>`(${runs.createdAt} - ${since}) / ${HOUR}`.mapWith(Number);
	const [byHour, byWorkflow] = await Promise.all([
		db
			.select({ hour, status: runs.status, result: runs.result, runs: count() })
			.from(runs)
			.where(window)
			.groupBy(hour, runs.status, runs.result)
			.all(),
		db
			.select({
				identifier: runs.workflowIdentifier,
				// One of the titles its runs carry (a run keeps the title of its version).
				title: max(runs.workflowTitle).mapWith(String),
				runs: count(),
				failed: sql<number>`sum(${runs.result} = 'FAILED')`.mapWith(Number),
			})
			.from(runs)
			.where(window)
			.groupBy(runs.workflowIdentifier)
			.all(),
	]);
	return { byHour, byWorkflow };
}

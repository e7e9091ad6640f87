import { purgeAuditEvents } from "./db/audit.repo";
import { type Database, database } from "./db/client";
import { purgeFailedStarts } from "./db/failed-starts.repo";
import { type PurgeReport, purgeExpiredRuns } from "./run-retention";

/** Rows one delete may remove, and deletes per table per run of the cron (every minute). */
const BATCH = 500;
const MAX_BATCHES = 10;

/**
 * Deletes ended runs past their tenant's retention (run-retention.ts), audit entries past 90
 * days and failed starts past 7, from the Worker's cron, in
 * bounded batches: at most MAX_BATCHES × BATCH rows per table per minute, oldest first, so a
 * backlog is worked off over a few minutes without one long statement, and each minute resumes
 * where the last stopped (the rows themselves are the bookmark). Listings never show what is
 * past retention, however far behind this runs.
 */
export async function purgeExpired(
	env: Env,
	now: number,
): Promise<{ runs: PurgeReport; audit: number; failedStarts: number }> {
	const db = database(env.DB);
	const drain = async (purge: (db: Database, now: number, batch: number) => Promise<number>) => {
		let removed = 0;
		for (let i = 0; i < MAX_BATCHES; i++) {
			const changes = await purge(db, now, BATCH);
			removed += changes;
			if (changes < BATCH) break;
		}
		return removed;
	};
	const audit = await drain(purgeAuditEvents);
	const failedStarts = await drain(purgeFailedStarts);
	return { audit, failedStarts, runs: await purgeExpiredRuns(env, now) };
}

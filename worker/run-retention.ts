import { runObject } from "../durable-objects/stubs";
import { database } from "./db/client";
import {
	deleteRunRows,
	expiredRuns,
	jobPosition,
	nextTenantWithRuns,
	type RunKey,
	saveJobPosition,
} from "./db/run-retention.repo";
import { DAY_MS, DEFAULT_RUN_RETENTION_DAYS } from "./quotas/tenant-limits";

/** How much one cron tick may do; the next tick resumes where this one stopped. */
export interface PurgeBudget {
	/** Tenants looked at per tick (each look is one D1 seek). */
	tenants: number;
	/** Runs deleted per tick (each is one call to its object and one D1 row). */
	runs: number;
	/** Runs read per query and deleted per D1 batch. */
	batch: number;
	/** Run objects purged at once. */
	parallel: number;
}

export const PURGE_BUDGET: PurgeBudget = { tenants: 100, runs: 500, batch: 50, parallel: 10 };

const JOB = "run-retention";

export interface PurgeReport {
	/** Runs deleted: object storage, then index row. */
	purged: number;
	/** Runs whose object refused (not ended, or still owing work) or failed: tried next time. */
	skipped: number;
	tenants: number;
	/** Every tenant was visited up to the end of the list (the next tick starts from the first). */
	wrapped: boolean;
}

/**
 * Deletes ended runs past their tenant's `runRetentionDays` (docs/ARCHITECTURE.md#quotas-and-retention):
 * first the run object's storage and alarm (RunObject.purge), then the run's index row. That
 * order is what makes a crash harmless: a run whose object is gone but whose row is still
 * there is found again by the next tick, its object answers "no such run", and the row goes.
 * A deleted run is 404 on every run route (the routes read the object, which has nothing).
 *
 * Tenants are visited in id order from where the last tick stopped (a row in job_cursors),
 * within `budget`; a tenant whose expired runs outlast the budget is resumed next tick.
 */
export async function purgeExpiredRuns(
	env: Env,
	now: number,
	budget: PurgeBudget = PURGE_BUDGET,
): Promise<PurgeReport> {
	const db = database(env.DB);
	const report: PurgeReport = { purged: 0, skipped: 0, tenants: 0, wrapped: false };
	let position = await jobPosition(db, JOB);
	while (report.tenants < budget.tenants && report.purged + report.skipped < budget.runs) {
		const tenant = await nextTenantWithRuns(db, position);
		if (!tenant) {
			report.wrapped = true;
			position = null;
			break;
		}
		report.tenants++;
		const days = tenant.retentionDays ?? DEFAULT_RUN_RETENTION_DAYS;
		const finished = await purgeTenant(env, tenant.tenantId, now - days * DAY_MS, budget, report);
		// Unfinished: the budget ran out inside this tenant, so the next tick starts with it again.
		if (!finished) break;
		position = tenant.tenantId;
	}
	await saveJobPosition(db, JOB, position, now);
	return report;
}

/** Purges the tenant's expired runs within the budget left; true when none is left to try. */
async function purgeTenant(
	env: Env,
	tenantId: string,
	endedBefore: number,
	budget: PurgeBudget,
	report: PurgeReport,
): Promise<boolean> {
	const db = database(env.DB);
	// Runs skipped this tick are read again by the next query; skip past them by count.
	let skippedHere = 0;
	for (;;) {
		const left = budget.runs - report.purged - report.skipped;
		if (left <= 0) return false;
		const batch = await expiredRuns(
			db,
			tenantId,
			endedBefore,
			Math.min(budget.batch, left) + skippedHere,
		);
		const todo = batch.slice(skippedHere);
		if (todo.length === 0) return true;
		const gone: RunKey[] = [];
		for (let i = 0; i < todo.length; i += budget.parallel) {
			const group = todo.slice(i, i + budget.parallel);
			const answers = await Promise.allSettled(
				group.map((run) => runObject(env, tenantId, run.id).purge()),
			);
			answers.forEach((answer, j) => {
				const run = group[j] as RunKey;
				if (answer.status === "fulfilled" && answer.value.kind !== "not_ended") gone.push(run);
				else {
					if (answer.status === "rejected")
						console.error("run purge failed; tried again next tick", run.id, String(answer.reason));
					skippedHere++;
					report.skipped++;
				}
			});
		}
		await deleteRunRows(db, tenantId, gone);
		report.purged += gone.length;
		if (todo.length < Math.min(budget.batch, left)) return true;
	}
}

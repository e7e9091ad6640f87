import { runObject } from "../durable-objects";

/** A run is stuck when its index says it should have woken this long ago. */
export const STUCK_AFTER_MS = 2 * 60_000;
const BATCH = 100;

/**
 * `SWEEPER_STUCK_AFTER_MS` (optional var) overrides the threshold: the crash test
 * (test/faults) lowers it so lost alarms are recovered in seconds, not minutes. Not in the
 * generated Env type on purpose: production never sets it.
 */
export function stuckAfterMs(env: Env): number {
	const raw = (env as { SWEEPER_STUCK_AFTER_MS?: string }).SWEEPER_STUCK_AFTER_MS;
	const ms = raw === undefined ? Number.NaN : Number(raw);
	return Number.isFinite(ms) && ms >= 0 ? ms : STUCK_AFTER_MS;
}

/**
 * Unfinished runs past their wake-up time, across tenants, most overdue first. The condition
 * repeats the partial index's own (`status <> 'COMPLETED'`, as a literal) so SQLite may read
 * runs_unfinished_due: finished runs, the vast majority, are not in it.
 */
export const DUE_RUNS_SQL =
	"SELECT id, tenant_id FROM runs WHERE status <> 'COMPLETED' AND wake_at < ? ORDER BY wake_at LIMIT ?";

/**
 * The cron sweeper (docs/ARCHITECTURE.md#d1-is-an-index). D1 is only an index, so this cannot repair a run; it
 * pokes the run's object, which acts on whatever is due and rewrites its index entry.
 * Poking a healthy run is harmless: its alarm logic is idempotent.
 */
export async function sweepStuckRuns(env: Env, now: number): Promise<number> {
	const { results } = await env.DB.prepare(DUE_RUNS_SQL)
		.bind(now - stuckAfterMs(env), BATCH)
		.all<{ id: string; tenant_id: string }>();
	await Promise.allSettled(results.map((row) => runObject(env, row.tenant_id, row.id).poke()));
	return results.length;
}

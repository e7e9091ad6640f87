import { runObject } from "../durable-objects";
import { findDueRuns } from "./db/runs.repo";

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
 * The cron sweeper (docs/ARCHITECTURE.md#d1-is-an-index). D1 is only an index, so this cannot
 * repair a run; it pokes the run's object, which acts on whatever is due and rewrites its index
 * entry. Poking a healthy run is harmless: the poke acts only on what is due.
 */
export async function sweepStuckRuns(env: Env, now: number): Promise<number> {
	const due = await findDueRuns(env.DB, now - stuckAfterMs(env), BATCH);
	await Promise.allSettled(
		due.map((run) => runObject(env, run.tenantId, run.id).signal({ kind: "poke" })),
	);
	return due.length;
}

import { type ScheduleRef, scheduleObject } from "../../durable-objects/schedule";
import type { WorkflowDefinition } from "../../engine/definition";
import { database } from "../db/client";
import { overdueSchedules } from "../db/triggers.repo";

/** The SCHEDULE_TRIGGER nodes of a definition. */
export const scheduleNodes = (definition: WorkflowDefinition | undefined): string[] =>
	(definition?.nodes ?? [])
		.filter((n) => n.config.type === "SCHEDULE_TRIGGER")
		.map((n) => n.identifier);

/**
 * Tells each schedule's object that its trigger row changed (a new version, a pause or resume,
 * a delete), so it reschedules or stops now. A failed call loses nothing: the row already says
 * what is wanted, and the sweeper pokes every schedule whose tick is overdue (worker/sweeper.ts).
 */
export async function reconcileSchedules(
	env: Env,
	tenantId: string,
	workflowId: string,
	nodes: Iterable<string>,
): Promise<void> {
	const calls = [...new Set(nodes)].map((node) =>
		scheduleObject(env, { tenantId, workflowId, node }).reconcile({ tenantId, workflowId, node }),
	);
	const results = await Promise.allSettled(calls);
	for (const result of results) {
		if (result.status === "rejected")
			console.error(
				JSON.stringify({
					level: "warn",
					message: "schedule reconcile failed",
					error: String(result.reason),
				}),
			);
	}
}

/** The last fires of a schedule (empty until it first acts). */
export async function lastFires(env: Env, ref: ScheduleRef) {
	return (await scheduleObject(env, ref).view())?.lastFires ?? [];
}

/**
 * The minute sweeper's part for schedules: every schedule whose next tick is overdue by more
 * than `lateByMs` (its alarm was lost, or a reconcile after a save never arrived) is told to act
 * now. Acting again is harmless: a schedule only starts ticks that are due, once each.
 */
export async function sweepOverdueSchedules(env: Env, now: number, lateByMs: number) {
	const due = await overdueSchedules(database(env.DB), now - lateByMs, 100);
	await Promise.allSettled(due.map((ref) => scheduleObject(env, ref).reconcile(ref)));
	return due.length;
}

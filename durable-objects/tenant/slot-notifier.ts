import { runObjectName } from "../index";

/**
 * The one RunObject method the TenantObject calls. Declared narrowly here so admission does not
 * depend on the rest of RunObject's surface. `slotGranted` must be safe to call more than once
 * and on a run that has since finished: delivery is at-least-once (a lost answer is retried).
 */
export interface SlotGrantedTarget {
	slotGranted(): Promise<SlotGrantedAnswer>;
}

/**
 * What a run answers a grant: it takes it (or gives it back itself), or there is no such run
 * (its creation never finished: the object died before storing it), so the tenant frees the slot.
 */
export type SlotGrantedAnswer = { kind: "accepted" } | { kind: "no_such_run" };

/** Tells a run that its queued request for a slot was granted. Throws when the call failed. */
export type SlotNotifier = (tenantId: string, runId: string) => Promise<SlotGrantedAnswer>;

export function runObjectNotifier(env: Env): SlotNotifier {
	return async (tenantId, runId) => {
		const id = env.RUN_OBJECT.idFromName(runObjectName(tenantId, runId));
		const run = env.RUN_OBJECT.get(id) as unknown as SlotGrantedTarget;
		return run.slotGranted();
	};
}

import { runObjectName } from "../index";

/**
 * The one RunObject method the TenantObject calls. Declared narrowly here so admission does not
 * depend on the rest of RunObject's surface. `slotGranted` must be safe to call more than once
 * and on a run that has since finished: delivery is at-least-once (a lost answer is retried).
 */
export interface SlotGrantedTarget {
	slotGranted(): Promise<void>;
}

/** Tells a run that its queued request for a slot was granted. Throws when the call failed. */
export type SlotNotifier = (tenantId: string, runId: string) => Promise<void>;

export function runObjectNotifier(env: Env): SlotNotifier {
	return async (tenantId, runId) => {
		const id = env.RUN_OBJECT.idFromName(runObjectName(tenantId, runId));
		const run = env.RUN_OBJECT.get(id) as unknown as SlotGrantedTarget;
		await run.slotGranted();
	};
}

import type { SignalAnswer } from "../../engine/control";
import { runObject } from "../stubs";

/**
 * Tells a run that the slot it waited for is its own now (the run's `slot_granted` signal).
 * Delivery is at-least-once (a lost answer is retried), so the signal is safe to repeat and a
 * no-op for a run that finished or no longer waits. Throws when the call failed.
 */
export type SlotNotifier = (tenantId: string, runId: string) => Promise<SignalAnswer>;

export const runObjectNotifier =
	(env: Pick<Env, "RUN_OBJECT">): SlotNotifier =>
	(tenantId, runId) =>
		runObject(env, tenantId, runId).signal({ kind: "slot_granted" });

import { notificationRetryDelay } from "./admission";
import type { SlotNotifier } from "./slot-notifier";
import { release } from "./slots";
import type { TenantStore } from "./tenant-store";

/**
 * A call still unanswered after this counts as failed and is retried later, so one stuck run
 * object cannot hold up the round (and with it every later grant's notification).
 */
const NOTIFY_TIMEOUT_MS = 10_000;

function withTimeout<T>(call: Promise<T>, ms: number): Promise<T> {
	let timer: ReturnType<typeof setTimeout> | undefined;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
	});
	return Promise.race([call, timeout]).finally(() => clearTimeout(timer));
}

/**
 * One delivery round: signals slot_granted for every notification never tried or due for a retry
 * (and every holder's check that is due: the same call, see CHECK_HOLDER_AFTER_MS in slots.ts),
 * all at once (in grant order), and again for grants made while it ran, each grant once. A
 * success clears only the grant it delivered (by its seq), so a newer grant of the same run is
 * still told; a failure postpones it, and the object's alarm tries again when it is due.
 */
export async function deliverGrants(
	store: TenantStore,
	tenantId: string,
	notifier: SlotNotifier,
): Promise<void> {
	// A grant's seq is never reused while the object lives, so it names one notification.
	const tried = new Set<number>();
	for (;;) {
		const now = Date.now();
		const batch = store
			.notifications()
			.filter((n) => !tried.has(n.grantSeq) && ((n.attempts === 0 && !n.check) || n.dueAt <= now));
		if (batch.length === 0) return;
		await Promise.all(
			batch.map(async (n) => {
				tried.add(n.grantSeq);
				try {
					const answer = await withTimeout(notifier(tenantId, n.runId), NOTIFY_TIMEOUT_MS);
					switch (answer.kind) {
						case "accepted":
							store.clearNotification(n.runId, n.grantSeq);
							break;
						case "no_such_run":
							// Nobody will ever give this slot back: free it (its notification goes with
							// it) and hand it on; this round tells whoever it is granted to.
							release(store, n.runId, Date.now());
							break;
						case "cancelled":
						case "already_finished":
						case "repeat":
						case "refused":
							throw new Error(`slot_granted answered as another signal: ${answer.kind}`);
						default: {
							const unknown: never = answer;
							throw new Error(`unknown slot_granted answer ${JSON.stringify(unknown)}`);
						}
					}
				} catch (err) {
					console.error(
						"slot_granted signal failed; retrying from the alarm",
						n.runId,
						String(err),
					);
					const attempts = n.attempts + 1;
					store.postponeNotification(n, attempts, Date.now() + notificationRetryDelay(attempts));
				}
			}),
		);
	}
}

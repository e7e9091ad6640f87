import type { RunMeta, SendAnswer, Sending } from "../../engine/control";
import { startChildRun } from "../../worker/runs/child-run";
import { startErrorRun } from "../../worker/runs/error-run";

/**
 * Carries out one outbox message (docs/ARCHITECTURE.md#the-outbox) and answers what came of it.
 * Each kind's receiver makes a repeat harmless: the outbox sends until an answer is in.
 */
export async function sendMessage(env: Env, meta: RunMeta, sending: Sending): Promise<SendAnswer> {
	const { message } = sending;
	switch (message.kind) {
		case "start_error_workflow":
			return startErrorRun(env, meta.tenantId, message);
		case "start_child":
			return startChildRun(env, meta, message.child);
		default: {
			const unknown: never = message;
			throw new Error(`unknown outbox message ${JSON.stringify(unknown)}`);
		}
	}
}

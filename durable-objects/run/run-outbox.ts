import type { RunMeta, SendAnswer, Sending } from "../../engine/control";
import { startChildRun } from "../../worker/runs/child-run";
import { startErrorRun } from "../../worker/runs/error-run";
import { runObject } from "../stubs";
import { sendNotification } from "./run-notify";

/**
 * Carries out one outbox message (docs/ARCHITECTURE.md#the-outbox) and answers what came of it.
 * Each kind's receiver makes a repeat harmless: the outbox sends until an answer is in.
 */
export async function sendMessage(
	env: Env,
	meta: RunMeta,
	sending: Sending,
	now: number,
): Promise<SendAnswer> {
	const { message } = sending;
	switch (message.kind) {
		case "start_error_workflow":
			return startErrorRun(env, meta.tenantId, message);
		case "start_child":
			return startChildRun(env, meta, message.child);
		case "tell_parent":
			// accepted, repeat (heard already), or the parent ended or is gone: all final.
			await runObject(env, meta.tenantId, message.parentRunId).signal({
				kind: "child_ended",
				...message.ended,
			});
			return { kind: "delivered" };
		case "cancel_child":
			// cancelled, or it had ended already: either way it runs no more.
			await runObject(env, meta.tenantId, message.runId).signal({
				kind: "cancel",
				by: `run:${meta.runId}`,
				reason: message.reason,
			});
			return { kind: "delivered" };
		case "notify":
			// A repeat carries the same webhook-id: the endpoint drops it.
			return sendNotification(env, meta, message, now);
		default: {
			const unknown: never = message;
			throw new Error(`unknown outbox message ${JSON.stringify(unknown)}`);
		}
	}
}

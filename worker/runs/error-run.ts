import { runObject, tenantObject } from "../../durable-objects/stubs";
import type { SendAnswer, StartErrorWorkflow } from "../../engine/control";
import { ApiError } from "../errors/api-error";
import { sha256Hex } from "../lib/canonical-json";
import { checkInputs, findTarget, pickTrigger, pinnedSettings } from "./start-run";

/**
 * Starts a failed run's error workflow (docs/ARCHITECTURE.md#error-workflows), on behalf of the
 * failed run's outbox: its definition's `errorWorkflow`, else the tenant's default, at its latest
 * version, through its first self-serve trigger, with `{ failedRun }` checked against that
 * trigger's inputs like any start. The run runs as the failed run's initiator; Stepline starts it,
 * so it needs no one's execute permission.
 *
 * Safe to repeat: the error run's id is derived from the failed run's, and starting a run object
 * that exists answers it as it stands, so a message sent twice starts one run. A refusal (the
 * workflow is gone, or refuses the input) is an answer, not a failure: sending again would not
 * change it. Anything else throws, and the outbox sends again later.
 */
export async function startErrorRun(
	env: Env,
	tenantId: string,
	message: StartErrorWorkflow,
): Promise<SendAnswer> {
	const { failedRun } = message;
	const workflow =
		message.errorWorkflow ??
		(await tenantObject(env, tenantId).getSettings(tenantId)).errorWorkflow;
	if (workflow === null) return { kind: "no_error_workflow" };
	const runId = `run_${(await sha256Hex(`${tenantId}\nerror-workflow\n${failedRun.id}`)).slice(0, 32)}`;
	try {
		const target = await findTarget(env, tenantId, workflow, null);
		const trigger = pickTrigger(target.definition, undefined, "");
		const inputs = checkInputs(env, tenantId, target, trigger, {
			inputs: { failedRun },
			at: "/inputs",
		});
		await runObject(env, tenantId, runId).startSummary({
			runId,
			tenantId,
			workflow: target.workflow,
			definition: target.definition,
			...pinnedSettings(target),
			initiator: failedRun.initiator,
			requestedBy: failedRun.initiator,
			inputs,
			trigger: trigger.identifier,
			origin: { type: "SELF_SERVE_TRIGGER", node: trigger.identifier },
			scope: { type: "GLOBAL" },
			notificationRecipients: [],
			retryOf: null,
			errorOf: { runId: failedRun.id, workflow: failedRun.workflow },
		});
	} catch (err) {
		if (!(err instanceof ApiError)) throw err;
		const fields = (err.errors ?? []).map((e) => `${e.pointer}: ${e.message}`).join("; ");
		return {
			kind: "error_run_refused",
			workflow,
			reason: fields ? `${err.message} ${fields}` : err.message,
		};
	}
	return { kind: "error_run_started", runId, workflow };
}

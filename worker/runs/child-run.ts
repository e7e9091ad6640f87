import { runObject, tenantObject } from "../../durable-objects/stubs";
import type { RunMeta, SendAnswer } from "../../engine/control";
import type { ChildAnswer, StartChildEffect } from "../../engine/run";
import { ApiError } from "../errors/api-error";
import { sha256Hex } from "../lib/canonical-json";
import {
	assertMayExecute,
	checkInputs,
	findTarget,
	pickTrigger,
	pinnedSettings,
} from "./start-run";

/**
 * Starts the child run a RUN_WORKFLOW attempt asks for (docs/ARCHITECTURE.md#child-runs), on
 * behalf of the parent's outbox, through the start path's own checks: the child workflow's
 * version (latest unless pinned), its first self-serve trigger, which the parent's initiator must
 * be allowed to execute (with the role the parent was started with), and its `userInputs`. The
 * child runs as the parent's initiator, one level deeper than the parent, at most the tenant's
 * `maxRunDepth`.
 *
 * Safe to repeat: the child's id is derived from (parent run, node, item, attempt), and starting
 * a run object that exists answers it as it stands, so an attempt asked twice has one child. A
 * refusal is an answer (asking again would not change it); anything else throws, and the outbox
 * sends again later.
 */
export async function startChildRun(
	env: Env,
	parent: RunMeta,
	child: StartChildEffect,
): Promise<SendAnswer> {
	const answer = (a: ChildAnswer): SendAnswer => ({ kind: "child", answer: a });
	const refused = (
		code: "max_depth_exceeded" | "child_inputs_invalid" | "child_not_started",
		message: string,
	) => answer({ kind: "refused", error: { code, message } });
	const { tenantId } = parent;
	const depth = (parent.parent?.depth ?? 0) + 1;
	const { maxRunDepth } = await tenantObject(env, tenantId).getSettings(tenantId);
	if (depth > maxRunDepth) {
		return refused(
			"max_depth_exceeded",
			`a run of ${child.workflow} here would nest ${depth} runs deep; the tenant allows ${maxRunDepth} (maxRunDepth)`,
		);
	}
	const runId = await childRunId(tenantId, parent.runId, child);
	try {
		const target = await findTarget(env, tenantId, child.workflow, child.version);
		const trigger = pickTrigger(target.definition, undefined, "");
		assertMayExecute(
			{ subject: parent.initiator, role: parent.initiatorRole ?? "member" },
			trigger,
		);
		const inputs = checkInputs(env, tenantId, target, trigger, { inputs: child.inputs, at: "" });
		await runObject(env, tenantId, runId).startSummary({
			runId,
			tenantId,
			workflow: target.workflow,
			definition: target.definition,
			...pinnedSettings(target),
			initiator: parent.initiator,
			requestedBy: parent.requestedBy,
			...(parent.initiatorRole ? { initiatorRole: parent.initiatorRole } : {}),
			inputs,
			trigger: trigger.identifier,
			origin: { type: "SELF_SERVE_TRIGGER", node: trigger.identifier },
			scope: parent.scope,
			notificationRecipients: [],
			retryOf: null,
			parent: {
				runId: parent.runId,
				node: child.node,
				item: child.item,
				attempt: child.attempt,
				depth,
				wait: child.wait,
			},
		});
	} catch (err) {
		if (!(err instanceof ApiError)) throw err;
		const fields = (err.errors ?? []).map((e) => `${e.pointer || "/"}: ${e.message}`);
		if (err.code === "validation_failed" && fields.length > 0)
			return refused(
				"child_inputs_invalid",
				`${child.workflow} refused the inputs: ${fields.join("; ")}`,
			);
		return refused("child_not_started", `${child.workflow} could not start: ${err.message}`);
	}
	return answer({ kind: "started", runId });
}

/** One child per (parent run, node, item, attempt), whoever asks and however often. */
async function childRunId(
	tenantId: string,
	parentRunId: string,
	child: Pick<StartChildEffect, "node" | "item" | "attempt">,
): Promise<string> {
	const seed = [tenantId, "child", parentRunId, child.node, child.item ?? "", child.attempt];
	return `run_${(await sha256Hex(seed.join("\n"))).slice(0, 32)}`;
}

import type { z } from "@hono/zod-openapi";
import { newRunId, type RunView, runObject } from "../../../durable-objects";
import type { WorkflowDefinition, WorkflowNode } from "../../../engine/definition";
import type { Principal } from "../../auth/principal";
import { database } from "../../db/client";
import * as workflowsRepo from "../../db/workflows.repo";
import { ApiError, notFound, validationFailed } from "../../errors/api-error";
import { validateRunInputs } from "../../runs/inputs";
import type { StartRunBody } from "./runs.schemas";

export interface StartRequest {
	identifier: string;
	body: z.infer<typeof StartRunBody>;
	retryOf?: string;
}

/** Everything before a run exists is checked here; any failure is a 4xx and no run is created. */
export async function startRun(
	env: Env,
	principal: Principal,
	request: StartRequest,
): Promise<RunView> {
	const { identifier, body } = request;
	if (body.runAs !== undefined && principal.role !== "admin") {
		throw new ApiError("forbidden", "Only admins may start a run as another user (runAs).");
	}
	const db = database(env.DB);
	const target = await workflowsRepo.findStartTarget(
		db,
		principal.tenantId,
		identifier,
		body.version ?? null,
	);
	if (!target) {
		const exists =
			body.version !== undefined &&
			(await workflowsRepo.findLiveWorkflow(db, principal.tenantId, identifier));
		throw notFound(
			exists ? `Version ${body.version} of workflow "${identifier}"` : `Workflow "${identifier}"`,
		);
	}
	const workflow = target;
	const versionNumber = target.version;
	const definition = target.definition as unknown as WorkflowDefinition;

	const trigger = pickTrigger(definition, body.triggerIdentifier);
	assertMayExecute(principal, trigger);
	const field = body.initialContext !== undefined ? "initialContext" : "inputs";
	const checked = validateRunInputs(
		(trigger.config as { userInputs?: Record<string, unknown> }).userInputs,
		body.inputs ?? body.initialContext ?? {},
	);
	if (!checked.ok) {
		throw validationFailed(
			checked.errors.map((e) => ({
				in: "body" as const,
				pointer: `/${field}${e.pointer}`,
				message: e.message,
			})),
		);
	}

	const runId = newRunId();
	return runObject(env, principal.tenantId, runId).start({
		runId,
		tenantId: principal.tenantId,
		workflow: { id: workflow.id, identifier, title: workflow.title, version: versionNumber },
		definition: definition as unknown as Record<string, unknown>,
		initiator: body.runAs ?? principal.subject,
		requestedBy: principal.subject,
		inputs: checked.inputs,
		trigger: trigger.identifier,
		scope: body.scope ?? { type: "GLOBAL" },
		notificationRecipients: body.notificationRecipients ?? [],
		retryOf: request.retryOf ?? null,
	});
}

/** The API starts self-serve triggers; the default is the first one. */
function pickTrigger(definition: WorkflowDefinition, wanted: string | undefined): WorkflowNode {
	const selfServe = definition.nodes.filter((n) => n.config.type === "SELF_SERVE_TRIGGER");
	if (wanted === undefined) {
		const first = selfServe[0];
		if (first) return first;
		throw validationFailed([
			{
				in: "body",
				pointer: "",
				message: "This workflow has no SELF_SERVE_TRIGGER, so it cannot be started from the API.",
			},
		]);
	}
	const found = selfServe.find((n) => n.identifier === wanted);
	if (found) return found;
	throw validationFailed([
		{
			in: "body",
			pointer: "/triggerIdentifier",
			message: `No SELF_SERVE_TRIGGER node "${wanted}" in this version; self-serve triggers: ${selfServe.map((n) => n.identifier).join(", ") || "none"}.`,
		},
	]);
}

/** A trigger's permission policy names roles and users; without one, members and admins may execute. */
function assertMayExecute(principal: Principal, trigger: WorkflowNode): void {
	const policy = (trigger.config as { permissions?: { roles?: string[]; users?: string[] } })
		.permissions;
	const allowed = policy
		? (policy.roles ?? []).includes(principal.role) ||
			(policy.users ?? []).includes(principal.subject)
		: principal.role !== "viewer";
	if (!allowed && principal.role !== "admin") {
		throw new ApiError(
			"forbidden",
			`You may not execute this workflow's trigger "${trigger.identifier}".`,
		);
	}
}

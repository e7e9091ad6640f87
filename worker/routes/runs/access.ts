import type { RunView } from "../../../durable-objects";
import { runObject } from "../../../durable-objects";
import { hasRole, type Principal } from "../../auth/principal";
import { ApiError, notFound } from "../../errors/api-error";

/**
 * Who may see a run (docs/ARCHITECTURE.md#tenancy-and-permissions): its initiator (or the admin who ran it as someone), a tenant
 * admin, or anyone in the tenant when the run's workflow version sets allowAnyoneToViewRuns.
 * Everyone else is told the run does not exist, exactly as for another tenant's run.
 */
export function canView(
	principal: Principal,
	run: Pick<RunView, "initiator" | "requestedBy" | "workflow">,
): boolean {
	return (
		principal.role === "admin" ||
		run.initiator === principal.subject ||
		run.requestedBy === principal.subject ||
		run.workflow.allowAnyoneToViewRuns
	);
}

/** Acting on a run (cancel, retry) needs to see it and to be a member or admin. */
export const canAct = (principal: Principal, run: Parameters<typeof canView>[1]) =>
	canView(principal, run) && hasRole(principal.role, "member");

const missing = (runId: string) => notFound(`Run "${runId}"`);

/** Reads a run from its object and applies the visibility rule; 404 for anything not visible. */
export async function visibleRun(
	env: Env,
	principal: Principal,
	runId: string,
	workflow?: string,
): Promise<RunView> {
	const run = await runObject(env, principal.tenantId, runId).getRun();
	if (!run || !canView(principal, run)) throw missing(runId);
	if (workflow !== undefined && run.workflow.identifier !== workflow) throw missing(runId);
	return run;
}

export function assertCanAct(principal: Principal, run: RunView, action: string): void {
	if (!hasRole(principal.role, "member")) {
		throw new ApiError(
			"forbidden",
			`Your role (${principal.role}) may not ${action}; it needs member or above.`,
		);
	}
	if (!canAct(principal, run)) throw missing(run.id);
}

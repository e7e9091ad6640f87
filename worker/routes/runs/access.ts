import type { RunHead, RunView } from "../../../durable-objects";
import { runObject } from "../../../durable-objects";
import { hasRole, type Principal } from "../../auth/principal";
import { database } from "../../db/client";
import { sharesRuns } from "../../db/workflows.repo";
import { ApiError, notFound } from "../../errors/api-error";

type Viewed = Pick<RunView, "initiator" | "requestedBy" | "workflow">;

/**
 * Who may see a run (docs/ARCHITECTURE.md#tenancy-and-permissions): its initiator (or the
 * admin who ran it as someone), a tenant admin, or anyone in the tenant when its workflow, as it
 * is now, sets allowAnyoneToViewRuns. That is an access rule, not part of the pinned
 * definition: it is read from the workflow's latest version (sharesRuns), so changing it applies
 * to old runs too, and a deleted workflow's runs are left to their initiators and admins.
 * Listings apply the same rule in SQL (runs.repo.ts rowChecks).
 * Everyone else is told the run does not exist, exactly as for another tenant's run.
 */
export async function canView(env: Env, principal: Principal, run: Viewed): Promise<boolean> {
	if (
		principal.role === "admin" ||
		run.initiator === principal.subject ||
		run.requestedBy === principal.subject
	)
		return true;
	return sharesRuns(database(env.DB), principal.tenantId, run.workflow.id);
}

const missing = (runId: string) => notFound(`Run "${runId}"`);

/** Reads a run from its object and applies the visibility rule; 404 for anything not visible. */
export async function visibleRun(
	env: Env,
	principal: Principal,
	runId: string,
	workflow?: string,
): Promise<RunView> {
	const run = await runObject(env, principal.tenantId, runId).getRun();
	if (!run || !(await canView(env, principal, run))) throw missing(runId);
	if (workflow !== undefined && run.workflow.identifier !== workflow) throw missing(runId);
	return run;
}

/**
 * The same rule, from the run's head only: for the reads and actions that do not answer the
 * whole run (its events, its stream, its item and attempt pages), whatever the run's size.
 */
export async function visibleRunHead(
	env: Env,
	principal: Principal,
	runId: string,
): Promise<RunHead> {
	const run = await runObject(env, principal.tenantId, runId).getHead();
	if (!run || !(await canView(env, principal, run))) throw missing(runId);
	return run;
}

/** Acting on a run (cancel, retry) needs to see it (visibleRun) and to be a member or admin. */
export function assertCanAct(principal: Principal, action: string): void {
	if (!hasRole(principal.role, "member")) {
		throw new ApiError(
			"forbidden",
			`Your role (${principal.role}) may not ${action}; it needs member or above.`,
		);
	}
}

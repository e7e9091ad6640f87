import type { z } from "@hono/zod-openapi";
import { runObject } from "../../../durable-objects";
import type { Principal } from "../../auth/principal";
import { database } from "../../db/client";
import type { RunFilter } from "../../db/runs.repo";
import { workflowsForRunListing } from "../../db/workflows.repo";
import type { RunFilters } from "./run-list.schemas";

const RUN_ID = /^run_[0-9a-f]{32}$/;

/**
 * The runs listing's and bulk cancel's filters as the repository takes them: Cortex's names
 * folded into ours, the caller's visibility, and a run id pasted into `search` resolved to that
 * run. Null when nothing can match (the pasted id names no run of this tenant).
 *
 * A pasted id is looked up in its own object for the time it was requested, so the listing
 * seeks straight to its index row instead of scanning the tenant's runs for the id; every other
 * filter, visibility included, still applies to it.
 */
export async function runFilterFor(
	env: Env,
	principal: Principal,
	query: z.infer<typeof RunFilters>,
): Promise<RunFilter | null> {
	const { workflowIds, searchQuery, ...filters } = query;
	const workflowIdentifiers = filters.workflowIdentifiers ?? workflowIds;
	const search = filters.search ?? searchQuery;
	const visibleTo = principal.role === "admin" ? null : principal.subject;
	const runId = search !== undefined && RUN_ID.test(search) ? search : undefined;
	const textSearch = runId === undefined ? search : undefined;
	const [run, workflows] = await Promise.all([
		runId === undefined ? undefined : runObject(env, principal.tenantId, runId).getHead(),
		workflowsForRunListing(database(env.DB), principal.tenantId, {
			sharing: visibleTo !== null,
			search: textSearch,
		}),
	]);
	if (run === null) return null;
	return {
		...filters,
		workflowIdentifiers,
		search: textSearch,
		describedWorkflowIds: workflows.described,
		run: run && { id: run.id, createdAt: Date.parse(run.createdAt) },
		visibleTo,
		sharedWorkflowIds: workflows.sharing,
	};
}

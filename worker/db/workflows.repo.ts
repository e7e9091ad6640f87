import { and, asc, desc, eq, gt, isNull, lt, or, sql } from "drizzle-orm";
import { ApiError } from "../errors/api-error";
import { type Database, isUniqueViolation } from "./client";
import {
	tenants,
	type WorkflowRow,
	type WorkflowVersionRow,
	workflows,
	workflowVersions,
} from "./schema";
import type { TriggerStatement } from "./triggers.repo";

/** What a definition write carries besides the definition itself. */
export interface VersionInput {
	/** Statements for the same batch (the trigger rows of this version), given the workflow. */
	alongside?: (workflow: { id: string; identifier: string }) => TriggerStatement[];
	definition: Record<string, unknown> & {
		title?: string;
		description?: string;
		allowAnyoneToViewRuns?: boolean;
		runnableViaApi?: boolean;
	};
	contentHash: string;
	actor: string;
	now: number;
}

const liveWorkflow = (tenantId: string, identifier: string) =>
	and(
		eq(workflows.tenantId, tenantId),
		eq(workflows.identifier, identifier),
		isNull(workflows.deletedAt),
	);

export async function findLiveWorkflow(db: Database, tenantId: string, identifier: string) {
	return db.select().from(workflows).where(liveWorkflow(tenantId, identifier)).get();
}

export async function getVersion(
	db: Database,
	tenantId: string,
	workflowId: string,
	version: number,
) {
	return db
		.select()
		.from(workflowVersions)
		.where(
			and(
				eq(workflowVersions.tenantId, tenantId),
				eq(workflowVersions.workflowId, workflowId),
				eq(workflowVersions.version, version),
			),
		)
		.get();
}

const startTargets = new WeakMap<Database, ReturnType<typeof prepareStartTarget>>();

function prepareStartTarget(db: Database) {
	return db
		.select({
			id: workflows.id,
			title: workflows.title,
			runnableViaApi: workflows.runnableViaApi,
			version: workflowVersions.version,
			definition: workflowVersions.definition,
			// The tenant's default signing secret rides along: no second round trip per start.
			signingSecret: sql<
				string | null
			>`(SELECT json_extract(${tenants.settings}, '$.defaultSigningSecret') FROM ${tenants} WHERE ${tenants.id} = ${workflows.tenantId})`,
			// The tenant's notification endpoints too: runs pin them (docs/ARCHITECTURE.md#notifications).
			notifications: sql<
				string | null
			>`(SELECT json_extract(${tenants.settings}, '$.notifications') FROM ${tenants} WHERE ${tenants.id} = ${workflows.tenantId})`,
		})
		.from(workflows)
		.innerJoin(
			workflowVersions,
			and(
				eq(workflowVersions.workflowId, workflows.id),
				eq(
					workflowVersions.version,
					sql`coalesce(${sql.placeholder("version")}, ${workflows.latestVersion})`,
				),
			),
		)
		.where(
			and(
				eq(workflows.tenantId, sql.placeholder("tenantId")),
				eq(workflows.identifier, sql.placeholder("identifier")),
				isNull(workflows.deletedAt),
			),
		)
		.prepare();
}

/**
 * What starting a run needs: the live workflow and one version's definition (the latest when
 * `version` is null), in one D1 round trip with a query prepared once per isolate. Null when
 * the workflow is missing or deleted, or has no such version.
 */
export async function findStartTarget(
	db: Database,
	tenantId: string,
	identifier: string,
	version: number | null,
) {
	let query = startTargets.get(db);
	if (!query) {
		query = prepareStartTarget(db);
		startTargets.set(db, query);
	}
	return (await query.get({ tenantId, identifier, version })) ?? null;
}

/**
 * Which workflows the tenant's live workflows start as children, by identifier: the
 * RUN_WORKFLOW targets of each one's latest version, found inside the stored JSON in one query,
 * so a save's loop check (engine/definition `callCycleIssue`) reads the call edges and never a
 * whole definition. `except` (the workflow being saved) is left out: its new version replaces
 * what it called.
 */
export async function latestWorkflowCalls(
	db: Database,
	tenantId: string,
	except: string,
): Promise<Map<string, string[]>> {
	const rows = await db.all<{ caller: string; target: string }>(sql`
		SELECT ${workflows.identifier} AS caller,
			json_extract(node.value, '$.config.workflowIdentifier') AS target
		FROM ${workflows}
		JOIN ${workflowVersions}
			ON ${workflowVersions.workflowId} = ${workflows.id}
			AND ${workflowVersions.version} = ${workflows.latestVersion}
		, json_each(${workflowVersions.definition}, '$.nodes') AS node
		WHERE ${workflows.tenantId} = ${tenantId}
			AND ${workflowVersions.tenantId} = ${tenantId}
			AND ${workflows.deletedAt} IS NULL
			AND ${workflows.identifier} <> ${except}
			AND json_extract(node.value, '$.config.type') = 'RUN_WORKFLOW'`);
	const calls = new Map<string, string[]>();
	for (const { caller, target } of rows) calls.set(caller, [...(calls.get(caller) ?? []), target]);
	return calls;
}

/** LIKE wildcards in user text are matched literally. */
export const likeContains = (text: string) => `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;

/**
 * Whether everyone in the tenant may see this workflow's runs: the workflow as it is now (its
 * row mirrors the latest version), so changing the setting applies to runs already made; a
 * deleted workflow shares nothing. See docs/ARCHITECTURE.md#tenancy-and-permissions.
 */
export async function sharesRuns(
	db: Database,
	tenantId: string,
	workflowId: string,
): Promise<boolean> {
	const row = await db
		.select({ shared: workflows.allowAnyoneToViewRuns })
		.from(workflows)
		.where(
			and(
				eq(workflows.tenantId, tenantId),
				eq(workflows.id, workflowId),
				isNull(workflows.deletedAt),
			),
		)
		.get();
	return row?.shared === true;
}

/**
 * What a runs listing reads from the tenant's live workflows, in one query: which share their
 * runs with everyone (for a caller who is not an admin) and which a search finds by their
 * current title or description. A deleted workflow is in neither: its runs are left to their
 * initiators and admins, and found by the identifier and title they ran under.
 */
export async function workflowsForRunListing(
	db: Database,
	tenantId: string,
	wanted: { sharing: boolean; search?: string },
): Promise<{ sharing: string[]; described: string[] }> {
	if (!wanted.sharing && wanted.search === undefined) return { sharing: [], described: [] };
	const pattern = wanted.search === undefined ? undefined : likeContains(wanted.search);
	const described = pattern
		? sql<number>`(${workflows.title} LIKE ${pattern} ESCAPE '\\' OR coalesce(${workflows.description}, '') LIKE ${pattern} ESCAPE '\\')`
		: sql<number>`0`;
	const rows = await db
		.select({ id: workflows.id, shared: workflows.allowAnyoneToViewRuns, described })
		.from(workflows)
		.where(
			and(
				eq(workflows.tenantId, tenantId),
				isNull(workflows.deletedAt),
				or(
					wanted.sharing ? eq(workflows.allowAnyoneToViewRuns, true) : undefined,
					pattern ? described : undefined,
				),
			),
		)
		.all();
	return {
		sharing: wanted.sharing ? rows.filter((r) => r.shared).map((r) => r.id) : [],
		described: rows.filter((r) => Number(r.described) === 1).map((r) => r.id),
	};
}

export async function listWorkflows(
	db: Database,
	tenantId: string,
	page: { limit: number; afterIdentifier?: string; search?: string },
): Promise<WorkflowRow[]> {
	const pattern = page.search ? likeContains(page.search) : undefined;
	return db
		.select()
		.from(workflows)
		.where(
			and(
				eq(workflows.tenantId, tenantId),
				isNull(workflows.deletedAt),
				page.afterIdentifier === undefined
					? undefined
					: gt(workflows.identifier, page.afterIdentifier),
				pattern === undefined
					? undefined
					: or(
							sql`${workflows.identifier} LIKE ${pattern} ESCAPE '\\'`,
							sql`${workflows.title} LIKE ${pattern} ESCAPE '\\'`,
						),
			),
		)
		.orderBy(asc(workflows.identifier))
		.limit(page.limit)
		.all();
}

/** Newest first: the version people most often want is the latest. */
export async function listVersions(
	db: Database,
	tenantId: string,
	workflowId: string,
	page: { limit: number; beforeVersion?: number },
): Promise<WorkflowVersionRow[]> {
	return db
		.select()
		.from(workflowVersions)
		.where(
			and(
				eq(workflowVersions.tenantId, tenantId),
				eq(workflowVersions.workflowId, workflowId),
				page.beforeVersion === undefined
					? undefined
					: lt(workflowVersions.version, page.beforeVersion),
			),
		)
		.orderBy(desc(workflowVersions.version))
		.limit(page.limit)
		.all();
}

/** Creates the workflow and its version 1 in one batch (D1 runs a batch as one transaction). */
export async function createWorkflow(
	db: Database,
	tenantId: string,
	identifier: string,
	input: VersionInput,
): Promise<WorkflowRow> {
	const row: WorkflowRow = {
		id: crypto.randomUUID(),
		tenantId,
		identifier,
		title: input.definition.title ?? identifier,
		description: input.definition.description ?? null,
		latestVersion: 1,
		allowAnyoneToViewRuns: input.definition.allowAnyoneToViewRuns ?? false,
		runnableViaApi: input.definition.runnableViaApi ?? true,
		createdAt: input.now,
		createdBy: input.actor,
		updatedAt: input.now,
		updatedBy: input.actor,
		deletedAt: null,
	};
	try {
		await db.batch([
			// Tenants come into being on their first write.
			db.insert(tenants).values({ id: tenantId, createdAt: input.now }).onConflictDoNothing(),
			db.insert(workflows).values(row),
			db.insert(workflowVersions).values(versionRow(tenantId, row.id, 1, input)),
			...(input.alongside?.(row) ?? []),
		]);
	} catch (err) {
		if (isUniqueViolation(err)) {
			throw new ApiError("conflict", `A workflow with identifier "${identifier}" already exists.`);
		}
		throw err;
	}
	return row;
}

/**
 * Stores the next version. The version row's primary key (workflow_id, version) makes two
 * concurrent writers collide instead of both winning; the loser gets a 409 and may retry.
 */
export async function appendVersion(
	db: Database,
	tenantId: string,
	current: WorkflowRow,
	input: VersionInput,
): Promise<WorkflowRow> {
	const version = current.latestVersion + 1;
	const next: WorkflowRow = {
		...current,
		title: input.definition.title ?? current.identifier,
		description: input.definition.description ?? null,
		allowAnyoneToViewRuns: input.definition.allowAnyoneToViewRuns ?? false,
		runnableViaApi: input.definition.runnableViaApi ?? true,
		latestVersion: version,
		updatedAt: input.now,
		updatedBy: input.actor,
	};
	try {
		await db.batch([
			db.insert(workflowVersions).values(versionRow(tenantId, current.id, version, input)),
			db
				.update(workflows)
				.set({
					title: next.title,
					description: next.description,
					allowAnyoneToViewRuns: next.allowAnyoneToViewRuns,
					runnableViaApi: next.runnableViaApi,
					latestVersion: version,
					updatedAt: next.updatedAt,
					updatedBy: next.updatedBy,
				})
				.where(and(eq(workflows.tenantId, tenantId), eq(workflows.id, current.id))),
			...(input.alongside?.(current) ?? []),
		]);
	} catch (err) {
		if (isUniqueViolation(err)) {
			throw new ApiError(
				"conflict",
				"The workflow was changed by another request at the same time; retry.",
			);
		}
		throw err;
	}
	return next;
}

export async function softDeleteWorkflow(
	db: Database,
	tenantId: string,
	workflowId: string,
	actor: string,
	now: number,
	alongside: TriggerStatement[] = [],
) {
	const softDelete = db
		.update(workflows)
		.set({ deletedAt: now, updatedAt: now, updatedBy: actor })
		.where(
			and(
				eq(workflows.tenantId, tenantId),
				eq(workflows.id, workflowId),
				isNull(workflows.deletedAt),
			),
		);
	await db.batch([softDelete, ...alongside]);
}

function versionRow(
	tenantId: string,
	workflowId: string,
	version: number,
	input: VersionInput,
): WorkflowVersionRow {
	return {
		workflowId,
		version,
		tenantId,
		definition: input.definition,
		contentHash: input.contentHash,
		createdAt: input.now,
		createdBy: input.actor,
	};
}

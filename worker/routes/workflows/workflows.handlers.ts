import type { RouteConfig, RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import {
	callCycleIssue,
	validateDefinition,
	type WorkflowDefinition,
	workflowCalls,
} from "../../../engine/definition";
import { auditAction, auditTarget } from "../../audit/record-outcome";
import { assertRole } from "../../auth/middleware";
import { database } from "../../db/client";
import { pruneVersions, workflowQuota } from "../../db/quotas.repo";
import type { WorkflowRow, WorkflowVersionRow } from "../../db/schema";
import {
	deleteTriggersStatement,
	listTriggers,
	syncTriggerStatements,
} from "../../db/triggers.repo";
import * as repo from "../../db/workflows.repo";
import type { AppEnv } from "../../env";
import { ApiError, notFound, validationFailed } from "../../errors/api-error";
import { contentHash } from "../../lib/canonical-json";
import { decodeCursor, encodeCursor } from "../../lib/cursor";
import { applyMergePatch } from "../../lib/merge-patch";
import { reconcileSchedules, scheduleNodes } from "../../triggers/schedules";
import { wantedTriggers } from "../../triggers/trigger-rows";
import { saveTimeIssues } from "../../workflows/save-checks";
import type * as routes from "./workflows.routes";

type Handler<R extends RouteConfig> = RouteHandler<R, AppEnv>;

const iso = (ms: number) => new Date(ms).toISOString();

function workflowBody(row: WorkflowRow, version: WorkflowVersionRow) {
	return {
		identifier: row.identifier,
		title: row.title,
		description: row.description,
		version: row.latestVersion,
		createdAt: iso(row.createdAt),
		createdBy: row.createdBy,
		updatedAt: iso(row.updatedAt),
		updatedBy: row.updatedBy,
		definition: version.definition as WorkflowDefinition,
	};
}

/** A merged (PATCH) definition gets the same checks the request schema gives POST and PUT bodies. */
function validateMerged(input: unknown): WorkflowDefinition {
	const result = validateDefinition(input);
	if (!result.ok)
		throw validationFailed(result.issues.map((issue) => ({ in: "body" as const, ...issue })));
	return result.definition;
}

/**
 * The checks beyond the definition format: a reserved identifier, input forms that cannot work,
 * and child runs that would loop through the tenant's other workflows (read from the store, so
 * a loop closed by a second save is refused at that save).
 */
async function assertSavable(
	c: Context<AppEnv>,
	definition: WorkflowDefinition,
): Promise<WorkflowDefinition> {
	const issues = saveTimeIssues(definition);
	if (issues.length === 0 && workflowCalls(definition).length > 0) {
		const calls = await repo.latestWorkflowCalls(
			database(c.env.DB),
			c.get("principal").tenantId,
			definition.identifier,
		);
		const loop = callCycleIssue(definition, calls);
		if (loop) issues.push(loop);
	}
	if (issues.length > 0)
		throw validationFailed(issues.map((issue) => ({ in: "body" as const, ...issue })));
	return definition;
}

async function requireLive(c: Context<AppEnv>, identifier: string) {
	const row = await repo.findLiveWorkflow(
		database(c.env.DB),
		c.get("principal").tenantId,
		identifier,
	);
	if (!row) throw notFound(`Workflow "${identifier}"`);
	return row;
}

async function latestVersionOf(c: Context<AppEnv>, row: WorkflowRow) {
	const version = await repo.getVersion(
		database(c.env.DB),
		row.tenantId,
		row.id,
		row.latestVersion,
	);
	if (!version) throw new Error(`workflow ${row.id} has no version ${row.latestVersion}`);
	return version;
}

/**
 * Stores `definition` as the next version of `current` (or as version 1 when there is none).
 * An unchanged definition stores nothing and returns the current version.
 */
async function save(
	c: Context<AppEnv>,
	definition: WorkflowDefinition,
	current: WorkflowRow | undefined,
) {
	const db = database(c.env.DB);
	const { tenantId, subject } = c.get("principal");
	const now = Date.now();
	// A new version prunes the oldest ones past the tenant's quota, in the same transaction.
	const prune = current ? [pruneVersions(db, tenantId, current.id, current.latestVersion + 1)] : [];
	const input: repo.VersionInput = {
		definition,
		contentHash: await contentHash(definition),
		actor: subject,
		now,
		// The version's trigger rows land in the same transaction (hook ids kept, schedules re-armed).
		alongside: (workflow) => [
			...syncTriggerStatements(db, tenantId, workflow, wantedTriggers(definition, now), now),
			...prune,
		],
	};
	if (!current) {
		await assertWorkflowQuota(c, tenantId);
		const row = await repo.createWorkflow(db, tenantId, definition.identifier, input);
		await reconcileSchedules(c.env, tenantId, row.id, scheduleNodes(definition));
		return { created: true, row, version: toVersionRow(row, input) };
	}
	const latest = await latestVersionOf(c, current);
	if (latest.contentHash === input.contentHash)
		return { created: false, row: current, version: latest };
	const row = await repo.appendVersion(db, tenantId, current, input);
	// Schedules of both versions: new and changed ones reschedule, removed ones stop.
	await reconcileSchedules(c.env, tenantId, row.id, [
		...scheduleNodes(latest.definition as WorkflowDefinition),
		...scheduleNodes(definition),
	]);
	return { created: false, row, version: toVersionRow(row, input) };
}

/**
 * 409 once the tenant has `maxWorkflows` workflows. Checked before the insert, so two creates
 * racing for the last place may both pass: the quota is a guard against runaway tenants, and
 * one workflow over it is not worth a lock.
 */
async function assertWorkflowQuota(c: Context<AppEnv>, tenantId: string): Promise<void> {
	const { count, max } = await workflowQuota(database(c.env.DB), tenantId);
	if (count < max) return;
	throw new ApiError(
		"quota_exceeded",
		`The tenant has ${count} workflows, its quota (maxWorkflows in the tenant settings is ${max}): delete one or raise the quota.`,
	);
}

const toVersionRow = (row: WorkflowRow, input: repo.VersionInput): WorkflowVersionRow => ({
	workflowId: row.id,
	version: row.latestVersion,
	tenantId: row.tenantId,
	definition: input.definition,
	contentHash: input.contentHash,
	createdAt: input.now,
	createdBy: input.actor,
});

const locationOf = (identifier: string) => `/v1/workflows/${encodeURIComponent(identifier)}`;

export const createWorkflow: Handler<typeof routes.createWorkflow> = async (c) => {
	assertRole(c.get("principal"), "member", "create workflows");
	// The body schema already ran every save-time check (shape, graph, templates).
	const definition = await assertSavable(c, c.req.valid("json"));
	auditTarget(c, { type: "workflow", id: definition.identifier });
	const { row, version } = await save(c, definition, undefined);
	c.header("Location", locationOf(row.identifier));
	return c.json(workflowBody(row, version), 201);
};

/** Exactly `{ i }`: a runs listing's cursor (`{ t, i }`) is not one of these. */
const isIdentifierCursor = (v: unknown): v is { i: string } =>
	typeof v === "object" &&
	v !== null &&
	Object.keys(v).length === 1 &&
	typeof (v as { i?: unknown }).i === "string";

export const listWorkflows: Handler<typeof routes.listWorkflows> = async (c) => {
	const { limit, cursor, search } = c.req.valid("query");
	const after = cursor ? decodeCursor(cursor, isIdentifierCursor).i : undefined;
	// One extra row tells whether another page exists without a COUNT query.
	const rows = await repo.listWorkflows(database(c.env.DB), c.get("principal").tenantId, {
		limit: limit + 1,
		afterIdentifier: after,
		search,
	});
	const page = rows.slice(0, limit);
	const last = page.at(-1);
	return c.json(
		{
			data: page.map(
				({
					identifier,
					title,
					description,
					latestVersion,
					createdAt,
					createdBy,
					updatedAt,
					updatedBy,
				}) => ({
					identifier,
					title,
					description,
					version: latestVersion,
					createdAt: iso(createdAt),
					createdBy,
					updatedAt: iso(updatedAt),
					updatedBy,
				}),
			),
			nextCursor: rows.length > limit && last ? encodeCursor({ i: last.identifier }) : null,
		},
		200,
	);
};

export const getWorkflow: Handler<typeof routes.getWorkflow> = async (c) => {
	const row = await requireLive(c, c.req.valid("param").identifier);
	return c.json(workflowBody(row, await latestVersionOf(c, row)), 200);
};

export const replaceWorkflow: Handler<typeof routes.replaceWorkflow> = async (c) => {
	assertRole(c.get("principal"), "member", "change workflows");
	const { identifier } = c.req.valid("param");
	const body = c.req.valid("json");
	if (body.identifier !== identifier) {
		throw validationFailed([
			{
				in: "body",
				pointer: "/identifier",
				code: "identifier_mismatch",
				message: `Must equal the identifier in the URL ("${identifier}").`,
			},
		]);
	}
	const definition = await assertSavable(c, body);
	const current = await repo.findLiveWorkflow(
		database(c.env.DB),
		c.get("principal").tenantId,
		identifier,
	);
	const { created, row, version } = await save(c, definition, current);
	if (created) {
		auditAction(c, "workflow.create");
		c.header("Location", locationOf(identifier));
		return c.json(workflowBody(row, version), 201);
	}
	return c.json(workflowBody(row, version), 200);
};

export const patchWorkflow: Handler<typeof routes.patchWorkflow> = async (c) => {
	assertRole(c.get("principal"), "member", "change workflows");
	const { identifier } = c.req.valid("param");
	const current = await requireLive(c, identifier);
	const latest = await latestVersionOf(c, current);
	const merged = applyMergePatch(latest.definition, c.req.valid("json"));
	if ((merged as { identifier?: unknown }).identifier !== identifier) {
		throw validationFailed([
			{
				in: "body",
				pointer: "/identifier",
				code: "identifier_changed",
				message: "The identifier cannot be changed; create a new workflow.",
			},
		]);
	}
	const { row, version } = await save(c, await assertSavable(c, validateMerged(merged)), current);
	return c.json(workflowBody(row, version), 200);
};

export const deleteWorkflow: Handler<typeof routes.deleteWorkflow> = async (c) => {
	const principal = c.get("principal");
	assertRole(principal, "member", "delete workflows");
	const row = await requireLive(c, c.req.valid("param").identifier);
	const db = database(c.env.DB);
	const schedules = (await listTriggers(db, principal.tenantId, row.id))
		.filter((t) => t.type === "SCHEDULE_TRIGGER")
		.map((t) => t.node);
	// Its webhook URLs answer 404 and its schedules and event triggers stop with it.
	await repo.softDeleteWorkflow(db, principal.tenantId, row.id, principal.subject, Date.now(), [
		deleteTriggersStatement(db, principal.tenantId, row.id),
	]);
	await reconcileSchedules(c.env, principal.tenantId, row.id, schedules);
	return c.body(null, 204);
};

const isVersionCursor = (v: unknown): v is { v: number } =>
	typeof v === "object" && v !== null && Number.isInteger((v as { v?: unknown }).v);

export const listVersions: Handler<typeof routes.listVersions> = async (c) => {
	const { limit, cursor } = c.req.valid("query");
	const row = await requireLive(c, c.req.valid("param").identifier);
	const before = cursor ? decodeCursor(cursor, isVersionCursor).v : undefined;
	const rows = await repo.listVersions(database(c.env.DB), row.tenantId, row.id, {
		limit: limit + 1,
		beforeVersion: before,
	});
	const page = rows.slice(0, limit);
	const last = page.at(-1);
	return c.json(
		{
			data: page.map((v) => ({
				version: v.version,
				title: String(v.definition.title ?? row.identifier),
				createdAt: iso(v.createdAt),
				createdBy: v.createdBy,
			})),
			nextCursor: rows.length > limit && last ? encodeCursor({ v: last.version }) : null,
		},
		200,
	);
};

export const getVersion: Handler<typeof routes.getVersion> = async (c) => {
	const { identifier, version } = c.req.valid("param");
	const row = await requireLive(c, identifier);
	const found = await repo.getVersion(database(c.env.DB), row.tenantId, row.id, version);
	if (!found) throw notFound(`Version ${version} of workflow "${identifier}"`);
	return c.json(
		{
			identifier: row.identifier,
			version: found.version,
			createdAt: iso(found.createdAt),
			createdBy: found.createdBy,
			definition: found.definition as WorkflowDefinition,
		},
		200,
	);
};

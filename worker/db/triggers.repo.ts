import { and, eq, inArray, isNotNull, notInArray, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Database } from "./client";
import { secrets, type TriggerRow, tenants, triggers, workflows, workflowVersions } from "./schema";

/** A trigger node as a version defines it (worker/triggers/trigger-rows.ts builds these). */
export interface WantedTrigger {
	node: string;
	type: "WEBHOOK_TRIGGER" | "SCHEDULE_TRIGGER" | "EVENT_TRIGGER";
	config: Record<string, unknown>;
	eventType: string | null;
	/** SCHEDULE_TRIGGER: the first tick after the save. */
	nextTickAt: number | null;
	/** WEBHOOK_TRIGGER: the id a new node gets (an existing one keeps its own). */
	newHookId: string | null;
}

export type TriggerStatement = BatchItem<"sqlite">;

/**
 * The statements that make a workflow's trigger rows those of its newest version, for the same
 * batch as the version itself (D1 runs a batch as one transaction: a version is never stored
 * without its triggers). A webhook node that stays a webhook keeps its hook id and a schedule
 * its pause; removed nodes lose their rows, which retires their URLs.
 */
export function syncTriggerStatements(
	db: Database,
	tenantId: string,
	workflow: { id: string; identifier: string },
	wanted: WantedTrigger[],
	now: number,
): TriggerStatement[] {
	const nodes = wanted.map((w) => w.node);
	const remove = db
		.delete(triggers)
		.where(
			and(
				eq(triggers.tenantId, tenantId),
				eq(triggers.workflowId, workflow.id),
				nodes.length > 0 ? notInArray(triggers.node, nodes) : undefined,
			),
		);
	const upserts = wanted.map((w) =>
		db
			.insert(triggers)
			.values({
				tenantId,
				workflowId: workflow.id,
				workflowIdentifier: workflow.identifier,
				node: w.node,
				type: w.type,
				config: w.config,
				hookId: w.newHookId,
				eventType: w.eventType,
				paused: false,
				nextTickAt: w.nextTickAt,
				createdAt: now,
				updatedAt: now,
			})
			.onConflictDoUpdate({
				target: [triggers.tenantId, triggers.workflowId, triggers.node],
				set: {
					workflowIdentifier: sql`excluded.workflow_identifier`,
					config: sql`excluded.config`,
					eventType: sql`excluded.event_type`,
					// Same type: keep the URL and the pause; another type starts afresh.
					hookId: sql`CASE WHEN ${triggers.type} = excluded.type THEN ${triggers.hookId} ELSE excluded.hook_id END`,
					paused: sql`CASE WHEN ${triggers.type} = excluded.type THEN ${triggers.paused} ELSE 0 END`,
					nextTickAt: sql`CASE WHEN ${triggers.type} = excluded.type AND ${triggers.paused} THEN NULL ELSE excluded.next_tick_at END`,
					type: sql`excluded.type`,
					updatedAt: sql`excluded.updated_at`,
				},
			}),
	);
	return [remove, ...upserts];
}

/** Deleting a workflow retires all its triggers (URLs answer 404, schedules stop). */
export function deleteTriggersStatement(db: Database, tenantId: string, workflowId: string) {
	return db
		.delete(triggers)
		.where(and(eq(triggers.tenantId, tenantId), eq(triggers.workflowId, workflowId)));
}

export async function listTriggers(
	db: Database,
	tenantId: string,
	workflowId: string,
): Promise<TriggerRow[]> {
	return db
		.select()
		.from(triggers)
		.where(and(eq(triggers.tenantId, tenantId), eq(triggers.workflowId, workflowId)))
		.orderBy(triggers.node)
		.all();
}

export async function findTrigger(
	db: Database,
	tenantId: string,
	workflowId: string,
	node: string,
): Promise<TriggerRow | undefined> {
	return db
		.select()
		.from(triggers)
		.where(
			and(
				eq(triggers.tenantId, tenantId),
				eq(triggers.workflowId, workflowId),
				eq(triggers.node, node),
			),
		)
		.get();
}

/** What a delivery needs: its trigger, the live workflow and its latest definition. */
export interface HookTarget {
	trigger: TriggerRow;
	workflow: { id: string; identifier: string; title: string; version: number };
	definition: Record<string, unknown>;
	/** The tenant's default signing secret (tenant settings), read in the same query. */
	signingSecret: string | null;
	/** The tenant's notification endpoints (JSON text, or null), read in the same query. */
	notifications: string | null;
	runnableViaApi: boolean;
	/**
	 * The sealed value of the secret the trigger's `signature` names, read in the same query;
	 * null when the trigger has no signature or the tenant has no secret by that name.
	 */
	verificationSecret: {
		name: string;
		keyId: string;
		ciphertext: string;
		lastUsedAt: number | null;
	} | null;
}

/**
 * The one read that is not scoped by a tenant: a delivery carries nothing but the hook id,
 * which is an unguessable capability naming exactly one trigger (and so its tenant). One
 * round trip: the trigger, its live workflow, the latest version's definition and the sealed
 * secret its signature is checked with.
 */
export async function findHookTarget(db: Database, hookId: string): Promise<HookTarget | null> {
	const row = await db
		.select({
			trigger: triggers,
			title: workflows.title,
			version: workflows.latestVersion,
			runnableViaApi: workflows.runnableViaApi,
			definition: workflowVersions.definition,
			// As for an API start: the tenant's default signing secret rides along.
			signingSecret: sql<
				string | null
			>`(SELECT json_extract(${tenants.settings}, '$.defaultSigningSecret') FROM ${tenants} WHERE ${tenants.id} = ${triggers.tenantId})`,
			// The tenant's notification endpoints too: runs pin them (docs/ARCHITECTURE.md#notifications).
			notifications: sql<
				string | null
			>`(SELECT json_extract(${tenants.settings}, '$.notifications') FROM ${tenants} WHERE ${tenants.id} = ${triggers.tenantId})`,
			secretName: secrets.name,
			secretKeyId: secrets.keyId,
			secretCiphertext: secrets.ciphertext,
			secretLastUsedAt: secrets.lastUsedAt,
		})
		.from(triggers)
		.innerJoin(
			workflows,
			and(
				eq(workflows.tenantId, triggers.tenantId),
				eq(workflows.id, triggers.workflowId),
				sql`${workflows.deletedAt} IS NULL`,
			),
		)
		.innerJoin(
			workflowVersions,
			and(
				eq(workflowVersions.workflowId, workflows.id),
				eq(workflowVersions.version, workflows.latestVersion),
			),
		)
		.leftJoin(
			secrets,
			and(
				eq(secrets.tenantId, triggers.tenantId),
				sql`${secrets.name} = json_extract(${triggers.config}, '$.signature.secret')`,
			),
		)
		.where(and(eq(triggers.hookId, hookId), isNotNull(triggers.hookId)))
		.get();
	if (!row) return null;
	return {
		trigger: row.trigger,
		workflow: {
			id: row.trigger.workflowId,
			identifier: row.trigger.workflowIdentifier,
			title: row.title,
			version: row.version,
		},
		definition: row.definition,
		signingSecret: row.signingSecret ?? null,
		notifications: row.notifications ?? null,
		runnableViaApi: row.runnableViaApi,
		verificationSecret:
			row.secretName !== null && row.secretKeyId !== null && row.secretCiphertext !== null
				? {
						name: row.secretName,
						keyId: row.secretKeyId,
						ciphertext: row.secretCiphertext,
						lastUsedAt: row.secretLastUsedAt,
					}
				: null,
	};
}

/** A new hook id for one webhook trigger; false when the trigger is not (or no longer) one. */
export async function rotateHookId(
	db: Database,
	tenantId: string,
	workflowId: string,
	node: string,
	hookId: string,
	now: number,
): Promise<boolean> {
	const updated = await db
		.update(triggers)
		.set({ hookId, updatedAt: now })
		.where(
			and(
				eq(triggers.tenantId, tenantId),
				eq(triggers.workflowId, workflowId),
				eq(triggers.node, node),
				eq(triggers.type, "WEBHOOK_TRIGGER"),
			),
		)
		.returning({ node: triggers.node });
	return updated.length > 0;
}

/** Pauses or resumes a schedule; its object re-reads the row (see ScheduleObject.reconcile). */
export async function setPaused(
	db: Database,
	tenantId: string,
	workflowId: string,
	node: string,
	paused: boolean,
	now: number,
): Promise<boolean> {
	const updated = await db
		.update(triggers)
		.set({ paused, updatedAt: now, ...(paused ? { nextTickAt: null } : {}) })
		.where(
			and(
				eq(triggers.tenantId, tenantId),
				eq(triggers.workflowId, workflowId),
				eq(triggers.node, node),
				eq(triggers.type, "SCHEDULE_TRIGGER"),
			),
		)
		.returning({ node: triggers.node });
	return updated.length > 0;
}

/** The schedule object's record of its next tick, for the sweeper (null: paused or gone). */
export async function setNextTick(
	db: Database,
	tenantId: string,
	workflowId: string,
	node: string,
	nextTickAt: number | null,
): Promise<void> {
	await db
		.update(triggers)
		.set({ nextTickAt })
		.where(
			and(
				eq(triggers.tenantId, tenantId),
				eq(triggers.workflowId, workflowId),
				eq(triggers.node, node),
				eq(triggers.type, "SCHEDULE_TRIGGER"),
			),
		);
}

/**
 * The tenant's event triggers listening to one of `types`, from the (tenant_id, event_type)
 * index: matching an event never reads other tenants' triggers or any definition.
 */
export async function eventTriggers(
	db: Database,
	tenantId: string,
	types: string[],
): Promise<TriggerRow[]> {
	return db
		.select()
		.from(triggers)
		.where(and(eq(triggers.tenantId, tenantId), inArray(triggers.eventType, types)))
		.all();
}

/**
 * Schedules whose next tick is overdue, across tenants (the sweeper's scan), most overdue
 * first. Paused schedules carry no next tick, so they never show up here.
 */
export async function overdueSchedules(db: Database, before: number, limit: number) {
	return db
		.select({
			tenantId: triggers.tenantId,
			workflowId: triggers.workflowId,
			node: triggers.node,
		})
		.from(triggers)
		.where(sql`${triggers.nextTickAt} IS NOT NULL AND ${triggers.nextTickAt} < ${before}`)
		.orderBy(triggers.nextTickAt)
		.limit(limit)
		.all();
}

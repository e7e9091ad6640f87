import type { RouteConfig, RouteHandler, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type {
	EventTriggerConfig,
	ScheduleTriggerConfig,
	WebhookTriggerConfig,
} from "../../../engine/definition";
import { ticksAfter } from "../../../engine/schedule/cron";
import { assertRole } from "../../auth/middleware";
import { database } from "../../db/client";
import { listDeliveries as listDeliveryRows } from "../../db/deliveries.repo";
import type { TriggerRow } from "../../db/schema";
import * as triggersRepo from "../../db/triggers.repo";
import { findLiveWorkflow } from "../../db/workflows.repo";
import type { AppEnv } from "../../env";
import { notFound } from "../../errors/api-error";
import { decodeCursor, encodeCursor } from "../../lib/cursor";
import { lastFires, reconcileSchedules } from "../../triggers/schedules";
import { newHookId } from "../../triggers/trigger-rows";
import type * as routes from "./triggers.routes";
import type { Trigger } from "./triggers.schemas";

type TriggerView = z.infer<typeof Trigger>;
type FireView = NonNullable<TriggerView["schedule"]>["lastFires"][number];

type Handler<R extends RouteConfig> = RouteHandler<R, AppEnv>;

const iso = (ms: number) => new Date(ms).toISOString();

/** A schedule's last fires, as its object keeps them; other triggers have none. */
async function firesOf(c: Context<AppEnv>, row: TriggerRow): Promise<FireView[]> {
	if (row.type !== "SCHEDULE_TRIGGER") return [];
	const fires = await lastFires(c.env, row);
	return fires.map((f) => ({
		tickAt: iso(f.tickAt),
		outcome: f.outcome,
		runId: f.runId,
		at: iso(f.at),
		detail: f.detail ?? null,
	}));
}

async function liveWorkflow(c: Context<AppEnv>, identifier: string) {
	const principal = c.get("principal");
	// Webhook URLs are credentials: viewers see runs, not the URLs that start them.
	assertRole(principal, "member", "see or change a workflow's triggers");
	const row = await findLiveWorkflow(database(c.env.DB), principal.tenantId, identifier);
	if (!row) throw notFound(`Workflow "${identifier}"`);
	return row;
}

async function requireTrigger(c: Context<AppEnv>, identifier: string, node: string) {
	const workflow = await liveWorkflow(c, identifier);
	const row = await triggersRepo.findTrigger(
		database(c.env.DB),
		workflow.tenantId,
		workflow.id,
		node,
	);
	if (!row)
		throw notFound(`A webhook, schedule or event trigger "${node}" of workflow "${identifier}"`);
	return row;
}

/** One trigger as the API shows it; `hookBase` is this deployment's origin. */
export function triggerView(
	row: TriggerRow,
	hookBase: string,
	now: number,
	lastFires: FireView[] = [],
): TriggerView {
	const base = { node: row.node, type: row.type as TriggerView["type"] };
	switch (row.type) {
		case "WEBHOOK_TRIGGER": {
			const config = row.config as WebhookTriggerConfig;
			return {
				...base,
				webhook: {
					url: new URL(`/hooks/${row.hookId}`, hookBase).toString(),
					signature: (config.signature as Record<string, unknown> | undefined) ?? null,
				},
				schedule: null,
				event: null,
			};
		}
		case "SCHEDULE_TRIGGER": {
			const config = row.config as ScheduleTriggerConfig;
			return {
				...base,
				webhook: null,
				schedule: {
					cron: config.cron,
					timezone: config.timezone,
					overlap: config.overlap,
					paused: row.paused,
					nextTicks: row.paused ? [] : ticksAfter(config.cron, config.timezone, now, 5).map(iso),
					lastFires,
				},
				event: null,
			};
		}
		default: {
			const config = row.config as EventTriggerConfig;
			const { type, ...fields } = config.event;
			return {
				...base,
				webhook: null,
				schedule: null,
				event: {
					type,
					fields: fields as Record<string, string>,
					condition: (config.condition as Record<string, unknown> | undefined) ?? null,
				},
			};
		}
	}
}

export const listTriggers: Handler<typeof routes.listTriggers> = async (c) => {
	const workflow = await liveWorkflow(c, c.req.valid("param").identifier);
	const rows = await triggersRepo.listTriggers(database(c.env.DB), workflow.tenantId, workflow.id);
	const now = Date.now();
	const data = await Promise.all(
		rows.map(async (row) => triggerView(row, c.req.url, now, await firesOf(c, row))),
	);
	return c.json({ data }, 200);
};

export const rotateTrigger: Handler<typeof routes.rotateTrigger> = async (c) => {
	const { identifier, node } = c.req.valid("param");
	assertRole(c.get("principal"), "admin", "rotate webhook URLs");
	const row = await requireTrigger(c, identifier, node);
	const hookId = newHookId();
	const rotated = await triggersRepo.rotateHookId(
		database(c.env.DB),
		row.tenantId,
		row.workflowId,
		node,
		hookId,
		Date.now(),
	);
	if (!rotated) throw notFound(`A webhook trigger "${node}" of workflow "${identifier}"`);
	return c.json(triggerView({ ...row, hookId }, c.req.url, Date.now()), 200);
};

export const patchTrigger: Handler<typeof routes.patchTrigger> = async (c) => {
	const { identifier, node } = c.req.valid("param");
	const { paused } = c.req.valid("json");
	const row = await requireTrigger(c, identifier, node);
	const changed = await triggersRepo.setPaused(
		database(c.env.DB),
		row.tenantId,
		row.workflowId,
		node,
		paused,
		Date.now(),
	);
	if (!changed) throw notFound(`A schedule trigger "${node}" of workflow "${identifier}"`);
	await reconcileSchedules(c.env, row.tenantId, row.workflowId, [node]);
	const now = Date.now();
	return c.json(triggerView({ ...row, paused }, c.req.url, now, await firesOf(c, row)), 200);
};

const isDeliveryCursor = (v: unknown): v is { t: number; i: string } =>
	typeof v === "object" &&
	v !== null &&
	Number.isInteger((v as { t?: unknown }).t) &&
	typeof (v as { i?: unknown }).i === "string";

export const listDeliveries: Handler<typeof routes.listDeliveries> = async (c) => {
	const { identifier, node } = c.req.valid("param");
	const { limit, cursor } = c.req.valid("query");
	const row = await requireTrigger(c, identifier, node);
	const before = cursor ? decodeCursor(cursor, isDeliveryCursor) : undefined;
	const rows = await listDeliveryRows(database(c.env.DB), row, {
		limit: limit + 1,
		before: before && { receivedAt: before.t, id: before.i },
		now: Date.now(),
	});
	const page = rows.slice(0, limit);
	const last = page.at(-1);
	return c.json(
		{
			data: page.map((d) => ({
				id: d.id,
				receivedAt: iso(d.receivedAt),
				outcome: d.outcome as "started",
				status: d.status,
				deliveryId: d.deliveryKey,
				runId: d.runId,
				detail: d.detail,
			})),
			nextCursor:
				rows.length > limit && last ? encodeCursor({ t: last.receivedAt, i: last.id }) : null,
		},
		200,
	);
};

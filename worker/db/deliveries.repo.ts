import { and, desc, eq, gte, lt, or, sql } from "drizzle-orm";
import type { Database } from "./client";
import { type DeliveryRow, deliveries, deliveryClaims } from "./schema";

/** A repeated delivery key starts nothing new for this long. */
export const DELIVERY_DEDUPE_MS = 24 * 60 * 60 * 1000;
/** How long a trigger's deliveries are listed. */
export const DELIVERY_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;
/** At most this many deliveries are kept per trigger (the oldest go first). */
export const DELIVERY_LOG_CAP = 1000;

export const DELIVERY_OUTCOMES = [
	"started",
	"duplicate",
	"ignored",
	"invalid",
	"unauthorized",
	"limited",
	"failed",
] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

export interface TriggerRef {
	tenantId: string;
	workflowId: string;
	node: string;
}

/**
 * Claims `key` for `proposedRunId`, or finds the run an earlier delivery with the key claimed
 * within DELIVERY_DEDUPE_MS, and writes the delivery's log row, in one round trip (one D1
 * batch, one transaction). One upsert: SQLite applies concurrent claims one after the other, so
 * of racing retries exactly one sees its own run id come back and every other one sees that
 * run; a claim older than the window is taken over. The row reads the claim just made, so it
 * says `started` when this delivery holds the claim and `duplicate` with the earlier run. Written before the start, it
 * is true once the start is done: a delivery that dies in between leaves a claim its retry
 * completes under the same run id. A start that is refused afterwards corrects the row
 * (`correctDelivery`). Answers the claim's run id and the row's id.
 */
export async function claimAndRecordDelivery(
	db: Database,
	trigger: TriggerRef,
	key: string,
	proposedRunId: string,
	now: number,
): Promise<{ runId: string; deliveryId: string }> {
	const stale = sql`${deliveryClaims.claimedAt} < ${now - DELIVERY_DEDUPE_MS}`;
	const deliveryId = newDeliveryId();
	const claimed = sql`(SELECT ${deliveryClaims.runId} FROM ${deliveryClaims} WHERE ${and(
		eq(deliveryClaims.tenantId, trigger.tenantId),
		eq(deliveryClaims.workflowId, trigger.workflowId),
		eq(deliveryClaims.node, trigger.node),
		eq(deliveryClaims.deliveryKey, key),
	)})`;
	const [claim] = await db.batch([
		db
			.insert(deliveryClaims)
			.values({ ...trigger, deliveryKey: key, runId: proposedRunId, claimedAt: now })
			.onConflictDoUpdate({
				target: [
					deliveryClaims.tenantId,
					deliveryClaims.workflowId,
					deliveryClaims.node,
					deliveryClaims.deliveryKey,
				],
				set: {
					runId: sql`CASE WHEN ${stale} THEN excluded.run_id ELSE ${deliveryClaims.runId} END`,
					claimedAt: sql`CASE WHEN ${stale} THEN excluded.claimed_at ELSE ${deliveryClaims.claimedAt} END`,
				},
			})
			.returning({ runId: deliveryClaims.runId }),
		db.insert(deliveries).values({
			id: deliveryId,
			...trigger,
			outcome: sql`CASE WHEN ${claimed} = ${proposedRunId} THEN 'started' ELSE 'duplicate' END`,
			status: 202,
			receivedAt: now,
			deliveryKey: key,
			runId: claimed,
			detail: null,
		}),
	]);
	const runId = claim[0]?.runId;
	if (!runId) throw new Error("claimAndRecordDelivery: the upsert returned no row");
	return { runId, deliveryId };
}

/** Rewrites a delivery's log row when what happened after its claim changed the outcome. */
export async function correctDelivery(
	db: Database,
	trigger: TriggerRef,
	deliveryId: string,
	record: Pick<DeliveryRecord, "outcome" | "status" | "runId" | "detail">,
): Promise<void> {
	await db
		.update(deliveries)
		.set({ ...record, detail: record.detail?.slice(0, 500) ?? null })
		.where(
			and(
				eq(deliveries.tenantId, trigger.tenantId),
				eq(deliveries.workflowId, trigger.workflowId),
				eq(deliveries.node, trigger.node),
				eq(deliveries.id, deliveryId),
			),
		);
}

function newDeliveryId(): string {
	return `dlv_${crypto.randomUUID().replaceAll("-", "")}`;
}

/** Frees a claim this delivery made and could not use (its inputs were refused). */
export async function releaseDeliveryKey(
	db: Database,
	trigger: TriggerRef,
	key: string,
	runId: string,
): Promise<void> {
	await db
		.delete(deliveryClaims)
		.where(
			and(
				eq(deliveryClaims.tenantId, trigger.tenantId),
				eq(deliveryClaims.workflowId, trigger.workflowId),
				eq(deliveryClaims.node, trigger.node),
				eq(deliveryClaims.deliveryKey, key),
				eq(deliveryClaims.runId, runId),
			),
		);
}

export interface DeliveryRecord {
	outcome: DeliveryOutcome;
	status: number;
	receivedAt: number;
	deliveryKey: string | null;
	runId: string | null;
	detail: string | null;
}

export async function recordDelivery(
	db: Database,
	trigger: TriggerRef,
	record: DeliveryRecord,
): Promise<void> {
	await db.insert(deliveries).values({
		id: newDeliveryId(),
		...trigger,
		...record,
		detail: record.detail?.slice(0, 500) ?? null,
	});
}

/** Newest first, within the retention window; `before` is the previous page's last row. */
export async function listDeliveries(
	db: Database,
	trigger: TriggerRef,
	page: { limit: number; before?: { receivedAt: number; id: string }; now: number },
): Promise<DeliveryRow[]> {
	return db
		.select()
		.from(deliveries)
		.where(
			and(
				eq(deliveries.tenantId, trigger.tenantId),
				eq(deliveries.workflowId, trigger.workflowId),
				eq(deliveries.node, trigger.node),
				gte(deliveries.receivedAt, page.now - DELIVERY_RETENTION_MS),
				page.before
					? or(
							lt(deliveries.receivedAt, page.before.receivedAt),
							and(
								eq(deliveries.receivedAt, page.before.receivedAt),
								lt(deliveries.id, page.before.id),
							),
						)
					: undefined,
			),
		)
		.orderBy(desc(deliveries.receivedAt), desc(deliveries.id))
		.limit(page.limit)
		.all();
}

/**
 * Drops a trigger's deliveries past the retention window or beyond the newest
 * DELIVERY_LOG_CAP, and its expired claims. Both walk the trigger's own index range.
 */
export async function pruneDeliveries(db: Database, trigger: TriggerRef, now: number) {
	const same = (t: typeof deliveries | typeof deliveryClaims) =>
		and(
			eq(t.tenantId, trigger.tenantId),
			eq(t.workflowId, trigger.workflowId),
			eq(t.node, trigger.node),
		);
	const capAt = db
		.select({ receivedAt: deliveries.receivedAt })
		.from(deliveries)
		.where(same(deliveries))
		.orderBy(desc(deliveries.receivedAt))
		.limit(1)
		.offset(DELIVERY_LOG_CAP - 1);
	await db.batch([
		db
			.delete(deliveries)
			.where(
				and(
					same(deliveries),
					or(
						lt(deliveries.receivedAt, now - DELIVERY_RETENTION_MS),
						sql`${deliveries.receivedAt} < coalesce((${capAt}), 0)`,
					),
				),
			),
		db
			.delete(deliveryClaims)
			.where(and(same(deliveryClaims), lt(deliveryClaims.claimedAt, now - DELIVERY_DEDUPE_MS))),
	]);
}

import { and, eq, inArray, lt, type SQL } from "drizzle-orm";
import type { Database } from "./client";
import { type AuditEventRow, auditEvents } from "./schema";
import { type TimelineCursor, timelinePage } from "./timeline-page";

/** How long the audit log keeps an entry. */
export const AUDIT_RETENTION_MS = 90 * 24 * 60 * 60 * 1000;
/** Entries one listing page may examine, at most, for filters checked row by row. */
export const AUDIT_SCAN_BUDGET = 2_000;

/** The insert of one entry, for the caller to batch with other writes. */
export const auditEventInsert = (db: Database, tenantId: string, row: AuditEventRow) =>
	db.insert(auditEvents).values({ ...row, tenantId });

export interface AuditFilter {
	actor?: string;
	action?: string;
	targetId?: string;
	outcome?: "success" | "failure";
	/** Epoch ms, inclusive. */
	after?: number;
	/** Epoch ms, exclusive. */
	before?: number;
}

export function listAuditEvents(
	db: Database,
	tenantId: string,
	filter: AuditFilter,
	page: { limit: number; after?: TimelineCursor; now: number; budget?: number },
) {
	const checks: SQL | undefined = and(
		filter.actor === undefined ? undefined : eq(auditEvents.actor, filter.actor),
		filter.action === undefined ? undefined : eq(auditEvents.action, filter.action),
		filter.targetId === undefined ? undefined : eq(auditEvents.targetId, filter.targetId),
		filter.outcome === undefined ? undefined : eq(auditEvents.outcome, filter.outcome),
	);
	const from = Math.max(page.now - AUDIT_RETENTION_MS, filter.after ?? 0);
	return timelinePage(
		db,
		auditEvents,
		"audit_events_tenant_at",
		tenantId,
		{ from, before: filter.before, checks },
		{ limit: page.limit, after: page.after, budget: page.budget ?? AUDIT_SCAN_BUDGET },
	);
}

/**
 * Deletes up to `batch` entries older than the retention, oldest first, across tenants (the
 * retention is everyone's): the index by time finds them without reading newer ones. Returns
 * how many went, so the caller knows whether to go on.
 */
export async function purgeAuditEvents(db: Database, now: number, batch: number) {
	const expired = db
		.select({ id: auditEvents.id })
		.from(auditEvents)
		.where(lt(auditEvents.at, now - AUDIT_RETENTION_MS))
		.orderBy(auditEvents.at)
		.limit(batch);
	const { meta } = await db.delete(auditEvents).where(inArray(auditEvents.id, expired)).run();
	return meta.changes;
}

export type { AuditEventRow };

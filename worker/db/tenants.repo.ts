import { eq, sql } from "drizzle-orm";
import type { NotificationEndpoint } from "../../engine/control";
import type { Database } from "./client";
import { tenants } from "./schema";

/**
 * The tenant settings kept in D1 (`tenants.settings`, JSON): the ones a run start reads in its
 * one D1 query (workflows.repo.ts findStartTarget), such as the default signing secret, and the
 * quotas and retention read by the Worker (the cron's purge reads every tenant's). The
 * admission settings live in the TenantObject, which admits runs by them.
 */
export interface StoredTenantSettings {
	defaultSigningSecret?: string | null;
	/** Read with the start too: runs pin them (docs/ARCHITECTURE.md#notifications). */
	notifications?: NotificationEndpoint[] | null;
	/** Quotas and retention (worker/quotas/tenant-limits.ts has their defaults). */
	runRetentionDays?: number;
	maxWorkflows?: number;
	maxVersionsPerWorkflow?: number;
	maxStreamsPerRun?: number;
}

export async function storedSettings(
	db: Database,
	tenantId: string,
): Promise<StoredTenantSettings> {
	const row = await db
		.select({ settings: tenants.settings })
		.from(tenants)
		.where(eq(tenants.id, tenantId))
		.get();
	return (row?.settings ?? {}) as StoredTenantSettings;
}

/** Merges `patch` into the stored settings (null clears a field); the tenant row appears if new. */
export async function updateStoredSettings(
	db: Database,
	tenantId: string,
	patch: StoredTenantSettings,
	now: number,
): Promise<void> {
	const json = JSON.stringify(patch);
	await db
		.insert(tenants)
		.values({ id: tenantId, createdAt: now, settings: sql`json_patch('{}', ${json})` })
		.onConflictDoUpdate({
			target: tenants.id,
			set: { settings: sql`json_patch(${tenants.settings}, ${json})` },
		})
		.run();
}

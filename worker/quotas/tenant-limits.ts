import type { StoredTenantSettings } from "../db/tenants.repo";

/**
 * The tenant's quotas and run retention (docs/ARCHITECTURE.md#quotas-and-retention): defaults,
 * bounds, and the values in force for a tenant. They are tenant settings kept in D1
 * (`tenants.settings`), read where each one is enforced (the cron's purge reads the retention).
 */

export const DEFAULT_RUN_RETENTION_DAYS = 30;
export const MAX_RUN_RETENTION_DAYS = 365;
export const DAY_MS = 24 * 60 * 60 * 1000;

export interface TenantLimits {
	/** Ended runs are deleted this many days after they ended (1 to 365). */
	runRetentionDays: number;
}

/** The tenant settings that are limits, as the settings API names them. */
export const LIMIT_NAMES = ["runRetentionDays"] as const satisfies readonly (keyof TenantLimits)[];

/** The limits in force: the stored value where one is set, else the default. */
export function tenantLimits(stored: StoredTenantSettings): TenantLimits {
	return {
		runRetentionDays: stored.runRetentionDays ?? DEFAULT_RUN_RETENTION_DAYS,
	};
}

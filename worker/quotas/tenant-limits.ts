import type { StoredTenantSettings } from "../db/tenants.repo";

/**
 * The tenant's quotas and run retention (docs/ARCHITECTURE.md#quotas-and-retention): defaults,
 * bounds, and the values in force for a tenant. They are tenant settings kept in D1
 * (`tenants.settings`), read where each one is enforced: the cron's purge, a workflow save, a stream's opening.
 */

export const DEFAULT_RUN_RETENTION_DAYS = 30;
export const MAX_RUN_RETENTION_DAYS = 365;
export const DAY_MS = 24 * 60 * 60 * 1000;

export const DEFAULT_MAX_WORKFLOWS = 1_000;
export const MAX_WORKFLOWS = 100_000;

export const DEFAULT_MAX_VERSIONS_PER_WORKFLOW = 100;
export const MAX_VERSIONS_PER_WORKFLOW = 10_000;

export const DEFAULT_MAX_STREAMS_PER_RUN = 20;
export const MAX_STREAMS_PER_RUN = 1_000;

export interface TenantLimits {
	/** Ended runs are deleted this many days after they ended (1 to 365). */
	runRetentionDays: number;
	/** Live workflows (deleted ones do not count); creating one more is a 409. */
	maxWorkflows: number;
	/** Versions kept per workflow: a save prunes the oldest past it that no unfinished run pins. */
	maxVersionsPerWorkflow: number;
	/** Event streams (SSE) open at once per run; one more is a 429. */
	maxStreamsPerRun: number;
}

/** The limits in force: the stored value where one is set, else the default. */
export function tenantLimits(stored: StoredTenantSettings): TenantLimits {
	return {
		runRetentionDays: stored.runRetentionDays ?? DEFAULT_RUN_RETENTION_DAYS,
		maxWorkflows: stored.maxWorkflows ?? DEFAULT_MAX_WORKFLOWS,
		maxVersionsPerWorkflow: stored.maxVersionsPerWorkflow ?? DEFAULT_MAX_VERSIONS_PER_WORKFLOW,
		maxStreamsPerRun: stored.maxStreamsPerRun ?? DEFAULT_MAX_STREAMS_PER_RUN,
	};
}

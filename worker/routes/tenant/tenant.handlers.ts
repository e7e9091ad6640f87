import type { RouteConfig, RouteHandler } from "@hono/zod-openapi";
import { tenantObject } from "../../../durable-objects";
import { assertRole } from "../../auth/middleware";
import { database } from "../../db/client";
import { countRecentRuns } from "../../db/runs-overview.repo";
import { findSecret } from "../../db/secrets.repo";
import { storedSettings, updateStoredSettings } from "../../db/tenants.repo";
import { workflowsForRunListing } from "../../db/workflows.repo";
import type { AppEnv } from "../../env";
import { validationFailed } from "../../errors/api-error";
import { tenantLimits } from "../../quotas/tenant-limits";
import { summarize } from "./overview";
import type * as routes from "./tenant.routes";

type Handler<R extends RouteConfig> = RouteHandler<R, AppEnv>;

// Admission settings live in the tenant's own TenantObject, the default signing secret, quotas
// and retention in its D1 row (a run's start reads the secret in the query it makes anyway, the
// cron reads every tenant's retention). Both are addressed by the
// token's tenant only: another tenant's token reaches another object and another row.

async function settingsOf(env: Env, tenantId: string) {
	const [admission, stored] = await Promise.all([
		tenantObject(env, tenantId).getSettings(tenantId),
		storedSettings(database(env.DB), tenantId),
	]);
	return {
		...admission,
		defaultSigningSecret: stored.defaultSigningSecret ?? null,
		...tenantLimits(stored),
	};
}

export const getSettings: Handler<typeof routes.getSettings> = async (c) => {
	return c.json(await settingsOf(c.env, c.get("principal").tenantId), 200);
};

export const patchSettings: Handler<typeof routes.patchSettings> = async (c) => {
	const principal = c.get("principal");
	assertRole(principal, "admin", "change tenant settings");
	const { tenantId } = principal;
	const {
		defaultSigningSecret,
		runRetentionDays,
		maxWorkflows,
		maxVersionsPerWorkflow,
		maxStreamsPerRun,
		...admission
	} = c.req.valid("json");
	const stored = {
		defaultSigningSecret,
		runRetentionDays,
		maxWorkflows,
		maxVersionsPerWorkflow,
		maxStreamsPerRun,
	};
	const db = database(c.env.DB);
	if (defaultSigningSecret && !(await findSecret(db, tenantId, defaultSigningSecret))) {
		throw validationFailed([
			{
				in: "body",
				pointer: "/defaultSigningSecret",
				code: "unknown_secret",
				message: `No secret "${defaultSigningSecret}" is stored: PUT /v1/secrets/${defaultSigningSecret} first.`,
			},
		]);
	}
	// The body schema already holds every value to the object's own bounds.
	if (Object.keys(admission).length > 0) {
		await tenantObject(c.env, tenantId).updateSettings(tenantId, admission);
	}
	// Fields left out stay out of the merge patch (JSON drops undefined).
	if (Object.values(stored).some((v) => v !== undefined)) {
		await updateStoredSettings(db, tenantId, stored, Date.now());
	}
	return c.json(await settingsOf(c.env, tenantId), 200);
};

export const getOverview: Handler<typeof routes.getOverview> = async (c) => {
	const principal = c.get("principal");
	const { tenantId } = principal;
	const db = database(c.env.DB);
	const now = Date.now();
	// Visibility as in the runs listing: a member counts their own runs and shared workflows'.
	const visibleTo = principal.role === "admin" ? null : principal.subject;
	const shared = await workflowsForRunListing(db, tenantId, { sharing: visibleTo !== null });
	const [counts, concurrency] = await Promise.all([
		countRecentRuns(db, tenantId, { visibleTo, sharedWorkflowIds: shared.sharing }, now),
		tenantObject(c.env, tenantId).usage(tenantId),
	]);
	return c.json({ at: new Date(now).toISOString(), ...summarize(counts, now), concurrency }, 200);
};

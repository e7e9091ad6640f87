import { defineRoute } from "../define-route";
import { json, problemResponses } from "../openapi";
import { Overview } from "./overview.schemas";
import { TenantSettings, TenantSettingsPatch } from "./tenant.schemas";

const tags = ["Tenant"];

export const getSettings = defineRoute({
	operationId: "getTenantSettings",
	scope: "runs:read",
	method: "get",
	path: "/settings",
	tags,
	summary: "Get the tenant's settings",
	description: "Any role may read them.",
	responses: {
		200: json(TenantSettings, "The settings, defaults included."),
		...problemResponses(401, 500),
	},
});

export const patchSettings = defineRoute({
	operationId: "updateTenantSettings",
	scope: "admin",
	audit: { action: "tenant.settings.update", target: "tenant" },
	method: "patch",
	path: "/settings",
	tags,
	summary: "Change the tenant's settings (admins)",
	description:
		"Raising `maxConcurrentRuns` starts queued runs at once; lowering it lets running runs finish.",
	request: {
		body: {
			required: true,
			content: {
				"application/merge-patch+json": { schema: TenantSettingsPatch },
				"application/json": { schema: TenantSettingsPatch },
			},
		},
	},
	responses: {
		200: json(TenantSettings, "The settings after the change."),
		...problemResponses(400, 401, 403, 413, 415, 422, 500),
	},
});

export const getOverview = defineRoute({
	operationId: "getTenantOverview",
	scope: "runs:read",
	method: "get",
	path: "/overview",
	tags,
	summary:
		"Run counts of the last 24 hours and 7 days, the busiest and most failing workflows, concurrency in use",
	description:
		"What the admin page's landing page shows. Counts the runs the caller may see, by when they were requested.",
	responses: {
		200: json(Overview, "The counts, as of `at`."),
		...problemResponses(401, 500),
	},
});

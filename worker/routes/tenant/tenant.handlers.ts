import type { RouteConfig, RouteHandler } from "@hono/zod-openapi";
import { tenantObject } from "../../../durable-objects";
import { assertRole } from "../../auth/middleware";
import type { AppEnv } from "../../env";
import type * as routes from "./tenant.routes";

type Handler<R extends RouteConfig> = RouteHandler<R, AppEnv>;

// Settings live in the tenant's own TenantObject, addressed by the token's tenant only: another
// tenant's token reaches another object, so it can neither read nor change these.

export const getSettings: Handler<typeof routes.getSettings> = async (c) => {
	const { tenantId } = c.get("principal");
	return c.json(await tenantObject(c.env, tenantId).getSettings(tenantId), 200);
};

export const patchSettings: Handler<typeof routes.patchSettings> = async (c) => {
	const principal = c.get("principal");
	assertRole(principal, "admin", "change tenant settings");
	const { tenantId } = principal;
	// The body schema already holds every value to the object's own bounds.
	const settings = await tenantObject(c.env, tenantId).updateSettings(
		tenantId,
		c.req.valid("json"),
	);
	return c.json(settings, 200);
};

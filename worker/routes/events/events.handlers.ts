import type { RouteHandler } from "@hono/zod-openapi";
import { hasRole } from "../../auth/principal";
import type { AppEnv } from "../../env";
import { ApiError } from "../../errors/api-error";
import type { TenantEvent } from "../../triggers/event-match";
import { postEvents as post } from "../../triggers/events";
import type * as routes from "./events.routes";

export const postEvents: RouteHandler<typeof routes.postEvents, AppEnv> = async (c) => {
	const principal = c.get("principal");
	if (!hasRole(principal.role, "member") && !principal.scopes.includes("events:write"))
		throw new ApiError(
			"forbidden",
			"Posting events needs the member role or a token with scope events:write.",
		);
	const body = c.req.valid("json");
	const events = (Array.isArray(body) ? body : [body]) as TenantEvent[];
	const data = await post(c.env, principal.tenantId, events, Date.now());
	return c.json({ data }, 202);
};

import type { RouteHandler } from "@hono/zod-openapi";
import { auditTarget } from "../../audit/record-outcome";
import { assertRole } from "../../auth/middleware";
import type { AppEnv } from "../../env";
import type { TenantEvent } from "../../triggers/event-match";
import { postEvents as post } from "../../triggers/events";
import type * as routes from "./events.routes";

export const postEvents: RouteHandler<typeof routes.postEvents, AppEnv> = async (c) => {
	const principal = c.get("principal");
	// A key or a scoped token also needs events:write (the route's scope, checked before this).
	assertRole(principal, "member", "post events");
	const body = c.req.valid("json");
	const events = (Array.isArray(body) ? body : [body]) as TenantEvent[];
	// Up to 100 ids per post: the entry names them, cut at 500 characters to keep entries small.
	auditTarget(c, {
		type: "event",
		id: events
			.map((e) => e.id)
			.join(",")
			.slice(0, 500),
	});
	const data = await post(c.env, principal.tenantId, events, Date.now());
	return c.json({ data }, 202);
};

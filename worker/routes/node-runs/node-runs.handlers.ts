import type { RouteConfig, RouteHandler } from "@hono/zod-openapi";
import { runObject } from "../../../durable-objects";
import type { AppEnv } from "../../env";
import { notFound } from "../../errors/api-error";
import { visibleRunHead } from "../runs/access";
import type * as routes from "./node-runs.routes";

type Handler<R extends RouteConfig> = RouteHandler<R, AppEnv>;

export const listNodeItems: Handler<typeof routes.listNodeItems> = async (c) => {
	const principal = c.get("principal");
	const { runId, node } = c.req.valid("param");
	const { after, limit } = c.req.valid("query");
	await visibleRunHead(c.env, principal, runId);
	const page = await runObject(c.env, principal.tenantId, runId).getItems(node, after ?? -1, limit);
	if (!page) throw notFound(`Node "${node}" of run "${runId}"`);
	return c.json({ data: page.items, nextAfter: page.nextAfter, total: page.total }, 200);
};

export const listNodeAttempts: Handler<typeof routes.listNodeAttempts> = async (c) => {
	const principal = c.get("principal");
	const { runId, node } = c.req.valid("param");
	const { item, after, limit } = c.req.valid("query");
	await visibleRunHead(c.env, principal, runId);
	const page = await runObject(c.env, principal.tenantId, runId).getAttempts(
		node,
		item ?? null,
		after ?? 0,
		limit,
	);
	if (!page) {
		const what = item === undefined ? `Node "${node}"` : `Item ${item} of node "${node}"`;
		throw notFound(`${what} of run "${runId}"`);
	}
	return c.json({ data: page.attempts, nextAfter: page.nextAfter, total: page.total }, 200);
};

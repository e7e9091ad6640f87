import type { RouteConfig, RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { auditTarget } from "../../audit/record-outcome";
import { newApiKey } from "../../auth/api-keys";
import { assertRole } from "../../auth/middleware";
import type { Role } from "../../auth/principal";
import type { Scope } from "../../auth/scopes";
import * as repo from "../../db/api-keys.repo";
import { database } from "../../db/client";
import type { ApiKeyRow } from "../../db/schema";
import type { AppEnv } from "../../env";
import { notFound } from "../../errors/api-error";
import { decodeCursor, encodeCursor } from "../../lib/cursor";
import type * as routes from "./api-keys.routes";

type Handler<R extends RouteConfig> = RouteHandler<R, AppEnv>;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function metadata(row: ApiKeyRow) {
	return {
		id: row.id,
		name: row.name,
		prefix: row.prefix,
		// Written from the create request's validated body.
		role: row.role as Role,
		scopes: row.scopes as Scope[],
		createdAt: iso(row.createdAt) ?? "",
		createdBy: row.createdBy,
		lastUsedAt: iso(row.lastUsedAt),
		expiresAt: iso(row.expiresAt),
		revokedAt: iso(row.revokedAt),
		revokedBy: row.revokedBy,
	};
}

/** Only admins manage keys (the `admin` scope is the operations' own gate). */
function admin(c: Context<AppEnv>, action: string) {
	const principal = c.get("principal");
	assertRole(principal, "admin", action);
	return principal;
}

export const createApiKey: Handler<typeof routes.createApiKey> = async (c) => {
	const principal = admin(c, "create API keys");
	const body = c.req.valid("json");
	const { id, key, prefix, keyHash } = await newApiKey();
	auditTarget(c, { type: "api_key", id });
	const row: ApiKeyRow = {
		id,
		tenantId: principal.tenantId,
		name: body.name,
		prefix,
		keyHash,
		role: body.role,
		scopes: body.scopes,
		createdAt: Date.now(),
		createdBy: principal.subject,
		lastUsedAt: null,
		expiresAt: body.expiresAt === undefined ? null : Date.parse(body.expiresAt),
		revokedAt: null,
		revokedBy: null,
	};
	await repo.insertApiKey(database(c.env.DB), principal.tenantId, row);
	c.header("Location", `/v1/api-keys/${id}`);
	return c.json({ ...metadata(row), key }, 201);
};

const isKeyCursor = (v: unknown): v is { t: number; k: string } =>
	typeof v === "object" &&
	v !== null &&
	Number.isInteger((v as { t?: unknown }).t) &&
	typeof (v as { k?: unknown }).k === "string";

export const listApiKeys: Handler<typeof routes.listApiKeys> = async (c) => {
	const principal = admin(c, "list API keys");
	const { limit, cursor } = c.req.valid("query");
	const decoded = cursor ? decodeCursor(cursor, isKeyCursor) : undefined;
	// One extra row tells whether another page exists without a COUNT query.
	const rows = await repo.listApiKeys(database(c.env.DB), principal.tenantId, {
		limit: limit + 1,
		after: decoded && { createdAt: decoded.t, id: decoded.k },
	});
	const page = rows.slice(0, limit);
	const last = page.at(-1);
	return c.json(
		{
			data: page.map(metadata),
			nextCursor:
				rows.length > limit && last ? encodeCursor({ t: last.createdAt, k: last.id }) : null,
		},
		200,
	);
};

async function requireKey(c: Context<AppEnv>, keyId: string) {
	const row = await repo.getApiKey(database(c.env.DB), c.get("principal").tenantId, keyId);
	if (!row) throw notFound(`API key "${keyId}"`);
	return row;
}

export const getApiKey: Handler<typeof routes.getApiKey> = async (c) => {
	admin(c, "read API keys");
	return c.json(metadata(await requireKey(c, c.req.valid("param").keyId)), 200);
};

export const revokeApiKey: Handler<typeof routes.revokeApiKey> = async (c) => {
	const principal = admin(c, "revoke API keys");
	const { keyId } = c.req.valid("param");
	await requireKey(c, keyId);
	await repo.revokeApiKey(
		database(c.env.DB),
		principal.tenantId,
		keyId,
		principal.subject,
		Date.now(),
	);
	return c.body(null, 204);
};

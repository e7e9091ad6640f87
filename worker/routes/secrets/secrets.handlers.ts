import type { RouteConfig, RouteHandler } from "@hono/zod-openapi";
import { KeyRingError } from "../../../engine/crypto/keyring";
import { assertRole } from "../../auth/middleware";
import { hasRole } from "../../auth/principal";
import { database } from "../../db/client";
import * as repo from "../../db/secrets.repo";
import type { AppEnv } from "../../env";
import { ApiError, notFound } from "../../errors/api-error";
import { decodeCursor, encodeCursor } from "../../lib/cursor";
import { MAX_SECRETS_PER_TENANT } from "../../secrets/limits";
import { sealSecretValue } from "../../secrets/secret-values";
import type * as routes from "./secrets.routes";

type Handler<R extends RouteConfig> = RouteHandler<R, AppEnv>;

// Every query is scoped by the token's tenant: another tenant's secret is simply not found.

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function metadata(secret: repo.SecretMeta) {
	return {
		name: secret.name,
		description: secret.description,
		version: secret.version,
		createdAt: iso(secret.createdAt) ?? "",
		createdBy: secret.createdBy,
		updatedAt: iso(secret.updatedAt) ?? "",
		updatedBy: secret.updatedBy,
		lastUsedAt: iso(secret.lastUsedAt),
	};
}

/** Admins see metadata; members and viewers the name only (who wrote what is an admin's business). */
const visibleTo = (role: Parameters<typeof hasRole>[0]) => (secret: repo.SecretMeta) =>
	hasRole(role, "admin") ? metadata(secret) : { name: secret.name };

const isNameCursor = (v: unknown): v is { n: string } =>
	typeof v === "object" &&
	v !== null &&
	Object.keys(v).length === 1 &&
	typeof (v as { n?: unknown }).n === "string";

export const listSecrets: Handler<typeof routes.listSecrets> = async (c) => {
	const { tenantId, role } = c.get("principal");
	const { limit, cursor } = c.req.valid("query");
	const after = cursor ? decodeCursor(cursor, isNameCursor).n : undefined;
	// One extra row tells whether another page exists without a COUNT query.
	const rows = await repo.listSecrets(database(c.env.DB), tenantId, {
		limit: limit + 1,
		afterName: after,
	});
	const page = rows.slice(0, limit);
	const last = page.at(-1);
	return c.json(
		{
			data: page.map(visibleTo(role)),
			nextCursor: rows.length > limit && last ? encodeCursor({ n: last.name }) : null,
		},
		200,
	);
};

export const getSecret: Handler<typeof routes.getSecret> = async (c) => {
	const { tenantId, role } = c.get("principal");
	const { name } = c.req.valid("param");
	const secret = await repo.findSecret(database(c.env.DB), tenantId, name);
	if (!secret) throw notFound(`Secret "${name}"`);
	return c.json(visibleTo(role)(secret), 200);
};

export const putSecret: Handler<typeof routes.putSecret> = async (c) => {
	const principal = c.get("principal");
	assertRole(principal, "admin", "write secrets");
	const { name } = c.req.valid("param");
	const { value, description } = c.req.valid("json");
	const sealed = await sealValue(c.env, principal.tenantId, name, value);
	const written = await repo.putSecret(database(c.env.DB), principal.tenantId, name, {
		sealed,
		description,
		actor: principal.subject,
		now: Date.now(),
		maxPerTenant: MAX_SECRETS_PER_TENANT,
	});
	switch (written.kind) {
		case "limit_reached":
			throw new ApiError(
				"conflict",
				`The tenant already has ${MAX_SECRETS_PER_TENANT} secrets, the most it may hold; delete one first.`,
			);
		case "created":
			c.header("Location", `/v1/secrets/${encodeURIComponent(name)}`);
			return c.json(metadata(written.secret), 201);
		case "replaced":
			return c.json(metadata(written.secret), 200);
		default: {
			const _exhaustive: never = written;
			return _exhaustive;
		}
	}
};

export const deleteSecret: Handler<typeof routes.deleteSecret> = async (c) => {
	const principal = c.get("principal");
	assertRole(principal, "admin", "delete secrets");
	const { name } = c.req.valid("param");
	const deleted = await repo.deleteSecret(database(c.env.DB), principal.tenantId, name);
	if (!deleted) throw notFound(`Secret "${name}"`);
	return c.body(null, 204);
};

/** Encrypts the value; a missing or malformed master key is the operator's problem (500). */
async function sealValue(env: Env, tenantId: string, name: string, value: string) {
	try {
		return await sealSecretValue(env, tenantId, name, value);
	} catch (err) {
		if (err instanceof KeyRingError) throw new ApiError("secrets_misconfigured", err.message);
		throw err;
	}
}

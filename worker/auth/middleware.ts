import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { ApiError } from "../errors/api-error";
import { isApiKey, verifyApiKey } from "./api-keys";
import { hasRole, type Principal, type Role } from "./principal";
import { grants, type Scope } from "./scopes";
import { tokenPolicyFromEnv, verifyToken } from "./verify-token";

const CHALLENGE = { "WWW-Authenticate": 'Bearer realm="stepline"' };

/**
 * Every /v1 route needs a bearer credential, a JWT or an API key (`stl_…`); the verified
 * principal is put on the context. What it may do is each route's scope (requireScope) and the
 * handlers' role checks.
 */
export const requireAuth: MiddlewareHandler<AppEnv> = async (c, next) => {
	const header = c.req.header("authorization") ?? "";
	const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
	if (!match?.[1]) {
		throw new ApiError("unauthorized", "Send a bearer token: Authorization: Bearer <token>.", {
			headers: CHALLENGE,
		});
	}
	const token = match[1];
	c.set(
		"principal",
		isApiKey(token)
			? await verifyApiKey(c.env, token, Date.now(), (work) => c.executionCtx.waitUntil(work))
			: await verifyToken(token, tokenPolicyFromEnv(c.env)),
	);
	await next();
};

const holder = (principal: Principal) =>
	principal.credential.kind === "api_key"
		? `API key "${principal.credential.name}"`
		: "token's scope claim";

/**
 * The scope gate every operation has (defineRoute puts it first): an API key, or a JWT that
 * carries a `scope` claim, needs `scope` (see grants); a JWT without one keeps the role rules.
 * 403 `insufficient_scope` names the scope, with RFC 6750's challenge.
 */
export function requireScope(scope: Scope): MiddlewareHandler<AppEnv> {
	return async (c, next) => {
		const principal = c.get("principal");
		if (principal.scopes !== null && !grants(principal.scopes, scope)) {
			const held = principal.scopes.join(", ") || "no scopes";
			throw new ApiError(
				"insufficient_scope",
				`This request needs the ${scope} scope; the ${holder(principal)} has ${held}.`,
				{
					headers: {
						"WWW-Authenticate": `Bearer realm="stepline", error="insufficient_scope", scope="${scope}"`,
					},
					errors: [
						{
							in: "header",
							pointer: "/Authorization",
							code: "insufficient_scope",
							message: `Needs the ${scope} scope.`,
						},
					],
				},
			);
		}
		await next();
	};
}

/** Throws 403 unless the caller's role is at least `role` (viewer < member < admin). */
export function assertRole(principal: { role: Role }, role: Role, action: string): void {
	if (!hasRole(principal.role, role)) {
		throw new ApiError(
			"forbidden",
			`Your role (${principal.role}) may not ${action}; it needs ${role} or above.`,
		);
	}
}

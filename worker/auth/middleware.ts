import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { ApiError } from "../errors/api-error";
import { hasRole, type Role } from "./principal";
import { tokenPolicyFromEnv, verifyToken } from "./verify-token";

const CHALLENGE = { "WWW-Authenticate": 'Bearer realm="stepline"' };

/** Every /v1 route needs a bearer token; the verified principal is put on the context. */
export const requireAuth: MiddlewareHandler<AppEnv> = async (c, next) => {
	const header = c.req.header("authorization") ?? "";
	const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
	if (!match?.[1]) {
		throw new ApiError("unauthorized", "Send a bearer token: Authorization: Bearer <token>.", {
			headers: CHALLENGE,
		});
	}
	c.set("principal", await verifyToken(match[1], tokenPolicyFromEnv(c.env)));
	await next();
};

/** Throws 403 unless the caller's role is at least `role` (viewer < member < admin). */
export function assertRole(principal: { role: Role }, role: Role, action: string): void {
	if (!hasRole(principal.role, role)) {
		throw new ApiError(
			"forbidden",
			`Your role (${principal.role}) may not ${action}; it needs ${role} or above.`,
		);
	}
}

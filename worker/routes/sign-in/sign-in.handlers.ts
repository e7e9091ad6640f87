import type { RouteConfig, RouteHandler } from "@hono/zod-openapi";
import {
	newSignInCode,
	openToken,
	SIGN_IN_CODE_TTL_MS,
	sealToken,
	signInCodeHash,
} from "../../auth/sign-in-code";
import { database } from "../../db/client";
import { consumeSignInCode, storeSignInCode } from "../../db/sign-in-codes.repo";
import type { AppEnv } from "../../env";
import { ApiError } from "../../errors/api-error";
import type * as routes from "./sign-in.routes";

type Handler<R extends RouteConfig> = RouteHandler<R, AppEnv>;

export const createSignInCode: Handler<typeof routes.createSignInCode> = async (c) => {
	const { tenantId, subject, credential } = c.get("principal");
	if (credential.kind !== "jwt") {
		throw new ApiError(
			"forbidden",
			"API keys cannot sign in to the admin page; use a person's token.",
		);
	}
	// requireAuth accepted exactly this header, so the token is there.
	const token = (c.req.header("authorization") ?? "").replace(/^Bearer\s+/i, "").trim();
	const code = newSignInCode();
	const now = Date.now();
	const expiresAt = now + SIGN_IN_CODE_TTL_MS;
	await storeSignInCode(database(c.env.DB), tenantId, {
		codeHash: await signInCodeHash(code),
		subject,
		sealedToken: await sealToken(code, token),
		expiresAt,
		createdAt: now,
	});
	c.header("Cache-Control", "no-store");
	const signInUrl = new URL(`/admin#code=${code}`, c.req.url).href;
	return c.json({ code, expiresAt: new Date(expiresAt).toISOString(), signInUrl }, 201);
};

export const exchangeSignInCode: Handler<typeof routes.exchangeSignInCode> = async (c) => {
	const { code } = c.req.valid("json");
	const row = await consumeSignInCode(database(c.env.DB), await signInCodeHash(code));
	const token = row && row.expiresAt > Date.now() ? await openToken(code, row.sealedToken) : null;
	if (token === null) {
		throw new ApiError(
			"invalid_sign_in_code",
			"This sign-in code was used already, has expired or was never made; ask for a new one (npm start prints one) or paste a token.",
		);
	}
	c.header("Cache-Control", "no-store");
	return c.json({ token }, 200);
};

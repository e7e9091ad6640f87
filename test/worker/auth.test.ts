import { env } from "cloudflare:test";
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { tokenPolicyFromEnv, verifyToken } from "../../worker/auth/verify-token";
import { ApiError } from "../../worker/errors/api-error";
import { call, expectProblem, tokenFor } from "./helpers";

const b64url = (value: unknown) =>
	btoa(JSON.stringify(value)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");

async function rejected(token: string, detailPattern: RegExp) {
	const res = await call("/v1/workflows", { token });
	const problem = expectProblem(res, 401, "invalid_token");
	expect(problem.detail).toMatch(detailPattern);
	expect(res.headers.get("www-authenticate")).toMatch(
		/^Bearer realm="stepline", error="invalid_token"/,
	);
}

describe("bearer tokens", () => {
	it("accepts a valid token", async () => {
		expect((await call("/v1/workflows", { token: await tokenFor() })).status).toBe(200);
	});

	it("rejects a missing or non-bearer Authorization header with a challenge", async () => {
		const attempts: Record<string, string>[] = [
			{},
			{ authorization: "Basic YWxpY2U6c2VjcmV0" },
			{ authorization: "Bearer" },
		];
		for (const headers of attempts) {
			const res = await call("/v1/workflows", { token: null, headers });
			expectProblem(res, 401, "unauthorized");
			expect(res.headers.get("www-authenticate")).toBe('Bearer realm="stepline"');
		}
	});

	it("rejects expired tokens but allows 60 s of clock skew", async () => {
		await rejected(await tokenFor({ expiresIn: -120 }), /expired/);
		expect(
			(await call("/v1/workflows", { token: await tokenFor({ expiresIn: -30 }) })).status,
		).toBe(200);
	});

	it("rejects a wrong signature, issuer or audience", async () => {
		await rejected(
			await tokenFor({ secret: "not-the-server-secret-at-all-0123456789" }),
			/signature/,
		);
		await rejected(await tokenFor({ issuer: "https://evil.example" }), /iss/);
		await rejected(await tokenFor({ audience: "someone-else" }), /aud/);
	});

	it("rejects unsigned (alg: none) tokens and algorithms off the allow-list", async () => {
		const now = Math.floor(Date.now() / 1000);
		const claims = {
			tid: "acme",
			sub: "mallory",
			role: "admin",
			iss: env.JWT_ISSUER,
			aud: env.JWT_AUDIENCE,
			exp: now + 600,
		};
		await rejected(
			`${b64url({ alg: "none", typ: "JWT" })}.${b64url(claims)}.`,
			/algorithm|malformed/,
		);
		const hs512 = await new SignJWT(claims)
			.setProtectedHeader({ alg: "HS512" })
			.sign(new TextEncoder().encode(env.JWT_SECRET));
		await rejected(hs512, /algorithm/);
	});

	it("requires exp, tid, sub and a known role", async () => {
		const now = Math.floor(Date.now() / 1000);
		const noExp = await new SignJWT({ tid: "acme", role: "admin" })
			.setProtectedHeader({ alg: "HS256" })
			.setSubject("a")
			.setIssuer(env.JWT_ISSUER)
			.setAudience(env.JWT_AUDIENCE)
			.setIssuedAt(now)
			.sign(new TextEncoder().encode(env.JWT_SECRET));
		await rejected(noExp, /exp/);
		await rejected(await tokenFor({ claims: { tid: undefined } }), /tid/);
		await rejected(await tokenFor({ claims: { role: "owner" } }), /role/);
	});
});

describe("token lifetime (JWT_MAX_TTL, default 24 h)", () => {
	const DAY = 86_400;

	it("refuses a token minted to live ten years, though it has not expired", async () => {
		await rejected(await tokenFor({ expiresIn: 10 * 365 * DAY }), /lives .* at most 86400 s/);
		await rejected(await tokenFor({ expiresIn: DAY + 1 }), /at most 86400 s/);
		expect(
			(await call("/v1/workflows", { token: await tokenFor({ expiresIn: DAY }) })).status,
		).toBe(200);
	});

	it("requires iat", async () => {
		await rejected(await tokenFor({ issuedIn: null }), /no iat/);
	});

	it("refuses an iat in the future beyond the 60 s skew", async () => {
		await rejected(
			await tokenFor({ issuedIn: 300, expiresIn: 600 }),
			/iat claim lies in the future/,
		);
		const skewed = await tokenFor({ issuedIn: 30, expiresIn: 600 });
		expect((await call("/v1/workflows", { token: skewed })).status).toBe(200);
	});

	it("takes the maximum from JWT_MAX_TTL, and fails closed on a value it cannot read", async () => {
		const hour = tokenPolicyFromEnv({ ...env, JWT_MAX_TTL: "1h" } as unknown as Env);
		expect(hour.maxTtlSeconds).toBe(3600);
		expect(tokenPolicyFromEnv(env).maxTtlSeconds).toBe(DAY);
		await expect(verifyToken(await tokenFor({ expiresIn: 7200 }), hour)).rejects.toThrow(
			/at most 3600 s/,
		);
		expect((await verifyToken(await tokenFor({ expiresIn: 3600 }), hour)).tenantId).toBe("acme");
		expect(() => tokenPolicyFromEnv({ ...env, JWT_MAX_TTL: "forever" } as unknown as Env)).toThrow(
			/JWT_MAX_TTL/,
		);
	});
});

describe("JWKS (production configuration)", () => {
	async function signer(kid: string) {
		const { publicKey, privateKey } = await generateKeyPair("RS256", { extractable: true });
		const jwk = { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" };
		const sign = (claims: Record<string, unknown> = {}) =>
			new SignJWT({ tid: "acme", role: "member", ...claims })
				.setProtectedHeader({ alg: "RS256", kid })
				.setSubject("carol")
				.setIssuer("https://idp.example")
				.setAudience("stepline-api")
				.setIssuedAt()
				.setExpirationTime("10m")
				.sign(privateKey);
		return { jwk, sign };
	}

	it("selects the key by kid, so rotated keys verify side by side", async () => {
		const [oldKey, newKey, unknown] = await Promise.all([
			signer("2026-10"),
			signer("2026-11"),
			signer("stray"),
		]);
		const policy = {
			key: createLocalJWKSet({ keys: [oldKey.jwk, newKey.jwk] }),
			algorithms: ["RS256"],
			issuer: "https://idp.example",
			audience: "stepline-api",
			maxTtlSeconds: 86_400,
		};
		expect((await verifyToken(await oldKey.sign(), policy)).subject).toBe("carol");
		expect((await verifyToken(await newKey.sign({ role: "admin" }), policy)).role).toBe("admin");
		await expect(verifyToken(await unknown.sign(), policy)).rejects.toThrow(/kid/);
	});

	it("uses the JWKS and asymmetric algorithms when JWKS_URL is set, refusing HS256", async () => {
		const withJwks = { ...env, JWKS_URL: "https://idp.example/.well-known/jwks.json" };
		const policy = tokenPolicyFromEnv(withJwks as unknown as Env);
		expect(policy.algorithms).not.toContain("HS256");
		expect(policy.key).toBeTypeOf("function");
		await expect(verifyToken(await tokenFor(), policy)).rejects.toThrow(/algorithm/);
	});

	it("fails closed when neither a JWKS URL nor a secret is configured", () => {
		const broken = { ...env, JWKS_URL: "", JWT_SECRET: "" } as unknown as Env;
		expect(() => tokenPolicyFromEnv(broken)).toThrow(ApiError);
	});
});

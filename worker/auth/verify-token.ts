import { createRemoteJWKSet, type JWTVerifyGetKey, errors as joseErrors, jwtVerify } from "jose";
import { tryParseDuration } from "../../engine/definition/duration";
import { ApiError } from "../errors/api-error";
import { API_KEY_SUBJECT_PREFIX, type Principal, ROLES, type Role } from "./principal";
import { scopesOfClaim } from "./scopes";

/** How tokens are checked: one key source, one issuer, one audience, an algorithm allow-list. */
export interface TokenPolicy {
	key: Uint8Array | JWTVerifyGetKey;
	algorithms: string[];
	issuer: string;
	audience: string;
	/** The longest lifetime accepted: `exp − iat` and the token's age (JWT_MAX_TTL). */
	maxTtlSeconds: number;
}

// Asymmetric algorithms an identity provider's JWKS may use; HS256 only with the local secret.
// `none` is never on either list, so unsigned tokens fail before their claims are read.
const JWKS_ALGORITHMS = ["RS256", "PS256", "ES256", "EdDSA"];
const SECRET_ALGORITHMS = ["HS256"];
const CLOCK_TOLERANCE_SECONDS = 60;
const TENANT_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
/** JWT_MAX_TTL when unset: a stolen token is worth a day at most. */
const DEFAULT_MAX_TTL = "24h";

// One key set per URL for the isolate's lifetime: jose caches keys and refetches on an unknown `kid`,
// which is what makes key rotation at the identity provider work without a deploy.
const remoteKeySets = new Map<string, JWTVerifyGetKey>();

export function tokenPolicyFromEnv(env: Env): TokenPolicy {
	const jwksUrl: string = env.JWKS_URL ?? "";
	const secret: string | undefined = (env as { JWT_SECRET?: string }).JWT_SECRET;
	const issuer: string = env.JWT_ISSUER;
	const audience: string = env.JWT_AUDIENCE;
	if (!issuer || !audience) {
		throw new ApiError("auth_misconfigured", "JWT_ISSUER and JWT_AUDIENCE must be set.");
	}
	const maxTtlSeconds = maxTtlFromEnv(env);
	if (jwksUrl) {
		let keySet = remoteKeySets.get(jwksUrl);
		if (!keySet) {
			keySet = createRemoteJWKSet(new URL(jwksUrl));
			remoteKeySets.set(jwksUrl, keySet);
		}
		return { key: keySet, algorithms: JWKS_ALGORITHMS, issuer, audience, maxTtlSeconds };
	}
	if (!secret) {
		throw new ApiError("auth_misconfigured", "Set JWKS_URL, or JWT_SECRET for local HS256 tokens.");
	}
	return {
		key: new TextEncoder().encode(secret),
		algorithms: SECRET_ALGORITHMS,
		issuer,
		audience,
		maxTtlSeconds,
	};
}

function maxTtlFromEnv(env: Env): number {
	const raw: string = env.JWT_MAX_TTL || DEFAULT_MAX_TTL;
	const parsed = tryParseDuration(raw);
	if (!parsed.ok || parsed.ms < 1000) {
		throw new ApiError(
			"auth_misconfigured",
			`JWT_MAX_TTL must be a duration such as "24h" or "PT12H", got "${raw}".`,
		);
	}
	return Math.floor(parsed.ms / 1000);
}

/** 401 invalid_token, with the RFC 6750 challenge saying why (for JWTs and API keys alike). */
export const invalidToken = (description: string) =>
	new ApiError("invalid_token", description, {
		headers: {
			"WWW-Authenticate": `Bearer realm="stepline", error="invalid_token", error_description="${description.replaceAll('"', "'")}"`,
		},
	});

/**
 * Verifies signature, algorithm, `iss`, `aud`, `exp` and `iat` (required, not in the future
 * beyond the skew, no older than the maximum lifetime, and `exp − iat` within it), then reads
 * the Stepline claims.
 */
export async function verifyToken(token: string, policy: TokenPolicy): Promise<Principal> {
	let payload: Record<string, unknown>;
	try {
		const options = {
			algorithms: policy.algorithms,
			issuer: policy.issuer,
			audience: policy.audience,
			clockTolerance: CLOCK_TOLERANCE_SECONDS,
			requiredClaims: ["exp", "iat", "iss", "aud"],
			// jose then also refuses an `iat` in the future beyond the tolerance.
			maxTokenAge: policy.maxTtlSeconds,
		};
		const result =
			policy.key instanceof Uint8Array
				? await jwtVerify(token, policy.key, options)
				: await jwtVerify(token, policy.key, options);
		payload = result.payload;
	} catch (err) {
		throw invalidToken(describeJoseError(err));
	}
	const { tid, sub, role, scope, iat, exp } = payload;
	// Both are numbers here: jose checked them. A token minted to live longer than the maximum
	// is refused outright, not only once it has aged past it.
	if ((exp as number) - (iat as number) > policy.maxTtlSeconds) {
		throw invalidToken(
			`The token lives ${(exp as number) - (iat as number)} s (exp - iat); at most ${policy.maxTtlSeconds} s is accepted.`,
		);
	}
	if (typeof tid !== "string" || !TENANT_ID.test(tid))
		throw invalidToken("The token has no valid tid (tenant) claim.");
	if (typeof sub !== "string" || sub.length === 0)
		throw invalidToken("The token has no sub claim.");
	if (sub.startsWith(API_KEY_SUBJECT_PREFIX))
		throw invalidToken(
			`A token's sub may not start with "${API_KEY_SUBJECT_PREFIX}" (API keys act as that).`,
		);
	if (typeof role !== "string" || !(ROLES as readonly string[]).includes(role)) {
		throw invalidToken(`The token's role claim must be one of ${ROLES.join(", ")}.`);
	}
	if (scope !== undefined && typeof scope !== "string")
		throw invalidToken("The token's scope claim must be a space-separated string.");
	return {
		tenantId: tid,
		subject: sub,
		role: role as Role,
		scopes: scopesOfClaim(scope),
		credential: { kind: "jwt" },
	};
}

function describeJoseError(err: unknown): string {
	if (err instanceof joseErrors.JWTExpired && err.claim === "iat")
		return "The token was issued longer ago than the maximum token lifetime.";
	if (err instanceof joseErrors.JWTExpired) return "The token has expired.";
	if (err instanceof joseErrors.JWTClaimValidationFailed && err.claim === "iat")
		return err.reason === "missing"
			? "The token has no iat (issued at) claim."
			: err.reason === "check_failed"
				? "The token's iat claim lies in the future."
				: "The token's iat claim is not a NumericDate.";
	if (err instanceof joseErrors.JWTClaimValidationFailed)
		return `The token's ${err.claim} claim is not accepted: ${err.reason}.`;
	if (err instanceof joseErrors.JOSEAlgNotAllowed)
		return "The token's signing algorithm is not allowed.";
	if (err instanceof joseErrors.JWSSignatureVerificationFailed)
		return "The token's signature does not verify.";
	if (err instanceof joseErrors.JWKSNoMatchingKey) return "No signing key matches the token's kid.";
	if (err instanceof joseErrors.JWSInvalid || err instanceof joseErrors.JWTInvalid)
		return "The token is malformed.";
	return "The token could not be verified.";
}

import type { MiddlewareHandler } from "hono";
import type { Principal } from "../auth/principal";
import type { AppEnv } from "../env";
import { ApiError } from "../errors/api-error";

/** One quota of requests: at most `limit` in each window of `periodSeconds`, counted by `limiter`. */
export interface RequestRate {
	limit: number;
	periodSeconds: number;
	limiter: (env: Env) => RateLimit;
}

export interface RequestRates {
	tenant: RequestRate;
	token: RequestRate;
}

/**
 * Requests per tenant and per credential (docs/ARCHITECTURE.md#quotas-and-retention), counted by
 * the Workers Rate Limiting bindings TENANT_RATE_LIMITER and TOKEN_RATE_LIMITER. The counting
 * and its limits are the bindings' (wrangler.toml `[[ratelimits]]`); these are the same numbers,
 * announced to clients in the RateLimit-Policy header. Change both together.
 */
export const REQUEST_RATES: RequestRates = {
	tenant: { limit: 1000, periodSeconds: 10, limiter: (env) => env.TENANT_RATE_LIMITER },
	token: { limit: 500, periodSeconds: 10, limiter: (env) => env.TOKEN_RATE_LIMITER },
};

type RateName = keyof RequestRates;

/** The draft's RateLimit-Policy field (draft-ietf-httpapi-ratelimit-headers): both quotas. */
export const policyHeader = (rates: RequestRates): string =>
	(Object.keys(rates) as RateName[])
		.map((name) => `"${name}";q=${rates[name].limit};w=${rates[name].periodSeconds}`)
		.join(", ");

/**
 * Each credential is counted on its own: an API key by its id, a JWT by a hash of the token
 * (two tokens of one user are two credentials, as two API keys are).
 */
async function credentialKey(principal: Principal, bearer: string): Promise<string> {
	if (principal.credential.kind === "api_key") return `key:${principal.credential.keyId}`;
	const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(bearer));
	const hex = [...new Uint8Array(digest).slice(0, 16)]
		.map((b) => b.toString(16).padStart(2, "0"))
		.join("");
	return `jwt:${principal.tenantId}:${hex}`;
}

/**
 * Windows are fixed and start on multiples of the period: the seconds left in this one are
 * when a retry is counted afresh (rounded up, at least 1).
 */
export const secondsLeftInWindow = (now: number, periodSeconds: number): number =>
	Math.max(1, periodSeconds - (Math.floor(now / 1000) % periodSeconds));

function limited(rates: RequestRates, name: RateName, now: number): ApiError {
	const { limit, periodSeconds } = rates[name];
	const wait = secondsLeftInWindow(now, periodSeconds);
	const who = name === "tenant" ? "your tenant" : "this credential";
	return new ApiError(
		"rate_limited",
		`More than ${limit} requests in ${periodSeconds} seconds from ${who}; retry after ${wait} s.`,
		{
			headers: {
				"Retry-After": String(wait),
				"RateLimit-Policy": policyHeader(rates),
				RateLimit: `"${name}";r=0;t=${wait}`,
			},
		},
	);
}

/**
 * After authentication, on every /v1 request: both counters are asked at once (a credential's
 * requests are also its tenant's), and either one spent is a 429. `REQUEST_RATE_LIMITS=off`
 * (a var only the tests that flood the server on purpose set: the load and fuzz suites) skips
 * the count; it is not in the generated Env type on purpose, production never sets it.
 */
export function limitRequestRate(rates: RequestRates = REQUEST_RATES): MiddlewareHandler<AppEnv> {
	return async (c, next) => {
		if ((c.env as { REQUEST_RATE_LIMITS?: string }).REQUEST_RATE_LIMITS === "off") return next();
		const principal = c.get("principal");
		const bearer = c.req.header("authorization") ?? "";
		const [byToken, byTenant] = await Promise.all([
			credentialKey(principal, bearer).then((key) => rates.token.limiter(c.env).limit({ key })),
			rates.tenant.limiter(c.env).limit({ key: principal.tenantId }),
		]);
		const now = Date.now();
		if (!byToken.success) throw limited(rates, "token", now);
		if (!byTenant.success) throw limited(rates, "tenant", now);
		await next();
	};
}

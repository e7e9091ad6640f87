import { createExecutionContext, env, SELF, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createApp } from "../../worker/app";
import { REQUEST_RATES, type RequestRates } from "../../worker/quotas/request-rate";
import { BASE, type CallResult, expectProblem, tokenFor, uniqueTenant } from "./helpers";

// The app's own quotas (1000 a tenant, 500 a credential, per 10 s) take more requests than a
// test can send within one window on a shared machine. The app is built here with the same
// middleware and small quotas, counted by real Rate Limiting bindings that vitest.config.mts
// declares for this file (20 a credential, 40 a tenant).
const testEnv = env as unknown as Record<string, RateLimit>;
const SMALL: RequestRates = {
	tenant: {
		limit: 40,
		periodSeconds: 10,
		limiter: () => testEnv.TEST_TENANT_RATE_LIMITER as RateLimit,
	},
	token: {
		limit: 20,
		periodSeconds: 10,
		limiter: () => testEnv.TEST_TOKEN_RATE_LIMITER as RateLimit,
	},
};
const app = createApp({ requestRates: SMALL });

async function get(token: string): Promise<CallResult> {
	const ctx = createExecutionContext();
	const res = await app.fetch(
		new Request(`${BASE}/v1/workflows?limit=1`, { headers: { authorization: `Bearer ${token}` } }),
		env,
		ctx,
	);
	await waitOnExecutionContext(ctx);
	const text = await res.text();
	return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

/** Waits for the start of the next window (windows start on multiples of the period). */
const windowStart = () =>
	new Promise((resolve) => setTimeout(resolve, 10_000 - (Date.now() % 10_000)));

/** `count` requests at once, round-robin over the tokens. */
const flood = (tokens: string[], count: number) =>
	Promise.all(Array.from({ length: count }, (_, i) => get(tokens[i % tokens.length] as string)));

function expectLimited(answers: CallResult[], name: "tenant" | "token") {
	const ok = answers.filter((a) => a.status === 200);
	const limited = answers.filter((a) => a.status === 429);
	expect(ok.length + limited.length).toBe(answers.length);
	// Exactly the quota passes within the window; every other request is refused.
	expect(ok).toHaveLength(SMALL[name].limit);
	const first = limited[0] as CallResult;
	const problem = expectProblem(first, 429, "rate_limited");
	expect(problem.detail).toContain(`More than ${SMALL[name].limit} requests in 10 seconds`);
	const wait = Number(first.headers.get("retry-after"));
	expect(wait).toBeGreaterThanOrEqual(1);
	expect(wait).toBeLessThanOrEqual(10);
	expect(first.headers.get("ratelimit")).toBe(`"${name}";r=0;t=${wait}`);
	expect(first.headers.get("ratelimit-policy")).toBe('"tenant";q=40;w=10, "token";q=20;w=10');
}

describe("request quotas per credential and per tenant (Workers Rate Limiting)", {
	timeout: 60_000,
}, () => {
	it("refuses one credential past its quota with 429, Retry-After and RateLimit fields; its tenant's other credentials go on", async () => {
		const tenant = uniqueTenant("rate");
		const busy = await tokenFor({ tenant, role: "viewer", sub: "busy@x" });
		const calm = await tokenFor({ tenant, role: "viewer", sub: "calm@x" });
		await windowStart();
		expectLimited(await flood([busy], 30), "token");
		expect((await get(calm)).status).toBe(200);
		expect((await get(await tokenFor({ tenant: uniqueTenant("rate") }))).status).toBe(200);
	});

	it("refuses a tenant past its quota whichever credential asks; other tenants go on", async () => {
		const tenant = uniqueTenant("rate");
		// Four credentials, 12 requests each: none reaches its own quota of 20, the tenant's 40 is.
		const tokens = await Promise.all(
			["a", "b", "c", "d"].map((who) => tokenFor({ tenant, role: "viewer", sub: `${who}@x` })),
		);
		await windowStart();
		expectLimited(await flood(tokens, 48), "tenant");
		expect((await get(await tokenFor({ tenant: uniqueTenant("rate") }))).status).toBe(200);
	});

	it("runs the app with the quotas it announces: wrangler.toml's bindings count exactly those", async () => {
		const res = await SELF.fetch(`${BASE}/v1/workflows?limit=1`, {
			headers: { authorization: `Bearer ${await tokenFor({ tenant: uniqueTenant("rate") })}` },
		});
		expect(res.status).toBe(200);
		for (const name of ["tenant", "token"] as const) {
			const { limit, limiter } = REQUEST_RATES[name];
			const key = `probe-${crypto.randomUUID()}`;
			await windowStart();
			const outcomes = await Promise.all(
				Array.from({ length: limit + 5 }, () => limiter(env).limit({ key })),
			);
			expect(
				outcomes.filter((o) => o.success),
				name,
			).toHaveLength(limit);
		}
	});
});

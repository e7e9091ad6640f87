import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { apiKeyFrom } from "./api-key-helpers";
import { as, call, expectProblem, tokenFor, uniqueTenant } from "./helpers";

async function makeCode(token: string) {
	const res = await call("/v1/auth/sign-in-codes", { method: "POST", token });
	expect(res.status).toBe(201);
	return res.body as { code: string; expiresAt: string; signInUrl: string };
}

const exchange = (code: unknown) =>
	call("/auth/sign-in", { method: "POST", token: null, body: { code } });

describe("one-time sign-in codes", () => {
	it("stand for the token that made them, once, for five minutes", async () => {
		const token = await tokenFor({ tenant: uniqueTenant(), role: "admin" });
		const before = Date.now();
		const made = await makeCode(token);
		const expiresAt = Date.parse(made.expiresAt);
		expect(expiresAt - before).toBeGreaterThan(4 * 60_000);
		expect(expiresAt - before).toBeLessThanOrEqual(5 * 60_000 + 1000);
		expect(made.signInUrl).toMatch(/\/admin#code=[\w-]{43}$/);

		const first = await exchange(made.code);
		expect(first.status).toBe(200);
		expect(first.body).toEqual({ token });
		expect(first.headers.get("cache-control")).toBe("no-store");
		// The token works: the page signs in with it.
		expect((await call("/v1/workflows", { token: first.body.token })).status).toBe(200);

		// Spent: the second use is the same 401 as a code never made.
		expectProblem(await exchange(made.code), 401, "invalid_sign_in_code");
		expectProblem(await exchange("never-made-0123456789"), 401, "invalid_sign_in_code");
	});

	it("holds no usable token at rest, and an expired code is dead", async () => {
		const tenant = uniqueTenant();
		const token = await tokenFor({ tenant });
		const made = await makeCode(token);
		const row = await env.DB.prepare("SELECT * FROM sign_in_codes WHERE tenant_id = ?")
			.bind(tenant)
			.first<Record<string, unknown>>();
		expect(JSON.stringify(row)).not.toContain(token);
		expect(JSON.stringify(row)).not.toContain(made.code);

		await env.DB.prepare("UPDATE sign_in_codes SET expires_at = ? WHERE tenant_id = ?")
			.bind(Date.now() - 1, tenant)
			.run();
		expectProblem(await exchange(made.code), 401, "invalid_sign_in_code");
	});

	it("needs a token to make one, and a well-formed body to exchange one", async () => {
		expectProblem(
			await call("/v1/auth/sign-in-codes", { method: "POST", token: null }),
			401,
			"unauthorized",
		);
		expectProblem(await exchange(42), 422, "validation_failed");
		const extra = await call("/auth/sign-in", {
			method: "POST",
			token: null,
			body: { code: "x", token: "y" },
		});
		expectProblem(extra, 422, "validation_failed");
	});

	it("are for people: an API key may not make one", async () => {
		const admin = await as({ tenant: uniqueTenant(), role: "admin" });
		const key = await apiKeyFrom(admin, { scopes: ["admin"] });
		const res = await call("/v1/auth/sign-in-codes", { method: "POST", token: key.token });
		expectProblem(res, 403, "forbidden");
	});

	it("of two racing exchanges, exactly one gets the token", async () => {
		const made = await makeCode(await tokenFor({ tenant: uniqueTenant() }));
		const answers = await Promise.all([exchange(made.code), exchange(made.code)]);
		expect(answers.map((a) => a.status).sort()).toEqual([200, 401]);
	});
});

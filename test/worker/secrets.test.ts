import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { readSecretValue, readSecretValues } from "../../worker/secrets/secret-values";
import { as, expectProblem, uniqueTenant } from "./helpers";

const CANARY = "sk_live_Canary-Ünïcødé+/=?&-0123456789";

/** Every form a leaked value could take in a stored row. */
const forms = (value: string) => [
	value,
	encodeURIComponent(value),
	Buffer.from(value).toString("base64"),
	Buffer.from(value).toString("base64url"),
];

async function rawRows(tenant: string) {
	return (await env.DB.prepare("SELECT * FROM secrets WHERE tenant_id = ?").bind(tenant).all())
		.results as Record<string, unknown>[];
}

describe("PUT/GET/DELETE /v1/secrets", () => {
	it("stores a value encrypted, answers metadata only, and bumps the version on replace", async () => {
		const tenant = uniqueTenant("sec");
		const admin = await as({ tenant, role: "admin", sub: "ada@acme.test" });
		const created = await admin.call("/v1/secrets/GITHUB_TOKEN", {
			method: "PUT",
			body: { value: CANARY, description: "deploy bot" },
		});
		expect(created.status).toBe(201);
		expect(created.headers.get("location")).toBe("/v1/secrets/GITHUB_TOKEN");
		expect(created.body).toMatchObject({
			name: "GITHUB_TOKEN",
			description: "deploy bot",
			version: 1,
			createdBy: "ada@acme.test",
			updatedBy: "ada@acme.test",
			lastUsedAt: null,
		});

		const replaced = await admin.call("/v1/secrets/GITHUB_TOKEN", {
			method: "PUT",
			body: { value: `${CANARY}-v2` },
		});
		expect(replaced.status).toBe(200);
		expect(replaced.body).toMatchObject({ version: 2, description: "deploy bot" });

		const one = await admin.call("/v1/secrets/GITHUB_TOKEN");
		const list = await admin.call("/v1/secrets");
		expect(one.body).toEqual(replaced.body);
		expect(list.body).toEqual({ data: [replaced.body], nextCursor: null });
		for (const res of [created, replaced, one, list]) {
			const text = JSON.stringify(res.body);
			for (const form of forms(CANARY)) expect(text).not.toContain(form);
		}

		const [row] = await rawRows(tenant);
		expect(row).toMatchObject({ name: "GITHUB_TOKEN", key_id: "test", version: 2 });
		const rowText = JSON.stringify(row);
		for (const form of forms(CANARY)) expect(rowText).not.toContain(form);
		expect(await readSecretValue(env, tenant, "GITHUB_TOKEN")).toBe(`${CANARY}-v2`);

		const deleted = await admin.call("/v1/secrets/GITHUB_TOKEN", { method: "DELETE" });
		expect(deleted.status).toBe(204);
		expectProblem(await admin.call("/v1/secrets/GITHUB_TOKEN"), 404, "not_found");
		expectProblem(
			await admin.call("/v1/secrets/GITHUB_TOKEN", { method: "DELETE" }),
			404,
			"not_found",
		);
		expect(await rawRows(tenant)).toEqual([]);
	});

	it("pages the list by name", async () => {
		const admin = await as({ tenant: uniqueTenant("sec"), role: "admin" });
		for (const name of ["c", "a", "b"]) {
			await admin.call(`/v1/secrets/${name}`, { method: "PUT", body: { value: name } });
		}
		const first = await admin.call("/v1/secrets?limit=2");
		expect(first.body.data.map((s: { name: string }) => s.name)).toEqual(["a", "b"]);
		const second = await admin.call(`/v1/secrets?limit=2&cursor=${first.body.nextCursor}`);
		expect(second.body).toMatchObject({ data: [{ name: "c" }], nextCursor: null });
	});

	it("shows members and viewers names only, and lets neither write", async () => {
		const tenant = uniqueTenant("sec");
		const admin = await as({ tenant, role: "admin" });
		await admin.call("/v1/secrets/API_KEY", {
			method: "PUT",
			body: { value: CANARY, description: "who wrote this is an admin's business" },
		});
		for (const role of ["member", "viewer"] as const) {
			const caller = await as({ tenant, role });
			expect((await caller.call("/v1/secrets")).body).toEqual({
				data: [{ name: "API_KEY" }],
				nextCursor: null,
			});
			expect((await caller.call("/v1/secrets/API_KEY")).body).toEqual({ name: "API_KEY" });
			const put = await caller.call("/v1/secrets/API_KEY", {
				method: "PUT",
				body: { value: "overwritten" },
			});
			expect(expectProblem(put, 403, "forbidden").detail).toMatch(/needs admin/);
			expectProblem(
				await caller.call("/v1/secrets/NEW_ONE", { method: "PUT", body: { value: "x" } }),
				403,
				"forbidden",
			);
			expectProblem(
				await caller.call("/v1/secrets/API_KEY", { method: "DELETE" }),
				403,
				"forbidden",
			);
		}
		expect((await rawRows(tenant)).map((r) => [r.name, r.version])).toEqual([["API_KEY", 1]]);
		expect(await readSecretValue(env, tenant, "API_KEY")).toBe(CANARY);
	});

	it("keeps tenants apart: another tenant's name is 404 and never its value", async () => {
		const acme = await as({ tenant: uniqueTenant("acme"), role: "admin" });
		const globexTenant = uniqueTenant("globex");
		const globex = await as({ tenant: globexTenant, role: "admin" });
		await acme.call("/v1/secrets/SHARED_NAME", { method: "PUT", body: { value: CANARY } });
		expectProblem(await globex.call("/v1/secrets/SHARED_NAME"), 404, "not_found");
		expectProblem(
			await globex.call("/v1/secrets/SHARED_NAME", { method: "DELETE" }),
			404,
			"not_found",
		);
		expect((await globex.call("/v1/secrets")).body.data).toEqual([]);
		expect(await readSecretValue(env, globexTenant, "SHARED_NAME")).toBeNull();
		expect((await acme.call("/v1/secrets/SHARED_NAME")).status).toBe(200);
	});

	it("answers bad input with a problem document naming the field, storing nothing", async () => {
		const tenant = uniqueTenant("sec");
		const admin = await as({ tenant, role: "admin" });
		const bad: [string, unknown, string, RegExp][] = [
			["/v1/secrets/1starts-with-digit", { value: "x" }, "/name", /letters, digits/],
			["/v1/secrets/has.dot", { value: "x" }, "/name", /letters, digits/],
			[`/v1/secrets/${"n".repeat(101)}`, { value: "x" }, "/name", /100/],
			["/v1/secrets/TOO_BIG", { value: "é".repeat(32 * 1024) + "x" }, "/value", /64 KiB/],
			["/v1/secrets/EMPTY", { value: "" }, "/value", /empty/],
			["/v1/secrets/NUMBER", { value: 12345 }, "/value", /string/],
			["/v1/secrets/EXTRA", { value: "x", owner: "me" }, "/owner", /./],
			["/v1/secrets/NO_VALUE", { description: "x" }, "/value", /./],
		];
		for (const [path, body, pointer, message] of bad) {
			const res = await admin.call(path, { method: "PUT", body });
			const problem = expectProblem(res, 422, "validation_failed");
			expect(problem.errors?.[0]?.pointer, path).toBe(pointer);
			expect(problem.errors?.[0]?.message, path).toMatch(message);
			expect(JSON.stringify(res.body)).not.toContain("éé");
		}
		// Exactly 64 KiB of UTF-8 is allowed.
		const fits = await admin.call("/v1/secrets/FITS", {
			method: "PUT",
			body: { value: "é".repeat(32 * 1024) },
		});
		expect(fits.status).toBe(201);
		expect((await rawRows(tenant)).map((r) => r.name)).toEqual(["FITS"]);
	});

	it("holds at most 500 secrets per tenant, also against concurrent writes; replacing still works", async () => {
		const tenant = uniqueTenant("cap");
		const admin = await as({ tenant, role: "admin" });
		const now = Date.now();
		const insert = env.DB.prepare(
			"INSERT INTO secrets (tenant_id, name, version, key_id, ciphertext, created_at, created_by, updated_at, updated_by) VALUES (?, ?, 1, 'test', 'AAAA', ?, 'seed', ?, 'seed')",
		);
		await env.DB.batch(
			Array.from({ length: 498 }, (_, i) => insert.bind(tenant, `s${i}`, now, now)),
		);
		const [a, b] = await Promise.all(
			["RACE_A", "RACE_B"].map((name) =>
				admin.call(`/v1/secrets/${name}`, { method: "PUT", body: { value: "v" } }),
			),
		);
		expect([a?.status, b?.status].sort()).toEqual([201, 201]);
		const [c, d] = await Promise.all(
			["RACE_C", "RACE_D"].map((name) =>
				admin.call(`/v1/secrets/${name}`, { method: "PUT", body: { value: "v" } }),
			),
		);
		for (const res of [c, d]) {
			expect(expectProblem(res as never, 409, "conflict").detail).toMatch(/500 secrets/);
		}
		expect((await rawRows(tenant)).length).toBe(500);
		const replaced = await admin.call("/v1/secrets/RACE_A", {
			method: "PUT",
			body: { value: "w" },
		});
		expect(replaced.status).toBe(200);
		expect(replaced.body.version).toBe(2);
	});
});

describe("readSecretValues (what runs and webhook triggers use)", () => {
	it("decrypts only the names asked for, skips missing ones and records when they were used", async () => {
		const tenant = uniqueTenant("read");
		const admin = await as({ tenant, role: "admin" });
		await admin.call("/v1/secrets/A", { method: "PUT", body: { value: "alpha" } });
		await admin.call("/v1/secrets/B", { method: "PUT", body: { value: "beta" } });
		const values = await readSecretValues(env, tenant, ["A", "MISSING"], { now: 1_000_000 });
		expect([...values]).toEqual([["A", "alpha"]]);
		const a = await admin.call("/v1/secrets/A");
		const b = await admin.call("/v1/secrets/B");
		expect(a.body.lastUsedAt).toBe(new Date(1_000_000).toISOString());
		expect(b.body.lastUsedAt).toBeNull();
		// Within a minute of the last recorded use, a read writes nothing.
		await readSecretValues(env, tenant, ["A"], { now: 1_030_000 });
		expect((await admin.call("/v1/secrets/A")).body.lastUsedAt).toBe(a.body.lastUsedAt);
	});
});

import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { apiKeyFrom } from "./api-key-helpers";
import { as, call, expectProblem, uniqueTenant } from "./helpers";
import { tenantWithWorkflow, waitingWorkflow } from "./runs-helpers";

const sha256 = async (text: string) =>
	[...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)))]
		.map((b) => b.toString(16).padStart(2, "0"))
		.join("");

const adminOf = (tenant = uniqueTenant("keys")) => as({ tenant, role: "admin", sub: "ada@x" });

describe("POST /v1/api-keys", () => {
	it("answers the key once, stl_ and 256 random bits, and keeps only its SHA-256", async () => {
		const admin = await adminOf();
		const res = await admin.call("/v1/api-keys", {
			method: "POST",
			body: { name: "ci", role: "member", scopes: ["runs:write", "workflows:read"] },
		});
		expect(res.status).toBe(201);
		const { key, id } = res.body;
		expect(key).toMatch(/^stl_[A-Za-z0-9_-]{43}$/);
		expect(res.headers.get("location")).toBe(`/v1/api-keys/${id}`);
		expect(res.body).toMatchObject({
			id: expect.stringMatching(/^key_[0-9a-f]{24}$/),
			name: "ci",
			prefix: key.slice(0, 12),
			role: "member",
			scopes: ["runs:write", "workflows:read"],
			createdBy: "ada@x",
			lastUsedAt: null,
			expiresAt: null,
			revokedAt: null,
		});
		const row = await env.DB.prepare("SELECT * FROM api_keys WHERE id = ?").bind(id).first();
		expect(row?.key_hash).toBe(await sha256(key));
		expect(JSON.stringify(row)).not.toContain(key.slice(12));
		// Never again: not in the listing, not in the key's own metadata.
		const listed = await admin.call("/v1/api-keys");
		const read = await admin.call(`/v1/api-keys/${id}`);
		for (const body of [listed.body, read.body]) expect(JSON.stringify(body)).not.toContain(key);
		// Two keys never share their secret part.
		const other = await apiKeyFrom(admin, { scopes: ["runs:read"] });
		expect(other.key).not.toBe(key);
	});

	it("refuses bad requests with pointers", async () => {
		const admin = await adminOf();
		const cases: [Record<string, unknown>, string][] = [
			[{ name: "x", role: "member", scopes: ["runs:execute"] }, "/scopes/0"],
			[{ name: "x", role: "member", scopes: [] }, "/scopes"],
			[{ name: "x", role: "member", scopes: ["runs:read", "runs:read"] }, "/scopes"],
			[{ name: "x", role: "owner", scopes: ["runs:read"] }, "/role"],
			[{ name: " ", role: "member", scopes: ["runs:read"] }, "/name"],
			[
				{ name: "x", role: "member", scopes: ["runs:read"], expiresAt: "2020-01-01T00:00:00Z" },
				"/expiresAt",
			],
			[{ name: "x", role: "member", scopes: ["runs:read"], team: "a" }, "/team"],
		];
		for (const [body, pointer] of cases) {
			const problem = expectProblem(
				await admin.call("/v1/api-keys", { method: "POST", body }),
				422,
				"validation_failed",
			);
			expect(
				problem.errors?.map((e) => e.pointer),
				JSON.stringify(body),
			).toContain(pointer);
		}
	});

	it("is for admins: a member is 403, and so is a token whose scope claim lacks admin", async () => {
		const tenant = uniqueTenant("keys");
		const member = await as({ tenant, role: "member" });
		expectProblem(
			await member.call("/v1/api-keys", {
				method: "POST",
				body: { name: "x", role: "member", scopes: ["runs:read"] },
			}),
			403,
			"forbidden",
		);
		const scoped = await as({ tenant, role: "admin", claims: { scope: "runs:write" } });
		const problem = expectProblem(await scoped.call("/v1/api-keys"), 403, "insufficient_scope");
		expect(problem.detail).toContain("admin");
	});
});

describe("an API key as a credential", () => {
	it("acts as a principal of its own: runs it starts show it as initiator", async () => {
		const { admin, identifier } = await tenantWithWorkflow();
		const ci = await apiKeyFrom(admin, { role: "member", scopes: ["runs:write"] });
		const started = await ci.call(`/v1/workflows/${identifier}/runs`, {
			method: "POST",
			body: { inputs: { message: "from ci" } },
		});
		expect(started.status).toBe(202);
		expect(started.body).toMatchObject({ initiator: ci.subject, requestedBy: ci.subject });
		// runs:write grants runs:read: the key reads its own run back, and lists it by initiator.
		expect((await ci.call(`/v1/workflows/runs/${started.body.id}`)).status).toBe(200);
		const listed = await admin.call(`/v1/workflows/runs?initiatedBy=${ci.subject}`);
		expect(listed.body.data.map((r: { id: string }) => r.id)).toEqual([started.body.id]);
	});

	it("records when it was last used", async () => {
		const admin = await adminOf();
		const key = await apiKeyFrom(admin, { scopes: ["workflows:read"] });
		const before = Date.now();
		expect((await key.call("/v1/workflows")).status).toBe(200);
		await expect
			.poll(async () => (await admin.call(`/v1/api-keys/${key.id}`)).body.lastUsedAt)
			.not.toBeNull();
		const used = Date.parse((await admin.call(`/v1/api-keys/${key.id}`)).body.lastUsedAt);
		expect(used).toBeGreaterThanOrEqual(before);
	});

	it("stops working on the next request after it is revoked", async () => {
		const admin = await adminOf();
		const key = await apiKeyFrom(admin, { scopes: ["workflows:read"] });
		expect((await key.call("/v1/workflows")).status).toBe(200);
		expect((await admin.call(`/v1/api-keys/${key.id}`, { method: "DELETE" })).status).toBe(204);
		const problem = expectProblem(await key.call("/v1/workflows"), 401, "invalid_token");
		expect(problem.detail).toContain("revoked");
		const read = await admin.call(`/v1/api-keys/${key.id}`);
		expect(read.body).toMatchObject({ revokedBy: "ada@x", revokedAt: expect.any(String) });
		// Revoking it again changes nothing.
		expect((await admin.call(`/v1/api-keys/${key.id}`, { method: "DELETE" })).status).toBe(204);
		expect((await admin.call(`/v1/api-keys/${key.id}`)).body.revokedAt).toBe(read.body.revokedAt);
	});

	it("stops working when it expires", async () => {
		const admin = await adminOf();
		const expiresAt = new Date(Date.now() + 1500).toISOString();
		const key = await apiKeyFrom(admin, { scopes: ["workflows:read"], expiresAt });
		expect((await admin.call(`/v1/api-keys/${key.id}`)).body.expiresAt).toBe(expiresAt);
		await new Promise((r) => setTimeout(r, Date.parse(expiresAt) - Date.now() + 50));
		const problem = expectProblem(await key.call("/v1/workflows"), 401, "invalid_token");
		expect(problem.detail).toContain("expired");
	});

	it("is refused when it is not a key this API issued", async () => {
		for (const token of ["stl_short", `stl_${"A".repeat(43)}`]) {
			const res = await call("/v1/workflows", { token });
			expectProblem(res, 401, "invalid_token");
			expect(res.headers.get("www-authenticate")).toContain('error="invalid_token"');
		}
		// A JWT may not pose as a key's principal.
		const posing = await as({ sub: "apikey:key_000000000000000000000000" });
		expectProblem(await posing.call("/v1/workflows"), 401, "invalid_token");
	});

	it("never crosses tenants: its tenant is the one that made it", async () => {
		const a = await tenantWithWorkflow(waitingWorkflow("only_in_a"));
		const b = await adminOf();
		const keyOfB = await apiKeyFrom(b, { scopes: ["admin"] });
		const run = await a.alice.call("/v1/workflows/only_in_a/runs", {
			method: "POST",
			body: { inputs: { message: "x" } },
		});
		expect((await keyOfB.call("/v1/workflows")).body.data).toEqual([]);
		expectProblem(await keyOfB.call("/v1/workflows/only_in_a"), 404, "not_found");
		expectProblem(await keyOfB.call(`/v1/workflows/runs/${run.body.id}`), 404, "not_found");
		// Nor can another tenant's admin see or revoke it.
		const keyOfA = await apiKeyFrom(a.admin, { scopes: ["runs:read"] });
		expectProblem(await keyOfB.call(`/v1/api-keys/${keyOfA.id}`), 404, "not_found");
		expectProblem(
			await b.call(`/v1/api-keys/${keyOfA.id}`, { method: "DELETE" }),
			404,
			"not_found",
		);
		expect((await keyOfA.call(`/v1/workflows/runs/${run.body.id}`)).status).toBe(200);
	});

	it("keeps its role: a viewer key with runs:write may not start runs", async () => {
		const { admin, identifier } = await tenantWithWorkflow();
		const viewerKey = await apiKeyFrom(admin, { role: "viewer", scopes: ["runs:write"] });
		const problem = expectProblem(
			await viewerKey.call(`/v1/workflows/${identifier}/runs`, {
				method: "POST",
				body: { inputs: { message: "x" } },
			}),
			403,
			"forbidden",
		);
		expect(problem.detail).toContain("viewer");
	});
});

describe("GET /v1/api-keys", () => {
	it("lists metadata newest first, revoked keys included, a page at a time", async () => {
		const admin = await adminOf();
		const made = [];
		for (const name of ["first", "second", "third"])
			made.push(await apiKeyFrom(admin, { name, scopes: ["runs:read"] }));
		await admin.call(`/v1/api-keys/${made[0]?.id}`, { method: "DELETE" });
		const first = await admin.call("/v1/api-keys?limit=2");
		expect(first.body.data.map((k: { name: string }) => k.name)).toEqual(["third", "second"]);
		const rest = await admin.call(`/v1/api-keys?limit=2&cursor=${first.body.nextCursor}`);
		expect(rest.body.data).toEqual([
			expect.objectContaining({ name: "first", revokedAt: expect.any(String) }),
		]);
		expect(rest.body.nextCursor).toBeNull();
	});
});

describe("runnableViaApi", () => {
	it("false refuses API keys (start, batch, retry) while people signed in still start it", async () => {
		const { admin, alice, identifier } = await tenantWithWorkflow(
			waitingWorkflow("people_only", { runnableViaApi: false, allowAnyoneToViewRuns: true }),
		);
		const key = await apiKeyFrom(admin, { role: "member", scopes: ["runs:write"] });
		const refused = expectProblem(
			await key.call(`/v1/workflows/${identifier}/runs`, {
				method: "POST",
				body: { inputs: { message: "x" } },
			}),
			403,
			"not_runnable_via_api",
		);
		expect(refused.detail).toContain(identifier);
		expectProblem(
			await key.call(`/v1/workflows/${identifier}/runs/batch`, {
				method: "POST",
				body: { runs: [{ inputs: { message: "x" } }] },
			}),
			403,
			"not_runnable_via_api",
		);
		// The admin page's start form is a person's JWT: that still starts it.
		const started = await alice.call(`/v1/workflows/${identifier}/runs`, {
			method: "POST",
			body: { inputs: { message: "x" } },
		});
		expect(started.status).toBe(202);
		await alice.call(`/v1/workflows/runs/${started.body.id}/cancel`, { method: "POST" });
		expectProblem(
			await key.call(`/v1/workflows/runs/${started.body.id}/retry`, { method: "POST" }),
			403,
			"not_runnable_via_api",
		);
		// It is read from the workflow as it is now: switched on, the key may start it.
		await admin.call(`/v1/workflows/${identifier}`, {
			method: "PATCH",
			body: { runnableViaApi: true },
		});
		const allowed = await key.call(`/v1/workflows/${identifier}/runs`, {
			method: "POST",
			body: { inputs: { message: "x" } },
		});
		expect(allowed.status).toBe(202);
	});

	it("defaults to true", async () => {
		const { admin, identifier } = await tenantWithWorkflow();
		expect((await admin.call(`/v1/workflows/${identifier}`)).body.definition.runnableViaApi).toBe(
			true,
		);
	});
});

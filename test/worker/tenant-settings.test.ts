import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { tenantObject } from "../../durable-objects";
import { as, call, expectProblem, uniqueTenant } from "./helpers";

const SETTINGS = "/v1/tenant/settings";
const DEFAULTS = {
	maxConcurrentRuns: 5,
	defaultSigningSecret: null,
	errorWorkflow: null,
	maxRunDepth: 10,
	runRetentionDays: 30,
	maxWorkflows: 1000,
	maxVersionsPerWorkflow: 100,
	maxStreamsPerRun: 20,
	notifications: [],
};

describe("GET/PATCH /v1/tenant/settings", () => {
	it("gives a tenant never seen before the defaults, readable by every role", async () => {
		const tenant = uniqueTenant("set");
		for (const role of ["viewer", "member", "admin"] as const) {
			const res = await (await as({ tenant, role })).call(SETTINGS);
			expect(res.status, role).toBe(200);
			expect(res.body, role).toEqual({ ...DEFAULTS, maxConcurrentRuns: 5 });
		}
	});

	it("lets an admin change the limit, and the tenant's object admits by it at once", async () => {
		const tenant = uniqueTenant("set");
		const admin = await as({ tenant, role: "admin" });
		const stub = tenantObject(env, tenant);
		for (const runId of ["r1", "r2", "r3"]) await stub.acquireSlot(tenant, runId, Date.now());

		const lowered = await admin.call(SETTINGS, { method: "PATCH", body: { maxConcurrentRuns: 1 } });
		expect(lowered.status).toBe(200);
		expect(lowered.body).toEqual({ ...DEFAULTS, maxConcurrentRuns: 1 });
		expect(await stub.acquireSlot(tenant, "r4", Date.now())).toEqual({
			kind: "queued",
			position: 1,
		});

		const raised = await admin.call(SETTINGS, {
			method: "PATCH",
			body: { maxConcurrentRuns: 100 },
		});
		expect(raised.body).toEqual({ ...DEFAULTS, maxConcurrentRuns: 100 });
		expect((await stub.stats(tenant)).queued).toEqual([]);
		expect((await (await as({ tenant, role: "viewer" })).call(SETTINGS)).body).toEqual({
			...DEFAULTS,
			maxConcurrentRuns: 100,
			defaultSigningSecret: null,
		});

		// An empty patch changes nothing and answers with the settings.
		const empty = await admin.call(SETTINGS, { method: "PATCH", body: {} });
		expect(empty.body).toEqual({ ...DEFAULTS, maxConcurrentRuns: 100 });
	});

	it("sets and clears the default error workflow, and sets the depth cap of child runs", async () => {
		const admin = await as({ tenant: uniqueTenant("set"), role: "admin" });
		const set = await admin.call(SETTINGS, {
			method: "PATCH",
			body: { errorWorkflow: "page_on_call", maxRunDepth: 3 },
		});
		expect(set.body).toEqual({ ...DEFAULTS, errorWorkflow: "page_on_call", maxRunDepth: 3 });
		// A field left out keeps its value; null clears the error workflow.
		const cleared = await admin.call(SETTINGS, { method: "PATCH", body: { errorWorkflow: null } });
		expect(cleared.body).toEqual({ ...DEFAULTS, maxRunDepth: 3 });
	});

	it("keeps ended runs 30 days unless an admin sets 1 to 365, kept beside the other settings", async () => {
		const admin = await as({ tenant: uniqueTenant("set"), role: "admin" });
		const set = await admin.call(SETTINGS, {
			method: "PATCH",
			body: { runRetentionDays: 365, maxConcurrentRuns: 7 },
		});
		expect(set.body).toEqual({ ...DEFAULTS, runRetentionDays: 365, maxConcurrentRuns: 7 });
		// Changing another setting stored beside it leaves it as it is.
		await admin.call("/v1/secrets/SIGNING", {
			method: "PUT",
			body: { value: "whsec_c2lnbmluZw==" },
		});
		await admin.call(SETTINGS, { method: "PATCH", body: { defaultSigningSecret: "SIGNING" } });
		const read = await admin.call(SETTINGS);
		expect(read.body).toMatchObject({ runRetentionDays: 365, defaultSigningSecret: "SIGNING" });
		const past = await admin.call(SETTINGS, { method: "PATCH", body: { runRetentionDays: 400 } });
		const problem = expectProblem(past, 422, "validation_failed");
		expect(problem.errors?.[0]).toMatchObject({ pointer: "/runRetentionDays" });
		expect(problem.errors?.[0]?.message).toMatch(/365/);
		expect((await admin.call(SETTINGS)).body.runRetentionDays).toBe(365);
	});

	it("forbids members and viewers to change settings (403) and changes nothing", async () => {
		const tenant = uniqueTenant("set");
		for (const role of ["viewer", "member"] as const) {
			const res = await (await as({ tenant, role })).call(SETTINGS, {
				method: "PATCH",
				body: { maxConcurrentRuns: 50 },
			});
			expect(expectProblem(res, 403, "forbidden").detail).toContain("admin");
		}
		expect((await (await as({ tenant })).call(SETTINGS)).body).toEqual({
			...DEFAULTS,
			maxConcurrentRuns: 5,
		});
	});

	it("answers an unknown field, a wrong type or an out-of-range limit with 422 and its pointer", async () => {
		const admin = await as({ tenant: uniqueTenant("set"), role: "admin" });
		const cases: [unknown, string][] = [
			[{ maxConcurrentRuns: 5, maxRuns: 3 }, "/maxRuns"],
			[{ maxConcurrentRuns: "10" }, "/maxConcurrentRuns"],
			[{ maxConcurrentRuns: 0 }, "/maxConcurrentRuns"],
			[{ maxConcurrentRuns: 101 }, "/maxConcurrentRuns"],
			[{ maxConcurrentRuns: 2.5 }, "/maxConcurrentRuns"],
			[{ maxRunDepth: 0 }, "/maxRunDepth"],
			[{ maxRunDepth: 51 }, "/maxRunDepth"],
			[{ errorWorkflow: "not an identifier" }, "/errorWorkflow"],
			[{ runRetentionDays: 366 }, "/runRetentionDays"],
			[{ runRetentionDays: 0 }, "/runRetentionDays"],
			[{ runRetentionDays: 7.5 }, "/runRetentionDays"],
		];
		for (const [body, pointer] of cases) {
			const res = await admin.call(SETTINGS, { method: "PATCH", body });
			const problem = expectProblem(res, 422, "validation_failed");
			expect(
				problem.errors?.map((e) => e.pointer),
				JSON.stringify(body),
			).toContain(pointer);
		}
		expectProblem(
			await admin.call(SETTINGS, { method: "PATCH", rawBody: "{not json" }),
			400,
			"malformed_json",
		);
		expect((await admin.call(SETTINGS)).body).toEqual({ ...DEFAULTS, maxConcurrentRuns: 5 });
	});

	it("keeps each tenant's settings to itself", async () => {
		const a = await as({ tenant: uniqueTenant("a"), role: "admin" });
		const b = await as({ tenant: uniqueTenant("b"), role: "admin" });
		await a.call(SETTINGS, { method: "PATCH", body: { maxConcurrentRuns: 2 } });
		expect((await b.call(SETTINGS)).body).toEqual({ ...DEFAULTS, maxConcurrentRuns: 5 });
		await b.call(SETTINGS, { method: "PATCH", body: { maxConcurrentRuns: 9 } });
		expect((await a.call(SETTINGS)).body).toEqual({ ...DEFAULTS, maxConcurrentRuns: 2 });
	});

	it("asks for a token", async () => {
		expectProblem(await call(SETTINGS, { token: null }), 401, "unauthorized");
		expectProblem(
			await call(SETTINGS, { token: null, method: "PATCH", body: { maxConcurrentRuns: 3 } }),
			401,
			"unauthorized",
		);
	});
});

describe("the tenant's default signing secret", () => {
	it("names a stored secret (admins only), is refused for a name not stored, and clears with null", async () => {
		const tenant = uniqueTenant("sign");
		const admin = await as({ tenant, role: "admin" });
		const member = await as({ tenant, role: "member" });
		const unknown = await admin.call(SETTINGS, {
			method: "PATCH",
			body: { defaultSigningSecret: "NOT_STORED" },
		});
		expect(expectProblem(unknown, 422, "validation_failed").errors?.[0]).toMatchObject({
			pointer: "/defaultSigningSecret",
			code: "unknown_secret",
		});
		await admin.call("/v1/secrets/SIGNING", {
			method: "PUT",
			body: { value: "whsec_c2lnbmluZw==" },
		});
		expectProblem(
			await member.call(SETTINGS, { method: "PATCH", body: { defaultSigningSecret: "SIGNING" } }),
			403,
			"forbidden",
		);
		const set = await admin.call(SETTINGS, {
			method: "PATCH",
			body: { defaultSigningSecret: "SIGNING" },
		});
		expect(set.body).toEqual({ ...DEFAULTS, defaultSigningSecret: "SIGNING" });
		expect((await member.call(SETTINGS)).body.defaultSigningSecret).toBe("SIGNING");
		const cleared = await admin.call(SETTINGS, {
			method: "PATCH",
			body: { defaultSigningSecret: null },
		});
		expect(cleared.body).toEqual(DEFAULTS);
	});
});

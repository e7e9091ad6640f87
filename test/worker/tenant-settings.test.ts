import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { tenantObject } from "../../durable-objects";
import { as, call, expectProblem, uniqueTenant } from "./helpers";

const SETTINGS = "/v1/tenant/settings";

describe("GET/PATCH /v1/tenant/settings", () => {
	it("gives a tenant never seen before the defaults, readable by every role", async () => {
		const tenant = uniqueTenant("set");
		for (const role of ["viewer", "member", "admin"] as const) {
			const res = await (await as({ tenant, role })).call(SETTINGS);
			expect(res.status, role).toBe(200);
			expect(res.body, role).toEqual({ maxConcurrentRuns: 5 });
		}
	});

	it("lets an admin change the limit, and the tenant's object admits by it at once", async () => {
		const tenant = uniqueTenant("set");
		const admin = await as({ tenant, role: "admin" });
		const stub = tenantObject(env, tenant);
		for (const runId of ["r1", "r2", "r3"]) await stub.acquireSlot(tenant, runId, Date.now());

		const lowered = await admin.call(SETTINGS, { method: "PATCH", body: { maxConcurrentRuns: 1 } });
		expect(lowered.status).toBe(200);
		expect(lowered.body).toEqual({ maxConcurrentRuns: 1 });
		expect(await stub.acquireSlot(tenant, "r4", Date.now())).toEqual({
			kind: "queued",
			position: 1,
		});

		const raised = await admin.call(SETTINGS, {
			method: "PATCH",
			body: { maxConcurrentRuns: 100 },
		});
		expect(raised.body).toEqual({ maxConcurrentRuns: 100 });
		expect((await stub.stats(tenant)).queued).toEqual([]);
		expect((await (await as({ tenant, role: "viewer" })).call(SETTINGS)).body).toEqual({
			maxConcurrentRuns: 100,
		});

		// An empty patch changes nothing and answers with the settings.
		const empty = await admin.call(SETTINGS, { method: "PATCH", body: {} });
		expect(empty.body).toEqual({ maxConcurrentRuns: 100 });
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
		expect((await (await as({ tenant })).call(SETTINGS)).body).toEqual({ maxConcurrentRuns: 5 });
	});

	it("answers an unknown field, a wrong type or an out-of-range limit with 422 and its pointer", async () => {
		const admin = await as({ tenant: uniqueTenant("set"), role: "admin" });
		const cases: [unknown, string][] = [
			[{ maxConcurrentRuns: 5, maxRuns: 3 }, "/maxRuns"],
			[{ maxConcurrentRuns: "10" }, "/maxConcurrentRuns"],
			[{ maxConcurrentRuns: 0 }, "/maxConcurrentRuns"],
			[{ maxConcurrentRuns: 101 }, "/maxConcurrentRuns"],
			[{ maxConcurrentRuns: 2.5 }, "/maxConcurrentRuns"],
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
		expect((await admin.call(SETTINGS)).body).toEqual({ maxConcurrentRuns: 5 });
	});

	it("keeps each tenant's settings to itself", async () => {
		const a = await as({ tenant: uniqueTenant("a"), role: "admin" });
		const b = await as({ tenant: uniqueTenant("b"), role: "admin" });
		await a.call(SETTINGS, { method: "PATCH", body: { maxConcurrentRuns: 2 } });
		expect((await b.call(SETTINGS)).body).toEqual({ maxConcurrentRuns: 5 });
		await b.call(SETTINGS, { method: "PATCH", body: { maxConcurrentRuns: 9 } });
		expect((await a.call(SETTINGS)).body).toEqual({ maxConcurrentRuns: 2 });
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

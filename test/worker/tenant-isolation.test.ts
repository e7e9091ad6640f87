import { describe, expect, it } from "vitest";
import { as, call, sampleWorkflow, uniqueTenant } from "./helpers";

const MARKER = "tenant-a-private-title";

/** Values for path parameters: tenant A's real objects, so only the tenant differs. */
const PARAMS: Record<string, string> = { identifier: "secret_wf", version: "1" };

/**
 * Operations that may legitimately succeed for tenant B because they act on B's own namespace
 * (creating a workflow with the same identifier is B's workflow, not A's).
 */
const OWN_NAMESPACE_WRITES = new Set(["post /v1/workflows", "put /v1/workflows/{identifier}"]);

/** Routes about the caller's own tenant: B reads and changes its own settings, never A's. */
const OWN_TENANT = new Set(["get /v1/tenant/settings", "patch /v1/tenant/settings"]);

describe("tenant isolation", () => {
	it("walks every route in the OpenAPI document with another tenant's token: 404, no data", async () => {
		const tenantA = await as({ tenant: uniqueTenant("a") });
		const created = await tenantA.call("/v1/workflows", {
			method: "POST",
			body: sampleWorkflow("secret_wf", MARKER),
		});
		expect(created.status).toBe(201);

		const tenantB = await as({ tenant: uniqueTenant("b"), role: "admin" });
		const doc = (await call("/openapi.json", { token: null })).body;
		// B's own creates go last, so every read before them must come back empty or 404.
		const operations = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
			.flatMap(([path, ops]) => Object.keys(ops).map((method) => ({ method, path })))
			.sort(
				(x, y) =>
					Number(OWN_NAMESPACE_WRITES.has(`${x.method} ${x.path}`)) -
					Number(OWN_NAMESPACE_WRITES.has(`${y.method} ${y.path}`)),
			);
		expect(operations.length).toBeGreaterThanOrEqual(8);

		for (const { method, path } of operations) {
			const url = path.replace(/\{(\w+)\}/g, (_, name: string) => PARAMS[name] ?? "x");
			const key = `${method} ${path}`;
			const body = ["post", "put", "patch"].includes(method)
				? key === "patch /v1/tenant/settings"
					? { maxConcurrentRuns: 7 }
					: method === "patch"
						? { title: "hijacked" }
						: sampleWorkflow("secret_wf", "tenant B's own")
				: undefined;
			const res = await tenantB.call(url, { method: method.toUpperCase(), body });
			expect(JSON.stringify(res.body), key).not.toContain(MARKER);
			if (OWN_TENANT.has(key)) {
				expect(res.status, key).toBe(200);
				expect(res.body.maxConcurrentRuns, key).toBeTypeOf("number");
			} else if (OWN_NAMESPACE_WRITES.has(key)) {
				expect([200, 201], key).toContain(res.status);
			} else if (path.includes("{")) {
				expect(res.status, key).toBe(404);
			} else {
				expect(res.status, key).toBe(200);
				expect(res.body.data, key).toEqual([]);
			}
		}

		// Tenant A's workflow is exactly as it was.
		const after = await tenantA.call("/v1/workflows/secret_wf");
		expect(after.body).toMatchObject({ title: MARKER, version: 1 });
		expect((await tenantA.call("/v1/tenant/settings")).body).toEqual({ maxConcurrentRuns: 5 });
	});
});

import { describe, expect, it } from "vitest";
import { as, call, sampleWorkflow, uniqueTenant } from "./helpers";

const MARKER = "tenant-a-private-title";

/**
 * Operations that may legitimately succeed for tenant B because they act on B's own namespace
 * (creating a workflow with the same identifier is B's workflow, not A's).
 */
const OWN_NAMESPACE_WRITES = new Set([
	"post /v1/workflows",
	"put /v1/workflows/{identifier}",
	"put /v1/secrets/{name}",
	"post /v1/api-keys",
	// A sign-in code for B's own token: it signs B in to B.
	"post /v1/auth/sign-in-codes",
]);

/** Routes about the caller's own tenant: B reads and changes its own settings, never A's. */
const OWN_TENANT = new Set(["get /v1/tenant/settings", "patch /v1/tenant/settings"]);

/** What B's own calls left: its audit log and failed starts (B refused on A's objects). */
const OWN_RECORDS = new Set(["get /v1/audit-log", "get /v1/workflows/runs/failed-starts"]);

/** Bodies for the routes that take one; anything else is sent without a body. */
const BODIES: Record<string, unknown> = {
	"post /v1/workflows": sampleWorkflow("secret_wf", "tenant B's own"),
	"put /v1/workflows/{identifier}": sampleWorkflow("secret_wf", "tenant B's own"),
	"patch /v1/workflows/{identifier}": { title: "hijacked" },
	"patch /v1/tenant/settings": { maxConcurrentRuns: 7 },
	"post /v1/workflows/{identifier}/runs": { inputs: { service: "api" } },
	"post /v1/workflows/{identifier}/runs/batch": { runs: [{ inputs: { service: "api" } }] },
	"post /v1/workflows/runs/cancel": {},
	"post /v1/workflows/runs/{runId}/retry": {},
	"put /v1/secrets/{name}": { value: "tenant B's own value" },
	"post /v1/workflows/{identifier}/dry-run": { inputs: { service: "api" } },
	"patch /v1/workflows/{identifier}/triggers/{node}": { paused: true },
	"post /hooks/{hookId}": { service: "api" },
	"post /v1/events": { id: "evt-b", type: "ENTITY_CREATED", blueprintIdentifier: "service" },
	"post /v1/runs/{runId}/inputs/{node}": { outlet: "approved" },
	"post /v1/api-keys": {
		name: MARKER.replace("a-private", "b-own"),
		role: "viewer",
		scopes: ["runs:read"],
	},
};

describe("tenant isolation", () => {
	// One request per documented operation: room for a machine shared with other test runs.
	it("walks every route in the OpenAPI document with another tenant's token: 404, no data", {
		timeout: 60_000,
	}, async () => {
		const tenantA = await as({ tenant: uniqueTenant("a") });
		const created = await tenantA.call("/v1/workflows", {
			method: "POST",
			body: sampleWorkflow("secret_wf", MARKER),
		});
		expect(created.status).toBe(201);
		const run = await tenantA.call("/v1/workflows/secret_wf/runs", {
			method: "POST",
			body: { inputs: { service: "api" } },
		});
		expect(run.status).toBe(202);
		const secret = await tenantA.call("/v1/secrets/A_SECRET", {
			method: "PUT",
			body: { value: "tenant A's value", description: MARKER },
		});
		expect(secret.status).toBe(201);
		const apiKey = await tenantA.call("/v1/api-keys", {
			method: "POST",
			body: { name: MARKER, role: "viewer", scopes: ["runs:read"] },
		});
		expect(apiKey.status).toBe(201);
		const params: Record<string, string> = {
			identifier: "secret_wf",
			version: "1",
			runId: run.body.id,
			name: "A_SECRET",
			keyId: apiKey.body.id,
		};

		const tenantB = await as({ tenant: uniqueTenant("b"), role: "admin", sub: "bea@b.test" });
		const doc = (await call("/openapi.json", { token: null })).body;
		// B's own creates go last, so every read before them must come back empty or 404.
		const isOwnWrite = (op: { method: string; path: string }) =>
			Number(OWN_NAMESPACE_WRITES.has(`${op.method} ${op.path}`));
		const operations = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
			.flatMap(([path, ops]) => Object.keys(ops).map((method) => ({ method, path })))
			.sort((x, y) => isOwnWrite(x) - isOwnWrite(y));
		expect(operations.length).toBeGreaterThanOrEqual(18);

		for (const { method, path } of operations) {
			const key = `${method} ${path}`;
			const url = path.replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? "x");
			const res = await tenantB.call(url, { method: method.toUpperCase(), body: BODIES[key] });
			expect(JSON.stringify(res.body), key).not.toContain(MARKER);
			if (OWN_TENANT.has(key)) {
				expect(res.status, key).toBe(200);
				expect(res.body.maxConcurrentRuns, key).toBeTypeOf("number");
			} else if (OWN_NAMESPACE_WRITES.has(key)) {
				expect([200, 201], key).toContain(res.status);
			} else if (key === "post /v1/events") {
				// B's event is matched against B's triggers only: none.
				expect(res.status, key).toBe(202);
				expect(res.body.data[0].matched, key).toEqual([]);
			} else if (OWN_RECORDS.has(key)) {
				// B's own refused calls are B's records; nothing of A's is.
				expect(res.status, key).toBe(200);
				for (const entry of res.body.data) expect(entry.actor, key).toBe("bea@b.test");
			} else if (key === "get /v1/tenant/overview") {
				// B's counts are B's: none of A's runs, none of A's workflows, none of A's slots.
				expect(res.status, key).toBe(200);
				expect(res.body.last7Days.total, key).toBe(0);
				expect(res.body.busiest, key).toEqual([]);
				expect(res.body.concurrency.inProgress, key).toBe(0);
			} else if (key === "post /auth/sign-in") {
				// The one-time code is the credential, not the bearer token: none sent, nothing given.
				expect(res.status, key).toBe(422);
				expect(res.body.token, key).toBeUndefined();
			} else if (key === "post /v1/workflows/runs/cancel") {
				expect(res.status, key).toBe(200);
				expect(res.body.matched, key).toBe(0);
			} else if (path.includes("{")) {
				expect(res.status, key).toBe(404);
			} else {
				expect(res.status, key).toBe(200);
				expect(res.body.data, key).toEqual([]);
			}
		}

		// Tenant A's workflow and run are exactly as they were.
		const after = await tenantA.call("/v1/workflows/secret_wf");
		expect(after.body).toMatchObject({ title: MARKER, version: 1 });
		expect((await tenantA.call(`/v1/workflows/runs/${run.body.id}`)).body.status).not.toBe(
			"COMPLETED",
		);
		expect((await tenantA.call("/v1/tenant/settings")).body).toMatchObject({
			maxConcurrentRuns: 5,
		});
		expect((await tenantA.call(`/v1/api-keys/${apiKey.body.id}`)).body.revokedAt).toBeNull();
		expect((await tenantA.call("/v1/secrets/A_SECRET")).body).toMatchObject({
			description: MARKER,
			version: 1,
		});
	});
});

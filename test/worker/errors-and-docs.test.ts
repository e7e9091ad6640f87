import { describe, expect, it } from "vitest";
import { as, call, expectProblem, sampleWorkflow, uniqueTenant } from "./helpers";

describe("problem documents", () => {
	it("answers an unknown route with a 404 problem", async () => {
		const res = await call("/v1/teleporters");
		const problem = expectProblem(res, 404, "route_not_found");
		expect(problem).toMatchObject({
			type: "https://stepline.dev/problems/route_not_found",
			title: "No such route",
			instance: "/v1/teleporters",
		});
		expect(res.headers.get("x-request-id")).toBe((problem as { requestId?: string }).requestId);
		expectProblem(await call("/teleporters", { token: null }), 404, "route_not_found");
	});

	it("answers a known path asked with another method with a 405 and Allow", async () => {
		const res = await call("/v1/tenant/settings", { method: "DELETE" });
		expectProblem(res, 405, "method_not_allowed");
		expect(res.headers.get("allow")?.split(", ").sort()).toEqual(["GET", "PATCH"]);
		const run = await call("/v1/workflows/runs/run_0f8fad5bd9cb469fa16570867728950e", {
			method: "PUT",
		});
		expect(expectProblem(run, 405, "method_not_allowed").detail).toContain("GET");
	});

	it("sends nosniff, frame denial and no referrer on every answer, errors included", async () => {
		for (const res of [await call("/healthz", { token: null }), await call("/v1/teleporters")]) {
			expect(res.headers.get("x-content-type-options")).toBe("nosniff");
			expect(res.headers.get("x-frame-options")).toBe("DENY");
			expect(res.headers.get("referrer-policy")).toBe("no-referrer");
		}
	});

	it("asks for a token before saying whether an API route exists", async () => {
		expectProblem(await call("/v1/teleporters", { token: null }), 401, "unauthorized");
	});

	it("answers every validation failure with errors[] of pointers and messages", async () => {
		const problem = expectProblem(
			await call("/v1/workflows", { method: "POST", body: { identifier: "x", nodes: "no" } }),
			422,
			"validation_failed",
		);
		expect(problem.errors?.length).toBeGreaterThan(0);
		for (const issue of problem.errors ?? []) {
			expect(issue.pointer).toMatch(/^(\/[^/]+)*$/);
			expect(issue.message.length).toBeGreaterThan(0);
		}
	});
});

describe("field issues", () => {
	it("carry a machine-readable code on every route that reports them", async () => {
		const admin = await as({ tenant: uniqueTenant("codes") });
		await admin.call("/v1/workflows", { method: "POST", body: sampleWorkflow("wf") });
		const start = (body: unknown, headers: Record<string, string> = {}) =>
			admin.call("/v1/workflows/wf/runs", { method: "POST", body, headers });
		await start({ inputs: { service: "a" } }, { "idempotency-key": "k" });
		const cases: [Promise<Awaited<ReturnType<typeof call>>>, string, string][] = [
			[start({ inputs: {} }), "/inputs/service", "invalid_input"],
			[start({ triggerIdentifier: "nope" }), "/triggerIdentifier", "unknown_trigger"],
			[start({ scope: { type: "BAD" } }), "/scope/type", "invalid_value"],
			[
				start({ inputs: { service: "b" } }, { "idempotency-key": "k" }),
				"/Idempotency-Key",
				"idempotency_key_reused",
			],
			[start({}, { "idempotency-key": "" }), "/Idempotency-Key", "invalid_idempotency_key"],
			[admin.call("/v1/workflows/runs?cursor=nope"), "/cursor", "invalid_cursor"],
			[
				admin.call("/v1/workflows/wf", { method: "PUT", body: sampleWorkflow("other") }),
				"/identifier",
				"identifier_mismatch",
			],
			[
				admin.call("/v1/workflows/wf", { method: "PATCH", body: { identifier: "other" } }),
				"/identifier",
				"identifier_changed",
			],
		];
		for (const [pending, pointer, code] of cases) {
			const problem = expectProblem(await pending, 422, "validation_failed");
			expect(problem.errors).toContainEqual(expect.objectContaining({ pointer, code }));
			for (const issue of problem.errors ?? []) expect(issue.code).toMatch(/^[a-z_]+$/);
		}
	});
});

describe("request bodies", () => {
	const workflow = { identifier: "bodies", nodes: [] };

	it("answers a body of a type the route does not take with a 415 naming Content-Type", async () => {
		for (const contentType of [
			"text/plain",
			"application/x-www-form-urlencoded",
			"application/xml",
		]) {
			const res = await call("/v1/workflows", {
				method: "POST",
				rawBody: JSON.stringify(workflow),
				headers: { "content-type": contentType },
			});
			const problem = expectProblem(res, 415, "unsupported_media_type");
			expect(problem.errors?.[0]).toMatchObject({ in: "header", pointer: "/Content-Type" });
		}
		// A route whose body is optional refuses one of the wrong type just the same.
		expectProblem(
			await call("/v1/workflows/any/runs", {
				method: "POST",
				rawBody: "inputs=1",
				headers: { "content-type": "text/plain" },
			}),
			415,
			"unsupported_media_type",
		);
	});

	it("answers a missing required body with a 422 naming the body", async () => {
		const problem = expectProblem(
			await call("/v1/workflows", { method: "POST" }),
			422,
			"validation_failed",
		);
		expect(problem.errors).toEqual([
			expect.objectContaining({ in: "body", pointer: "", code: "missing_body" }),
		]);
	});

	it("takes no body where the document says the body is optional (a start without inputs)", async () => {
		const admin = await as({ tenant: uniqueTenant("nobody"), role: "admin" });
		const saved = await admin.call("/v1/workflows", {
			method: "POST",
			body: {
				identifier: "no_inputs",
				title: "No inputs",
				nodes: [{ identifier: "trigger", config: { type: "SELF_SERVE_TRIGGER" } }],
				connections: [],
			},
		});
		expect(saved.status).toBe(201);
		const started = await admin.call("/v1/workflows/no_inputs/runs", { method: "POST" });
		expect(started.status, JSON.stringify(started.body)).toBe(202);
		expect(started.body.workflow.identifier).toBe("no_inputs");
	});

	it("refuses a JSON Patch on the merge-patch route instead of reading it as a merge patch", async () => {
		const res = await call("/v1/workflows/any", {
			method: "PATCH",
			rawBody: JSON.stringify([{ op: "replace", path: "/title", value: "x" }]),
			headers: { "content-type": "application/json-patch+json" },
		});
		expectProblem(res, 415, "unsupported_media_type");
	});
});

describe("OpenAPI", () => {
	it("serves an OpenAPI 3.1 document covering every route, its errors and bearer auth", async () => {
		const res = await call("/openapi.json", { token: null });
		expect(res.status).toBe(200);
		const doc = res.body;
		expect(doc.openapi).toBe("3.1.0");
		expect(doc.components.securitySchemes.bearerAuth).toMatchObject({
			type: "http",
			scheme: "bearer",
		});
		expect(Object.keys(doc.paths).sort()).toEqual([
			"/auth/sign-in",
			"/callbacks/{token}",
			"/hooks/{hookId}",
			"/v1/api-keys",
			"/v1/api-keys/{keyId}",
			"/v1/audit-log",
			"/v1/auth/sign-in-codes",
			"/v1/events",
			"/v1/inputs",
			"/v1/runs/{runId}/inputs/{node}",
			"/v1/secrets",
			"/v1/secrets/{name}",
			"/v1/tenant/overview",
			"/v1/tenant/settings",
			"/v1/workflows",
			"/v1/workflows/runs",
			"/v1/workflows/runs/cancel",
			"/v1/workflows/runs/failed-starts",
			"/v1/workflows/runs/{runId}",
			"/v1/workflows/runs/{runId}/cancel",
			"/v1/workflows/runs/{runId}/events",
			"/v1/workflows/runs/{runId}/nodes/{node}/attempts",
			"/v1/workflows/runs/{runId}/nodes/{node}/items",
			"/v1/workflows/runs/{runId}/retry",
			"/v1/workflows/runs/{runId}/stream",
			"/v1/workflows/{identifier}",
			"/v1/workflows/{identifier}/dry-run",
			"/v1/workflows/{identifier}/runs",
			"/v1/workflows/{identifier}/runs/batch",
			"/v1/workflows/{identifier}/runs/{runId}",
			"/v1/workflows/{identifier}/triggers",
			"/v1/workflows/{identifier}/triggers/{node}",
			"/v1/workflows/{identifier}/triggers/{node}/deliveries",
			"/v1/workflows/{identifier}/triggers/{node}/rotate",
			"/v1/workflows/{identifier}/versions",
			"/v1/workflows/{identifier}/versions/{version}",
		]);
		for (const [path, operations] of Object.entries(
			doc.paths as Record<string, Record<string, any>>,
		)) {
			for (const [method, operation] of Object.entries(operations)) {
				// Webhook deliveries come from third parties (the hook id is their credential), a
				// callback URL is its own credential, and so is a sign-in code. Every other operation
				// has one bearer requirement naming its scope (scopes.test.ts).
				const security = !path.startsWith("/v1/")
					? []
					: [{ bearerAuth: [expect.stringMatching(/^[a-z]+(:[a-z]+)?$/)] }];
				expect(operation.security, `${method} ${path}`).toEqual(security);
				expect(
					operation.responses["401"]?.content["application/problem+json"],
					`${method} ${path}`,
				).toBeDefined();
			}
		}
		expect(doc.components.schemas.WorkflowDefinition.properties.nodes).toBeDefined();
		// Bulk cancel takes its filters as JSON, where the identifiers are an array.
		expect(doc.components.schemas.RunFilters.properties.workflowIdentifiers.type).toBe("array");
	});
});

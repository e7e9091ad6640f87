import { describe, expect, it } from "vitest";
import { call, expectProblem, sampleWorkflow, tokenFor, uniqueTenant } from "./helpers";

describe("POST /v1/workflows", () => {
	it("creates version 1 and points Location at it", async () => {
		const res = await call("/v1/workflows", { method: "POST", body: sampleWorkflow() });
		expect(res.status).toBe(201);
		expect(res.headers.get("location")).toBe("/v1/workflows/deploy_service");
		expect(res.body).toMatchObject({
			identifier: "deploy_service",
			title: "Deploy a service",
			version: 1,
			createdBy: "alice@acme.test",
			updatedBy: "alice@acme.test",
		});
		expect(res.body.definition.nodes).toHaveLength(4);
		// Defaults are applied and stored, so what you read back is what runs.
		expect(res.body.definition.allowAnyoneToViewRuns).toBe(false);
		expect(Date.parse(res.body.createdAt)).toBeGreaterThan(Date.now() - 60_000);
	});

	it("rejects an identifier that already exists with 409", async () => {
		await call("/v1/workflows", { method: "POST", body: sampleWorkflow() });
		const res = await call("/v1/workflows", { method: "POST", body: sampleWorkflow() });
		expectProblem(res, 409, "conflict");
	});

	it("names the field of a broken connection with a JSON pointer", async () => {
		const wf = sampleWorkflow();
		wf.connections[1] = { ...wf.connections[1]!, targetIdentifier: "nowhere" };
		const problem = expectProblem(
			await call("/v1/workflows", { method: "POST", body: wf }),
			422,
			"validation_failed",
		);
		expect(problem.errors).toContainEqual(
			expect.objectContaining({ in: "body", pointer: "/connections/1/targetIdentifier" }),
		);
	});

	it("rejects unknown fields, naming each one", async () => {
		const res = await call("/v1/workflows", {
			method: "POST",
			body: { ...sampleWorkflow(), colour: "blue" },
		});
		const problem = expectProblem(res, 422, "validation_failed");
		expect(problem.errors).toContainEqual(
			expect.objectContaining({ pointer: "/colour", code: "unknown_field" }),
		);
	});

	it("lists the known node types for an unknown one", async () => {
		const wf = sampleWorkflow();
		(wf.nodes[3] as { config: unknown }).config = { type: "TELEPORT" };
		const problem = expectProblem(
			await call("/v1/workflows", { method: "POST", body: wf }),
			422,
			"validation_failed",
		);
		const issue = problem.errors?.find((e) => e.pointer.startsWith("/nodes/3/config"));
		expect(issue?.message).toContain("WEBHOOK");
		expect(issue?.message).toContain("DELAY");
	});

	it("answers malformed JSON with 400", async () => {
		expectProblem(
			await call("/v1/workflows", { method: "POST", rawBody: '{"identifier": ' }),
			400,
			"malformed_json",
		);
	});

	it("answers a body over 1 MiB with 413 and stores nothing", async () => {
		const wf = { ...sampleWorkflow("too_big"), description: "x".repeat(1024 * 1024 + 10) };
		expectProblem(
			await call("/v1/workflows", { method: "POST", body: wf }),
			413,
			"payload_too_large",
		);
		expectProblem(await call("/v1/workflows/too_big"), 404, "not_found");
	});

	it("reserves identifiers that are API paths", async () => {
		const problem = expectProblem(
			await call("/v1/workflows", { method: "POST", body: sampleWorkflow("runs") }),
			422,
			"validation_failed",
		);
		expect(problem.errors?.[0]?.pointer).toBe("/identifier");
	});

	it("refuses an inputs form every run would fail on, naming the keyword", async () => {
		const tenant = uniqueTenant();
		const token = await tokenFor({ tenant });
		const withForm = (properties: Record<string, unknown>) => {
			const definition = sampleWorkflow("form");
			(definition.nodes[0]?.config as { userInputs: unknown }).userInputs = { properties };
			return definition;
		};
		const cases: [Record<string, unknown>, string][] = [
			[{ a: { type: "strang" } }, "/properties/a/type"],
			[{ a: { type: "array", items: { type: ["string", "text"] } } }, "/properties/a/items/type"],
			[{ a: { type: "integer", default: "x" } }, "/properties/a/default"],
			[{ a: { type: "string", pattern: "([a-z" } }, "/properties/a/pattern"],
		];
		for (const [properties, pointer] of cases) {
			const res = await call("/v1/workflows", {
				method: "POST",
				token,
				body: withForm(properties),
			});
			expect(expectProblem(res, 422, "validation_failed").errors).toEqual([
				expect.objectContaining({
					pointer: `/nodes/0/config/userInputs${pointer}`,
					code: "invalid_input_schema",
				}),
			]);
		}
		expectProblem(await call("/v1/workflows/form", { token }), 404, "not_found");
		const fine = withForm({
			a: { type: ["integer", "null"], default: 3 },
			b: { type: "string", pattern: "^[a-z]+$", default: "ok" },
		});
		expect((await call("/v1/workflows", { method: "POST", token, body: fine })).status).toBe(201);
		// A PATCH gets the same check.
		const patched = await call("/v1/workflows/form", {
			method: "PATCH",
			token,
			body: { nodes: withForm({ a: { type: "strang" } }).nodes },
		});
		expectProblem(patched, 422, "validation_failed");
	});

	it("accepts Port's notify_on_demand example exactly as written", async () => {
		const { default: example } = await import(
			"../../engine/definition/fixtures/notify-on-demand.json"
		);
		const res = await call("/v1/workflows", { method: "POST", body: example });
		expect(res.status).toBe(201);
		expect(res.body.identifier).toBe("notify_on_demand");
	});

	describe("security", () => {
		it("needs a token", async () => {
			const res = await call("/v1/workflows", {
				method: "POST",
				body: sampleWorkflow(),
				token: null,
			});
			expectProblem(res, 401, "unauthorized");
			expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
		});

		it("does not let viewers write", async () => {
			const token = await tokenFor({ role: "viewer" });
			expectProblem(
				await call("/v1/workflows", { method: "POST", body: sampleWorkflow(), token }),
				403,
				"forbidden",
			);
		});

		it("lets members write", async () => {
			const token = await tokenFor({ role: "member", tenant: uniqueTenant() });
			expect(
				(await call("/v1/workflows", { method: "POST", body: sampleWorkflow(), token })).status,
			).toBe(201);
		});
	});
});

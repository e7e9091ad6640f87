// End-to-end smoke test: the real Worker under `wrangler dev` (real workerd, which also
// proves the bundle runs there, e.g. no `new Function`), called over HTTP with a token from
// the real `npm run token`.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DevServer } from "./harness";
import { repoRoot, startDevServer } from "./harness";

// The Port `notify_on_demand` example, exactly as documented (the definition tests use it too).
function notifyOnDemand(): string {
	return readFileSync(join(repoRoot, "engine/definition/fixtures/notify-on-demand.json"), "utf8");
}

type Json = Record<string, unknown>;

let server: DevServer;

beforeAll(async () => {
	server = await startDevServer();
});

afterAll(async () => {
	await server?.stop();
});

describe("wrangler dev smoke", () => {
	it("answers /healthz", async () => {
		const res = await fetch(`${server.baseUrl}/healthz`);
		expect(res.status).toBe(200);
	});

	it("serves an OpenAPI 3.1 document", async () => {
		const res = await fetch(`${server.baseUrl}/openapi.json`);
		expect(res.status).toBe(200);
		expect(res.headers.get("content-type")).toMatch(/^application\/json/);
		const doc = (await res.json()) as Json;
		expect(String(doc.openapi)).toMatch(/^3\.1\./);
		expect(doc.paths).toHaveProperty("/v1/workflows");
	});

	it("rejects a request without a token: 401 problem+json with WWW-Authenticate", async () => {
		const res = await fetch(`${server.baseUrl}/v1/workflows`);
		expect(res.status).toBe(401);
		expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
		expect(res.headers.get("www-authenticate")).toMatch(/^Bearer\b/);
		const problem = (await res.json()) as Json;
		expect(problem.status).toBe(401);
		expect(typeof problem.code).toBe("string");
	});

	it("rejects a well-formed token signed with another secret", async () => {
		const forged = await new SignJWT({ tid: "e2e", role: "admin" })
			.setProtectedHeader({ alg: "HS256" })
			.setIssuer("https://stepline.local")
			.setAudience("stepline-api")
			.setSubject("mallory@example.test")
			.setExpirationTime("5m")
			.sign(new TextEncoder().encode("not-the-server-secret-0123456789abcdef"));
		const res = await fetch(`${server.baseUrl}/v1/workflows`, {
			headers: { authorization: `Bearer ${forged}` },
		});
		expect(res.status).toBe(401);
	});

	it("creates the Port notify_on_demand workflow and reads it back", async () => {
		const token = await server.token({ tenant: "e2e", sub: "smoke@example.test", role: "admin" });
		const auth = { authorization: `Bearer ${token}` };
		const created = await fetch(`${server.baseUrl}/v1/workflows`, {
			method: "POST",
			headers: { ...auth, "content-type": "application/json" },
			body: notifyOnDemand(),
		});
		const createdBody = await created.text();
		expect(created.status, createdBody).toBe(201);
		const location = created.headers.get("location");
		expect(location).toMatch(/\/v1\/workflows\/notify_on_demand$/);

		const read = await fetch(new URL(location as string, server.baseUrl), { headers: auth });
		const readBody = await read.text();
		expect(read.status, readBody).toBe(200);
		const body = JSON.parse(readBody) as Json;
		// Metadata may wrap the definition; accept either shape, check the content.
		const definition = (body.definition ?? body) as Json;
		expect(definition.identifier).toBe("notify_on_demand");
		expect(definition.nodes).toHaveLength(2);
	});

	it("runs regexes on RE2 in the real runtime: a form's pattern and a jq test() condition", async () => {
		const token = await server.token({ tenant: "e2e", sub: "smoke@example.test", role: "admin" });
		const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
		const definition = {
			identifier: "regexes",
			title: "Regexes",
			nodes: [
				{
					identifier: "trigger",
					config: {
						type: "SELF_SERVE_TRIGGER",
						userInputs: { properties: { code: { type: "string", pattern: "^[A-Z]{3}-\\d+$" } } },
					},
				},
				{
					identifier: "check",
					config: {
						type: "CONDITION",
						options: [{ identifier: "big", expression: '.inputs.code | test("-\\\\d{3,}$")' }],
					},
				},
			],
			connections: [{ identifier: "c1", sourceIdentifier: "trigger", targetIdentifier: "check" }],
		};
		const created = await fetch(`${server.baseUrl}/v1/workflows`, {
			method: "POST",
			headers,
			body: JSON.stringify(definition),
		});
		expect(created.status, await created.text()).toBe(201);
		const start = (code: string) =>
			fetch(`${server.baseUrl}/v1/workflows/regexes/runs`, {
				method: "POST",
				headers,
				body: JSON.stringify({ inputs: { code } }),
			});
		const refused = await start("abc");
		expect(refused.status).toBe(422);
		expect(await refused.text()).toContain("/inputs/code");
		const started = await start("ABC-1234");
		const run = (await started.json()) as { id: string };
		expect(started.status).toBe(202);
		let view: Json = {};
		for (let i = 0; i < 100 && view.status !== "COMPLETED"; i++) {
			await new Promise((r) => setTimeout(r, 50));
			view = (await (
				await fetch(`${server.baseUrl}/v1/workflows/runs/${run.id}`, { headers })
			).json()) as Json;
		}
		expect(view.result).toBe("SUCCESS");
		expect((view.variables as { outputs: Json }).outputs.check).toEqual({ option: "big" });
	});
});

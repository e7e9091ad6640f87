// The OpenAPI document as client generators see it, tried the way a new user would: lint it
// with Redocly's recommended rules, generate types from the live /openapi.json with the
// openapi-typescript CLI, compile a small openapi-fetch client against them with no casts, and
// run that client against the real Worker under wrangler dev with an API key, as CI would.
import { execFile } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { lintFromString, loadConfig } from "@redocly/openapi-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DevServer } from "./harness";
import { repoRoot, startDevServer } from "./harness";

const execFileAsync = promisify(execFile);
const clientDir = join(repoRoot, "test/e2e/typed-client");
const generatedDir = join(clientDir, "generated");

/** test/e2e/typed-client/client.ts as this file uses it. */
interface TypedClient {
	steplineClient(baseUrl: string, token: string): unknown;
	createStartAndRead(
		client: unknown,
		identifier: string,
	): Promise<{
		workflowVersion: number;
		runId: string;
		status: string;
		initiator: string;
		inputs: unknown;
		workflow: string;
		listedIds: string[];
	}>;
}

let server: DevServer;

beforeAll(async () => {
	server = await startDevServer();
});

afterAll(async () => {
	await server?.stop();
});

describe("the OpenAPI document", () => {
	it("passes redocly lint with the recommended rules", async () => {
		const document = await (await fetch(`${server.baseUrl}/openapi.json`)).text();
		const config = await loadConfig({ configPath: join(repoRoot, "redocly.yaml") });
		const problems = await lintFromString({
			source: document,
			// The name .redocly.lint-ignore.yaml knows the document by (redocly.yaml: by hand).
			absoluteRef: join(repoRoot, "openapi.json"),
			config,
		});
		const reported = problems
			.filter((p) => !p.ignored)
			.map((p) => `${p.severity} ${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`);
		expect(reported).toEqual([]);
		// The ignore file is not a blanket: it names the four path pairs it explains.
		expect(problems.filter((p) => p.ignored).map((p) => p.ruleId)).toEqual(
			Array(4).fill("no-ambiguous-paths"),
		);
	});

	it("describes each operation once, by a stable operationId, and names its server", async () => {
		const doc: any = await (await fetch(`${server.baseUrl}/openapi.json`)).json();
		expect(doc.servers).toEqual([
			{ url: "/", description: "The deployment serving this document" },
		]);
		expect(doc.info.license).toMatchObject({ name: expect.any(String) });
		const ids = Object.values(doc.paths as Record<string, Record<string, { operationId?: string }>>)
			.flatMap((operations) => Object.values(operations))
			.map((operation) => operation.operationId);
		expect(ids.every((id) => typeof id === "string" && /^[a-z][A-Za-z]+$/.test(id))).toBe(true);
		expect(new Set(ids).size).toBe(ids.length);
		expect(ids).toEqual(
			expect.arrayContaining(["createWorkflow", "startRun", "getRun", "listRuns", "cancelRun"]),
		);
	});

	it("generates types that a typed client compiles against with no casts, and that client works", async () => {
		rmSync(generatedDir, { recursive: true, force: true });
		mkdirSync(generatedDir, { recursive: true });
		// As clients/typescript/README.md says: fields with defaults stay optional in request bodies.
		await execFileAsync(
			process.execPath,
			[
				join(repoRoot, "node_modules/openapi-typescript/bin/cli.js"),
				`${server.baseUrl}/openapi.json`,
				"--output",
				join(generatedDir, "openapi.ts"),
				"--default-non-nullable",
				"false",
			],
			{ cwd: repoRoot },
		);
		const compiled = await execFileAsync(
			process.execPath,
			[join(repoRoot, "node_modules/typescript/bin/tsc"), "-p", join(clientDir, "tsconfig.json")],
			{ cwd: repoRoot },
		).then(
			() => "",
			(error: { stdout: string }) => error.stdout,
		);
		expect(compiled).toBe("");

		// By path, not a literal import: the root type check leaves the client (and its generated
		// types, absent in a fresh clone) to the compile above.
		const { createStartAndRead, steplineClient }: TypedClient = await import(
			/* @vite-ignore */ join(clientDir, "client.ts")
		);
		// As a CI script would: with an API key an admin made for it, not a JWT.
		const admin = await server.token({ tenant: "typed-client" });
		const created = await fetch(`${server.baseUrl}/v1/api-keys`, {
			method: "POST",
			headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
			body: JSON.stringify({
				name: "ci",
				role: "member",
				scopes: ["workflows:write", "runs:write"],
			}),
		});
		expect(created.status).toBe(201);
		const { key } = (await created.json()) as { key: string };
		const client = steplineClient(server.baseUrl, key);
		const result = await createStartAndRead(client, "deploy_from_ci");
		expect(result).toMatchObject({
			initiator: expect.stringMatching(/^apikey:key_/),
			workflowVersion: 1,
			workflow: "deploy_from_ci",
			inputs: { service: "billing" },
			listedIds: [result.runId],
		});
		expect(["QUEUED", "IN_PROGRESS", "WAITING"]).toContain(result.status);
	});
});

// The curl examples of the README and of the docs pages it links must work as written against
// `npm start`. This runs the ```sh blocks of one `## ` section, in order, in one bash session
// against a real `wrangler dev`; only BASE is pointed at the test server.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DevServer } from "./harness";
import { repoRoot, startDevServer } from "./harness";

/** The ```sh blocks of one `## <title>` section of a Markdown file, in order. */
function sectionBlocks(title: string, file = "README.md"): string[] {
	const text = readFileSync(join(repoRoot, file), "utf8");
	const section = text.split(new RegExp(`^## ${title}$`, "m"))[1]?.split(/^## /m)[0] ?? "";
	return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");
}

/** Runs blocks in order in one bash session against the test server. */
function runBlocks(blocks: string[]): string {
	expect(blocks[0]).toContain("BASE=http://localhost:8787");
	const script = ["set -euo pipefail", ...blocks]
		.join("\n")
		.replace("BASE=http://localhost:8787", `BASE=${server.baseUrl}`);
	return execFileSync("bash", ["-c", script], {
		cwd: repoRoot,
		env: server.childEnv,
		encoding: "utf8",
	});
}

let server: DevServer;
beforeAll(async () => {
	server = await startDevServer();
});
afterAll(async () => {
	await server?.stop();
});

describe("README examples", () => {
	it("keeps the README a short read: under 20 KB, details in docs/", () => {
		expect(readFileSync(join(repoRoot, "README.md")).byteLength).toBeLessThan(20_000);
	});

	it("runs every curl example of the API section without an error response", () => {
		const blocks = sectionBlocks("API");
		expect(blocks.length).toBeGreaterThanOrEqual(6);
		const output = runBlocks(blocks);
		expect(output).not.toContain("stepline.dev/problems/");
		expect(output).toContain('"identifier":"notify_on_demand"');
		// The run example printed a run id, and the runs list and events found it.
		const runId = /run_[0-9a-f]{32}/.exec(output)?.[0];
		expect(runId).toBeDefined();
		expect(output).toContain(`"id":"${runId}"`);
		expect(output).toMatch(/"status": "(IN_PROGRESS|WAITING|COMPLETED)"/);
		expect(output).toContain("event: run_started");
		expect(output).toContain(`"retryOf": "${runId}"`);
	});

	it("runs the examples of docs/API.md that continue the tour: versions, dry run, batch, settings, delete", () => {
		const output = runBlocks(sectionBlocks("Examples", "docs/API.md"));
		expect(output).not.toContain("stepline.dev/problems/");
		expect(output).toContain('"version":2');
		expect(output).toContain('"Notify on demand"');
		expect(output).toMatch(/"result": "SUCCESS"/);
		expect(output).toContain('"maxConcurrentRuns":10');
		expect(output).toMatch(/"busiest":\[[^\]]*"notify_on_demand"/);
		expect(output).toMatch(/"concurrency":\{"inProgress":\d+,"queued":\d+,"limit":10\}/);
		expect(output.trim().endsWith("204")).toBe(true);
	});

	it("runs the Approvals example of docs/API.md: two members approve, the run goes on", () => {
		const output = runBlocks(sectionBlocks("Approvals", "docs/API.md"));
		expect(output).not.toContain("stepline.dev/problems/");
		expect(output.match(/\{"outcome":"accepted"\}/g), output).toHaveLength(2);
		expect(output).toContain(
			'{"result":"SUCCESS","approve":{"outlet":"approved","by":["bob@demo.local","carol@demo.local"]}}',
		);
	});

	it("runs the Inbox examples of docs/API.md: Bob finds the request in his inbox and answers it", () => {
		const blocks = sectionBlocks("Inbox", "docs/API.md");
		expect(blocks.length).toBeGreaterThanOrEqual(2);
		const output = runBlocks(blocks);
		expect(output).not.toContain("stepline.dev/problems/");
		expect(output).toContain(
			'{"node":"approve","title":"Release 2.0.1?","buttons":["Release","Hold"],"status":"pending"}',
		);
		expect(output).toContain('{"outcome":"accepted"}');
		expect(output).toContain('{"status":"answered","decided":"approved","by":["bob@demo.local"]}');
	});

	it("runs the Async calls examples of docs/API.md: the job calls back, the run goes on", () => {
		const blocks = sectionBlocks("Async calls", "docs/API.md");
		expect(blocks.length).toBeGreaterThanOrEqual(3);
		const output = runBlocks(blocks);
		expect(output).not.toContain("stepline.dev/problems/");
		expect(output).toContain('{"outcome":"accepted"}');
		expect(output).toContain('{"result":"SUCCESS","deploy":{"version":"1.4.2"}}');
	});

	it("runs the Secrets examples of docs/API.md: metadata only, never the value", () => {
		const blocks = sectionBlocks("Secrets", "docs/API.md");
		expect(blocks.length).toBeGreaterThanOrEqual(2);
		const output = runBlocks(blocks);
		expect(output).not.toContain("stepline.dev/problems/");
		expect(output).not.toContain("ghp_example-not-a-real-token");
		expect(output).toContain('"name":"GITHUB_TOKEN"');
		expect(output).toContain('"description":"GitHub token of the deploy bot","version":1');
		// The workflow that reads the secret was saved, the signing default set, the secret deleted.
		expect(output).toMatch(/^201$/m);
		expect(output).toContain('"defaultSigningSecret":"WEBHOOK_SIGNING"');
		expect(output).toMatch(/204\s*$/);
	});

	it("runs the Notifications example of docs/NOTIFICATIONS.md: a completed run notifies a webhook trigger", () => {
		const output = runBlocks(sectionBlocks("Notifications", "docs/NOTIFICATIONS.md"));
		expect(output).not.toContain("stepline.dev/problems/");
		expect(output).toContain('{"events":["run.completed"]}');
		expect(output).toContain('{"event":"run.completed","status":"delivered","failures":0}');
		// The notification of the run the example started became the inputs of a run of its own.
		const runId = /run_[0-9a-f]{32}/.exec(output)?.[0];
		expect(output).toContain(`{"event":"run.completed","run":"${runId}"}`);
		expect(output.trim().endsWith("[]")).toBe(true);
	});

	it("runs the Answer links example of docs/NOTIFICATIONS.md: a one-click link from a notification answers once", () => {
		const output = runBlocks(sectionBlocks("Answer links", "docs/NOTIFICATIONS.md"));
		expect(output).not.toContain("stepline.dev/problems/");
		expect(output).toContain("Answer <strong>Approve</strong>");
		expect(output).toContain("is recorded");
		expect(output).toContain('{"result":"SUCCESS","by":["bob@demo.local"]}');
		// The same link again: the request is closed.
		expect(output).toMatch(/\n410\n\[\]\s*$/);
	});

	it("runs the malformed-input examples of docs/API.md: each a 422 naming its key", () => {
		const output = runBlocks(sectionBlocks("Limits and malformed input", "docs/API.md"));
		expect(output).toContain('"pointer":"/identifier","code":"duplicate_key"');
		expect(output).toContain('"pointer":"/__proto__","code":"forbidden_key"');
	});

	it("runs the quotas and retention examples of docs/API.md", () => {
		const output = runBlocks(sectionBlocks("Quotas and retention", "docs/API.md"));
		expect(output).toContain('"runRetentionDays":90,"maxWorkflows":200');
		expect(output).toContain('"pointer":"/runRetentionDays"');
	});

	it("runs the API keys examples of docs/API.md: a key's run, a missing scope, the listing, a revoked key", () => {
		const output = runBlocks(sectionBlocks("API keys and scopes", "docs/API.md"));
		expect(output).not.toContain("stepline.dev/problems/");
		// The workflow was saved, and the key's run names the key as its initiator.
		expect(output).toMatch(/^20[01]$/m);
		expect(output).toMatch(
			/\{"status":"(QUEUED|IN_PROGRESS|WAITING|COMPLETED)","initiator":"apikey:key_[0-9a-f]{24}"\}/,
		);
		expect(output).toMatch(/^200$/m);
		expect(output).toContain('"code":"insufficient_scope"');
		// The listing shows a prefix, never the key.
		expect(output).toMatch(/"prefix":"stl_[A-Za-z0-9_-]{8}"/);
		expect(output).not.toMatch(/stl_[A-Za-z0-9_-]{43}/);
		// Revoked (204), then refused on the next request.
		expect(output).toMatch(/^204$/m);
		expect(output.trim()).toMatch(
			/\{"code":"invalid_token","detail":"This API key was revoked."\}$/,
		);
	});

	it("runs the Audit log examples of docs/API.md: a refused start is a failed start, a refused write an entry", () => {
		const output = runBlocks(sectionBlocks("Audit log", "docs/API.md"));
		expect(output).toMatch(/^404$/m);
		expect(output).toContain(
			'{"workflow":"no_such_workflow","code":"not_found","actor":"admin@demo.local"}',
		);
		expect(output).toMatch(/^422$/m);
		expect(output).toContain(
			'{"actor":"admin@demo.local","action":"tenant.settings.update","outcome":"failure","errorCode":"validation_failed"}',
		);
	});

	it("runs the Sub-workflows examples of docs/API.md: one child per item listed both ways, an error run linked", () => {
		const output = runBlocks(sectionBlocks("Sub-workflows and error workflows", "docs/API.md"));
		expect(output).not.toContain("stepline.dev/problems/");
		// The parent waited for one child per host, took their outputs in order and lists them.
		expect(output).toContain(
			'{"output":[{"address":"web-1.internal"},{"address":"web-2.internal"}],"children":[0,1]}',
		);
		expect(output).toContain('{"children":2}');
		const failedId = /run_[0-9a-f]{32}/.exec(output.split("errorOf")[1] ?? "")?.[0];
		expect(failedId).toBeDefined();
		// The error run links back to the failed run and got it as its input.
		expect(output).toContain(
			`{"errorOf":{"runId":"${failedId}","workflow":"nightly_export"},"failed":{"id":"${failedId}","failedNode":"export","code":"network_error"}}`,
		);
	});

	it("runs the sign-in code example of docs/API.md: a one-time admin page link", () => {
		const output = runBlocks(sectionBlocks("Sign-in codes", "docs/API.md"));
		expect(output.trim()).toMatch(new RegExp(`^${server.baseUrl}/admin#code=[\\w-]{43}$`));
	});
});

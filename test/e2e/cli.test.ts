/**
 * The CLI against a real `wrangler dev`: push a folder, change one file, see `diff` report
 * exactly that change, push again (a version only for that workflow), run with --follow,
 * and the runs commands — each as `node cli/bin.mjs`, configured only by STEPLINE_URL and
 * STEPLINE_TOKEN, judged by its output and exit status.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, repoRoot, startDevServer } from "./harness";

let server: DevServer;
let folder: string;
let env: NodeJS.ProcessEnv;

function stepline(
	...args: string[]
): Promise<{ status: number | null; stdout: string; stderr: string }> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [join(repoRoot, "cli/bin.mjs"), ...args], {
			cwd: repoRoot,
			env,
		});
		let stdout = "";
		let stderr = "";
		child.stdout.on("data", (d) => (stdout += d));
		child.stderr.on("data", (d) => (stderr += d));
		child.on("error", reject);
		child.on("close", (status) => resolve({ status, stdout, stderr }));
	});
}

const greet = {
	identifier: "greet",
	title: "Greet someone",
	nodes: [
		{
			identifier: "trigger",
			config: {
				type: "SELF_SERVE_TRIGGER",
				userInputs: { properties: { name: { type: "string" } }, required: ["name"] },
			},
		},
		{
			identifier: "check",
			config: {
				type: "CONDITION",
				options: [{ identifier: "named", expression: '.inputs.name != ""' }],
			},
		},
		{ identifier: "pause", config: { type: "DELAY", duration: "1s" } },
	],
	connections: [
		{ identifier: "c1", sourceIdentifier: "trigger", targetIdentifier: "check" },
		{
			identifier: "c2",
			sourceIdentifier: "check",
			sourceOptionIdentifier: "named",
			targetIdentifier: "pause",
		},
	],
	outputs: { greeting: "hello {{ .inputs.name }}" },
};

// Nothing listens on port 9 (discard): the call fails at once and, without retries, the run.
const unreachable = {
	identifier: "unreachable",
	title: "Calls nobody",
	nodes: [
		{ identifier: "trigger", config: { type: "SELF_SERVE_TRIGGER" } },
		{
			identifier: "call",
			config: { type: "WEBHOOK", url: "http://127.0.0.1:9/nothing", method: "POST" },
		},
	],
	connections: [{ identifier: "c1", sourceIdentifier: "trigger", targetIdentifier: "call" }],
};

const write = (name: string, value: unknown) =>
	writeFileSync(join(folder, name), `${JSON.stringify(value, null, 2)}\n`);

beforeAll(async () => {
	server = await startDevServer();
	const token = await server.token({ tenant: "cli-e2e", sub: "ci@cli.test", role: "admin" });
	env = { ...server.childEnv, STEPLINE_URL: server.baseUrl, STEPLINE_TOKEN: token };
	folder = mkdtempSync(join(tmpdir(), "stepline-folder-"));
	write("greet.json", greet);
	write("unreachable.json", unreachable);
});

afterAll(async () => {
	await server?.stop();
	if (folder) rmSync(folder, { recursive: true, force: true });
});

describe("stepline against wrangler dev", () => {
	it("pushes a folder, diffs exactly the one change, pushes it, and runs it with --follow", async () => {
		const first = await stepline("push", folder);
		expect(first.status, first.stderr).toBe(0);
		expect(first.stdout).toMatch(/created +greet v1/);
		expect(first.stdout).toMatch(/created +unreachable v1/);

		const clean = await stepline("diff", folder, "--exit-code");
		expect(clean.status, clean.stdout).toBe(0);
		expect(clean.stdout).toContain("0 new, 0 changed, 2 unchanged, 0 on the server only");

		const changed = {
			...greet,
			nodes: greet.nodes.map((n) =>
				n.identifier === "pause" ? { ...n, config: { type: "DELAY", duration: "2s" } } : n,
			),
		};
		write("greet.json", changed);
		const diff = await stepline("diff", folder, "--format", "json", "--exit-code");
		expect(diff.status).toBe(1);
		expect(JSON.parse(diff.stdout)).toEqual([
			{
				identifier: "greet",
				status: "changed",
				file: join(folder, "greet.json"),
				version: 1,
				changes: [{ op: "replace", pointer: "/nodes/2/config/duration", from: "1s", to: "2s" }],
			},
			{
				identifier: "unreachable",
				status: "unchanged",
				file: join(folder, "unreachable.json"),
				version: 1,
				changes: [],
			},
		]);
		const text = await stepline("diff", folder);
		expect(text.stdout).toContain('~ /nodes/2/config/duration: "1s" → "2s"');

		const second = await stepline("push", folder);
		expect(second.status, second.stderr).toBe(0);
		expect(second.stdout).toMatch(/updated +greet v1 → v2/);
		expect(second.stdout).toMatch(/unchanged +unreachable v1/);

		const run = await stepline("run", "greet", "--input", "name=Ada", "--follow");
		expect(run.status, run.stdout + run.stderr).toBe(0);
		expect(run.stdout).toMatch(/run_[0-9a-f]{32} started \(greet v2\)/);
		// Not a terminal: one line per event instead of the progress line.
		expect(run.stdout).toContain("option named matched");
		expect(run.stdout).toMatch(/✔ run_[0-9a-f]{32} succeeded in \d+\.\ds/);
		expect(run.stdout).toContain('outputs {"greeting":"hello Ada"}');
	});

	it("exits 1 when a followed run fails, and the runs commands read, retry and cancel", async () => {
		const failed = await stepline("run", "unreachable", "--follow");
		expect(failed.status, failed.stdout + failed.stderr).toBe(1);
		expect(failed.stdout).toMatch(/✖ (run_[0-9a-f]{32}) failed/);
		const runId = /✖ (run_[0-9a-f]{32})/.exec(failed.stdout)?.[1] as string;
		expect(failed.stdout).toContain("call: network_error");

		const list = await stepline("runs", "ls", "--workflow", "unreachable");
		expect(list.status).toBe(0);
		expect(list.stdout).toContain(runId);
		expect(list.stdout).toContain("FAILED");

		const got = await stepline("runs", "get", runId, "--format", "json");
		expect(JSON.parse(got.stdout)).toMatchObject({ id: runId, result: "FAILED" });

		const retried = await stepline("runs", "retry", runId, "--follow");
		expect(retried.status).toBe(1);
		expect(retried.stdout).toMatch(/run_[0-9a-f]{32} started \(unreachable v1\)/);

		const cancel = await stepline("runs", "cancel", runId);
		expect(cancel.status).toBe(3);
		expect(cancel.stderr).toContain("409 conflict");
	});

	it("prunes what the folder no longer has, and explains a missing configuration", async () => {
		rmSync(join(folder, "unreachable.json"));
		const kept = await stepline("push", folder);
		expect(kept.stdout).toMatch(/kept +unreachable v1 \(not in the folder; --prune deletes it\)/);
		const pruned = await stepline("push", folder, "--prune");
		expect(pruned.status).toBe(0);
		expect(pruned.stdout).toMatch(/deleted +unreachable/);
		const after = await stepline("diff", folder, "--exit-code");
		expect(after.status).toBe(0);

		const saved = env;
		env = { ...saved, STEPLINE_URL: "" };
		const unset = await stepline("diff", folder);
		env = saved;
		expect(unset.status).toBe(2);
		expect(unset.stderr).toContain("STEPLINE_URL is not set");
	});
});

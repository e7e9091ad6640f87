/**
 * The offline commands as a user runs them: `node cli/bin.mjs …` in plain Node (no tsx, no
 * TypeScript loader), reading real files, judged by stdout and the exit status.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { validateDefinition } from "../engine/definition";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = join(root, "cli/bin.mjs");
const examples = join(root, "examples/workflows");

function stepline(args: string[], env: Record<string, string> = {}) {
	const result = spawnSync(process.execPath, [bin, ...args], {
		cwd: root,
		encoding: "utf8",
		// Only PATH: no colour or config leaks in from the test runner's environment.
		env: { PATH: process.env.PATH ?? "", ...env } as unknown as NodeJS.ProcessEnv,
	});
	return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

// Every test starts real processes, several in a row: on a busy machine that takes seconds, so
// the tests get room (they never check timings).
vi.setConfig({ testTimeout: 60_000 });

let dir: string;
const file = (name: string, content: unknown) => {
	const path = join(dir, name);
	writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content, null, 2));
	return path;
};

beforeAll(() => {
	dir = mkdtempSync(join(tmpdir(), "stepline-cli-"));
	// The first call builds the bundle if it is stale; later ones only check.
	expect(stepline(["--version"]).status).toBe(0);
}, 60_000);

const BAD = `{
  "identifier": "bad_one",
  "title": "Bad one",
  "nodes": [
    { "identifier": "trigger", "config": { "type": "SELF_SERVE_TRIGGER" } },
    { "identifier": "send", "config": { "type": "WEBHOOK", "url": "https://x.example/\\"q\\"{{ .inputs. | }}" } }
  ],
  "connections": [
    { "identifier": "c1", "sourceIdentifier": "trigger", "targetIdentifier": "nowhere" }
  ]
}
`;

describe("stepline validate", () => {
	it("passes the sample folder (fixtures aside) and exits 0", () => {
		const run = stepline(["validate", examples]);
		expect(run.status).toBe(0);
		expect(run.stdout).toContain("1 file(s) checked: 1 valid, 0 with 0 problem(s)");
	});

	it("reports the API's codes and pointers with the line:column of each, and exits 1", () => {
		const bad = file("bad.json", BAD);
		const run = stepline(["validate", "--format", "json", bad]);
		expect(run.status).toBe(1);
		const issues = JSON.parse(run.stdout);
		expect(issues).toEqual([
			{
				file: bad,
				line: 9,
				column: 58,
				pointer: "/connections/0/targetIdentifier",
				code: "unknown_target",
				message: 'no node "nowhere"',
			},
			{
				file: bad,
				// The `.` after `.inputs`, counted through the two escaped quotes before it.
				line: 6,
				column: (BAD.split("\n")[5] ?? "").indexOf(". |") + 1,
				pointer: "/nodes/1/config/url",
				code: "template_syntax",
				message: expect.stringContaining("invalid JQ"),
			},
		]);
		// The same engine code as the server: the same codes at the same pointers.
		const server = validateDefinition(JSON.parse(BAD));
		expect(server.ok).toBe(false);
		if (!server.ok) {
			expect(issues.map((i: { pointer: string; code: string }) => [i.pointer, i.code])).toEqual(
				server.issues.map((i) => [i.pointer, i.code]),
			);
		}
	});

	it("runs the API's save-time checks too: reserved identifiers, input forms no run could pass", () => {
		const reserved = file("reserved.json", {
			identifier: "runs",
			title: "Runs",
			nodes: [{ identifier: "t", config: { type: "SELF_SERVE_TRIGGER" } }],
			connections: [],
		});
		const form = file("form.json", {
			identifier: "form",
			title: "Form",
			nodes: [
				{
					identifier: "t",
					config: {
						type: "SELF_SERVE_TRIGGER",
						userInputs: { properties: { n: { type: "number", default: "five" } } },
					},
				},
			],
			connections: [],
		});
		const run = stepline(["validate", reserved, form]);
		expect(run.status).toBe(1);
		expect(run.stdout).toMatch(/reserved\.json:2:3 reserved \/identifier /);
		expect(run.stdout).toMatch(
			/form\.json:\d+:\d+ invalid_input_schema \/nodes\/0\/config\/userInputs\/properties\/n\/default /,
		);
	});

	it("points at the character where a file stops being JSON", () => {
		const broken = file("broken.json", '{ "identifier": "x",\n  "nodes": [ }');
		const run = stepline(["validate", broken]);
		expect(run.status).toBe(1);
		expect(run.stdout).toContain(
			"broken.json:2:14 malformed_json / not valid JSON: value expected",
		);
	});

	it("refuses two files with one identifier, naming the first", () => {
		const copy = mkdtempSync(join(tmpdir(), "stepline-dup-"));
		cpSync(join(examples, "deploy_service.json"), join(copy, "a.json"));
		cpSync(join(examples, "deploy_service.json"), join(copy, "b.json"));
		const run = stepline(["validate", "--format", "json", copy]);
		expect(run.status).toBe(1);
		expect(JSON.parse(run.stdout)).toEqual([
			expect.objectContaining({
				file: join(copy, "b.json"),
				line: 2,
				column: 3,
				code: "duplicate_identifier",
				message: `"deploy_service" is also the identifier of ${join(copy, "a.json")}`,
			}),
		]);
	});

	it("writes GitHub Actions annotations with --format github", () => {
		const bad = file("annotate.json", BAD);
		const run = stepline(["validate", "--format", "github", bad]);
		expect(run.stdout.split("\n")[0]).toBe(
			`::error file=${relative(root, bad)},line=9,col=58,title=unknown_target::/connections/0/targetIdentifier: no node "nowhere"`,
		);
	});
});

describe("stepline test", () => {
	it("runs every fixture of the sample folder and prints what the run did", () => {
		const run = stepline(["test", examples]);
		expect(run.status).toBe(0);
		expect(run.stdout).toContain("path      trigger → deploy → is_production → announce");
		expect(run.stdout).toContain(
			"condition is_production: option production matched (production: true)",
		);
		expect(run.stdout).toContain(
			'body {"text":"billing 1.4.2 is live in production (deployment dep_42)"}',
		);
		expect(run.stdout).toContain('outputs   {"deploymentId":"dep_42","announced":true}');
		expect(run.stdout).toContain("3 fixture(s): 3 passed, 0 failed");
	});

	it("exits 1 and says which expectation failed and why", () => {
		const fixture = file("wrong.test.json", {
			inputs: { service: "billing", version: "2.0.0", environment: "production" },
			expect: { path: ["trigger", "deploy", "is_production"] },
		});
		const run = stepline(["test", join(examples, "deploy_service.json"), "--fixture", fixture]);
		expect(run.status).toBe(1);
		expect(run.stdout).toContain("✖ path");
		expect(run.stdout).toContain(
			"expected the path trigger → deploy → is_production, took trigger → deploy → is_production → announce",
		);
		expect(run.stdout).toContain("1 fixture(s): 0 passed, 1 failed");
	});

	it("checks inputs against the trigger's form, as a start does, and places fixture mistakes", () => {
		const fixture = file(
			"bad-inputs.test.json",
			'{\n  "inputs": { "service": "Not A Slug", "version": "1" },\n  "responses": { "deplyo": {} }\n}',
		);
		const run = stepline([
			"test",
			join(examples, "deploy_service.json"),
			"--fixture",
			fixture,
			"--format",
			"json",
		]);
		expect(run.status).toBe(1);
		const [result] = JSON.parse(run.stdout);
		expect(result.issues).toEqual([
			expect.objectContaining({
				line: 3,
				column: 18,
				pointer: "/responses/deplyo",
				code: "unknown_node",
			}),
		]);
		const second = file("bad-inputs2.test.json", {
			inputs: { service: "Not A Slug", version: "1" },
		});
		const [inputs] = JSON.parse(
			stepline([
				"test",
				join(examples, "deploy_service.json"),
				"--fixture",
				second,
				"--format",
				"json",
			]).stdout,
		);
		expect(inputs.issues).toEqual([
			expect.objectContaining({ pointer: "/inputs/service", code: "invalid_input" }),
		]);
	});

	it("prints the full report as JSON for tools", () => {
		const run = stepline([
			"test",
			join(examples, "deploy_service.json"),
			"--fixture",
			join(examples, "deploy_service.production.test.json"),
			"--format",
			"json",
		]);
		expect(run.status).toBe(0);
		const [result] = JSON.parse(run.stdout);
		expect(result.passed).toBe(true);
		expect(result.report.requests.map((r: { node: string; at: string }) => [r.node, r.at])).toEqual(
			[
				["deploy", "2026-01-05T09:00:00.000Z"],
				["deploy", "2026-01-05T09:00:05.000Z"],
				["announce", "2026-01-05T09:00:07.000Z"],
			],
		);
	});
});

describe("the command line", () => {
	it("has --help for every command and documents the exit codes", () => {
		const main = stepline(["--help"]);
		expect(main.status).toBe(0);
		expect(main.stdout).toContain("Exit status: 0 done, 1 the check failed");
		const commands = [...main.stdout.matchAll(/^ {2}([a-z]+(?: [a-z]+)?) {2,}/gm)].map(
			(m) => m[1] as string,
		);
		expect(commands).toEqual([
			"validate",
			"test",
			"diff",
			"push",
			"run",
			"runs ls",
			"runs get",
			"runs cancel",
			"runs retry",
		]);
		for (const command of commands) {
			const help = stepline([...command.split(" "), "--help"]);
			expect(help.status, command).toBe(0);
			expect(help.stdout, command).toMatch(new RegExp(`^stepline ${command}`));
		}
	});

	it("exits 2 on a wrong command line, saying what is wrong", () => {
		expect(stepline(["frobnicate"])).toMatchObject({
			status: 2,
			stderr: expect.stringContaining('unknown command "frobnicate"'),
		});
		expect(stepline(["validate", "--nope", "x.json"])).toMatchObject({
			status: 2,
			stderr: expect.stringContaining("--nope"),
		});
		expect(stepline(["validate"])).toMatchObject({ status: 2 });
		expect(stepline(["runs", "frob"])).toMatchObject({
			status: 2,
			stderr: expect.stringContaining('unknown command "runs frob"'),
		});
		// The online commands say what configuration is missing before calling anything.
		expect(stepline(["diff", "examples/workflows"])).toMatchObject({
			status: 2,
			stderr: expect.stringContaining("STEPLINE_URL is not set"),
		});
		expect(
			stepline(["runs", "ls"], { STEPLINE_URL: "http://127.0.0.1:9", STEPLINE_TOKEN: "x" }),
		).toMatchObject({
			status: 3,
			stderr: expect.stringContaining("cannot reach http://127.0.0.1:9"),
		});
		expect(stepline(["validate", "/does/not/exist.json"])).toMatchObject({
			status: 2,
			stderr: expect.stringContaining("cannot read /does/not/exist.json (ENOENT)"),
		});
	});

	it("colours only on a terminal, or when FORCE_COLOR asks", () => {
		const bad = file("colour.json", BAD);
		expect(stepline(["validate", bad]).stdout).not.toContain("\u001b[");
		expect(stepline(["validate", bad], { FORCE_COLOR: "1" }).stdout).toContain("\u001b[31m");
	});
});

// Secrets in a real browser against `wrangler dev`: the Secrets page (admins set, replace and
// delete; members see names only), and the canary: a run that uses a secret, a secret input and
// a masked node against a receiver that echoes everything back, after which no API answer, no
// stored row (D1 or the run object), no line of the server's log and nothing in the admin
// page's DOM holds the canary in any form.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, repoRoot, startDevServer } from "../e2e/harness";
import {
	type BrowserSession,
	closeWatched,
	launchChromium,
	shotBothWidths,
	type WatchedPage,
} from "./browser";
import { apiAs, openSignedIn } from "./fixtures";

const execFileAsync = promisify(execFile);
const SECRET_CANARY = `cnry-secret-${randomBytes(8).toString("hex")}`;
const INPUT_CANARY = `cnry-input-${randomBytes(8).toString("hex")}`;
const CANARIES = [SECRET_CANARY, INPUT_CANARY];

/** Every form a canary could take: as is, URL-encoded (two styles), base64 (two styles). */
function forms(value: string): string[] {
	return [
		value,
		encodeURIComponent(value),
		new URLSearchParams({ v: value }).toString().slice(2),
		Buffer.from(value).toString("base64"),
		Buffer.from(value).toString("base64url"),
	];
}

function expectNoCanary(text: string, where: string) {
	for (const canary of CANARIES)
		for (const form of forms(canary))
			expect(text.includes(form), `${where} holds ${form}`).toBe(false);
}

let server: DevServer;
let chromium: BrowserSession;
let receiver: Server;
let receiverUrl: string;
const received: { headers: Record<string, string>; body: string; url: string }[] = [];
const tokens: Record<"admin" | "member", string> = {} as never;
let watched: WatchedPage | undefined;

/** Answers 200 with everything it got, and sends each request header back as x-echo-<name>. */
function echoReceiver(): Server {
	return createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on("data", (c: Buffer) => chunks.push(c));
		req.on("end", () => {
			const body = Buffer.concat(chunks).toString("utf8");
			const headers = Object.fromEntries(
				Object.entries(req.headers).map(([k, v]) => [k, String(v)]),
			);
			received.push({ headers, body, url: req.url ?? "" });
			const echoed: Record<string, string> = { "content-type": "application/json" };
			for (const [name, value] of Object.entries(headers)) {
				if (!["host", "connection", "content-length", "transfer-encoding"].includes(name))
					echoed[`x-echo-${name}`] = value;
			}
			res.writeHead(200, echoed).end(JSON.stringify({ url: req.url, headers, body }));
		});
	});
}

async function openAs(who: keyof typeof tokens, route: string) {
	watched = await openSignedIn(chromium, server, tokens[who], route);
	return watched.page;
}

async function json(res: Response) {
	const text = await res.text();
	expect(res.status, text).toBeLessThan(300);
	return text;
}

beforeAll(async () => {
	receiver = echoReceiver();
	await new Promise<void>((done) => receiver.listen(0, "127.0.0.1", done));
	receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
	[server, chromium] = await Promise.all([startDevServer(), launchChromium()]);
	tokens.admin = await server.token({
		tenant: "browser-secrets",
		sub: "ada@secrets.test",
		role: "admin",
	});
	tokens.member = await server.token({
		tenant: "browser-secrets",
		sub: "max@secrets.test",
		role: "member",
	});
});

afterAll(async () => {
	await chromium?.close();
	await server?.stop();
	await new Promise((done) => receiver?.close(done));
});

afterEach(async () => {
	const problems = await closeWatched(watched);
	watched = undefined;
	expect(problems).toEqual([]);
});

describe("admin page: secrets", () => {
	it("lets an admin set a value in a password field, replace it and delete the secret after confirming", async () => {
		const page = await openAs("admin", "#/secrets");
		await page.getByRole("heading", { name: "Secrets", level: 1 }).waitFor();
		const value = page.getByLabel("Value");
		expect(await value.getAttribute("type")).toBe("password");
		await page.getByLabel("Name").fill("DEPLOY_TOKEN");
		await value.fill("ghp_page-typed-value-0001");
		await page.getByLabel("Description").fill("Deploy bot");
		await page.getByRole("button", { name: "Save secret" }).click();
		const row = page.getByRole("row", { name: /DEPLOY_TOKEN/ });
		await row.getByText("Deploy bot").waitFor();
		await row.getByText("v1").waitFor();
		await shotBothWidths(watched!, "60-secrets-admin");

		await row.getByRole("button", { name: "Replace value" }).click();
		await page.getByRole("heading", { name: "Replace the value of DEPLOY_TOKEN" }).waitFor();
		await page.getByLabel("Value").fill("ghp_page-typed-value-0002");
		await page.getByRole("button", { name: "Replace value" }).first().click();
		await page
			.getByRole("row", { name: /DEPLOY_TOKEN/ })
			.getByText("v2")
			.waitFor();
		expect(await page.content()).not.toContain("ghp_page-typed-value");

		await page
			.getByRole("row", { name: /DEPLOY_TOKEN/ })
			.getByRole("button", { name: "Delete" })
			.click();
		const dialog = page.getByRole("dialog", { name: "Delete secret DEPLOY_TOKEN?" });
		await dialog.getByRole("button", { name: "Delete secret" }).click();
		await page.getByText("Deleted DEPLOY_TOKEN.").waitFor();
		await page.getByRole("row", { name: /DEPLOY_TOKEN/ }).waitFor({ state: "detached" });
	});

	it("shows members the names only, and no way to write", async () => {
		await json(
			await apiAs(server, tokens.admin, "PUT", "/v1/secrets/MEMBER_VISIBLE", {
				value: "not-for-members",
				description: "an admin's note",
			}),
		);
		const page = await openAs("member", "#/secrets");
		await page.getByRole("list", { name: "Secrets" }).getByText("MEMBER_VISIBLE").waitFor();
		expect(await page.getByRole("button", { name: "Save secret" }).count()).toBe(0);
		expect(await page.getByText("an admin's note").count()).toBe(0);
		await shotBothWidths(watched!, "61-secrets-member");
	});
});

describe("the canary", () => {
	it("a run with a secret, a secret input and a masked node leaves the canary nowhere a reader or storage sees", async () => {
		await json(
			await apiAs(server, tokens.admin, "PUT", "/v1/secrets/CANARY", { value: SECRET_CANARY }),
		);
		const echo = `${receiverUrl}/echo`;
		const definition = {
			identifier: "canary",
			title: "Canary",
			nodes: [
				{
					identifier: "trigger",
					config: {
						type: "SELF_SERVE_TRIGGER",
						userInputs: {
							properties: { password: { type: "string", writeOnly: true, title: "Password" } },
							required: ["password"],
						},
					},
				},
				{
					identifier: "call",
					variables: {
						echoed: "{{ .response.data }}",
						header: '{{ .response.headers["x-echo-x-bot"] }}',
					},
					config: {
						type: "WEBHOOK",
						method: "POST",
						url: `${echo}/call`,
						query: { k: "{{ .secrets.CANARY }}", p: "{{ .inputs.password }}" },
						headers: {
							"X-Bot": "{{ .secrets.CANARY }}",
							"X-Basic": '{{ ("bot:" + .inputs.password) | @base64 }}',
						},
						body: { secret: "{{ .secrets.CANARY }}", password: "{{ .inputs.password }}" },
					},
				},
				{
					identifier: "masked",
					maskOutput: true,
					config: {
						type: "WEBHOOK",
						method: "POST",
						url: `${echo}/masked`,
						body: { p: "{{ .inputs.password }}", s: "{{ .secrets.CANARY | @base64 }}" },
					},
				},
				{
					identifier: "after",
					config: {
						type: "WEBHOOK",
						method: "POST",
						url: `${echo}/after`,
						body: { fromMasked: "{{ .outputs.masked.data.body }}" },
					},
				},
			],
			connections: [
				{ identifier: "c1", sourceIdentifier: "trigger", targetIdentifier: "call" },
				{ identifier: "c2", sourceIdentifier: "call", targetIdentifier: "masked" },
				{ identifier: "c3", sourceIdentifier: "masked", targetIdentifier: "after" },
			],
		};
		await json(await apiAs(server, tokens.admin, "POST", "/v1/workflows", definition));
		const started = JSON.parse(
			await json(
				await apiAs(server, tokens.admin, "POST", "/v1/workflows/canary/runs", {
					inputs: { password: INPUT_CANARY },
				}),
			),
		) as { id: string };
		const read = async (path: string) => json(await apiAs(server, tokens.admin, "GET", path));
		/** The run's JSON once it has completed. */
		const completed = async (path: string) => {
			for (let i = 0; i < 300; i++) {
				const text = await read(path);
				if (JSON.parse(text).status === "COMPLETED") return text;
				await new Promise((r) => setTimeout(r, 100));
			}
			throw new Error(`${path} did not complete`);
		};
		const runPath = `/v1/workflows/runs/${started.id}`;
		const run = await completed(runPath);
		expect(JSON.parse(run).result).toBe("SUCCESS");
		// The receiver got the real values: the secrets really went out.
		expect(received.some((r) => r.headers["x-bot"] === SECRET_CANARY)).toBe(true);
		expect(received.some((r) => r.body.includes(INPUT_CANARY))).toBe(true);

		const retried = await json(
			await apiAs(server, tokens.admin, "POST", `${runPath}/retry`, { fromNode: "call" }),
		);
		const retryId = JSON.parse(retried).id as string;
		const retryRun = await completed(`/v1/workflows/runs/${retryId}`);
		expect(JSON.parse(retryRun).result).toBe("SUCCESS");
		const stream = await fetch(`${server.baseUrl}${runPath}/stream`, {
			headers: { authorization: `Bearer ${tokens.admin}` },
		}).then((r) => r.text());
		expect(stream).toContain("event: run_succeeded");
		const answers = {
			run,
			"run by workflow": await read(`/v1/workflows/canary/runs/${started.id}`),
			events: await read(`${runPath}/events?after=0&limit=1000`),
			stream,
			list: await read("/v1/workflows/runs?workflowIdentifiers=canary"),
			retry: retried,
			"retried run": retryRun,
			secrets: await read("/v1/secrets"),
		};
		for (const [where, text] of Object.entries(answers)) expectNoCanary(text, `the API's ${where}`);

		// The raw D1 rows, table by table.
		const d1 = async (sql: string) => {
			const { stdout } = await execFileAsync(
				process.execPath,
				[
					join(repoRoot, "node_modules/wrangler/bin/wrangler.js"),
					"d1",
					"execute",
					"DB",
					"--local",
					"--persist-to",
					server.stateDir,
					"--json",
					"--command",
					sql,
				],
				{ cwd: repoRoot, env: { ...process.env, CI: "true" }, maxBuffer: 64 * 1024 * 1024 },
			);
			return stdout;
		};
		const tables = JSON.parse(
			await d1(
				"SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'sqlite_%'",
			),
		)[0].results.map((t: { name: string }) => t.name) as string[];
		expect(tables).toContain("secrets");
		for (const table of tables)
			expectNoCanary(await d1(`SELECT * FROM "${table}"`), `D1 table ${table}`);

		// Every byte on disk: the run objects' and the tenant object's SQLite files, D1's, WALs.
		const files: string[] = [];
		const walk = (dir: string) => {
			for (const name of readdirSync(dir)) {
				const path = join(dir, name);
				if (statSync(path).isDirectory()) walk(path);
				else files.push(path);
			}
		};
		walk(server.stateDir);
		expect(files.some((f) => f.includes("RunObject"))).toBe(true);
		for (const file of files) expectNoCanary(readFileSync(file).toString("latin1"), file);

		// The admin page: the run with every node's output open, and the run's inputs.
		const page = await openAs("admin", `#/runs/${started.id}`);
		await page.getByRole("heading", { level: 1 }).getByText("Succeeded").waitFor();
		for (const summary of await page.locator("details > summary").all()) await summary.click();
		await page.locator(".badge.hidden-value").first().waitFor();
		expect(await page.locator(".badge.hidden-value").count()).toBeGreaterThan(2);
		const dom = await page.content();
		expectNoCanary(dom, "the run page's DOM");
		expect(dom).not.toContain("[REDACTED]");
		expect(dom).not.toContain("%5BREDACTED%5D");
		await shotBothWidths(watched!, "62-canary-run");

		// The start form asks for the secret input in a password field.
		await page.evaluate(() => {
			(globalThis as any).location.hash = "#/workflows/canary";
		});
		const password = page.getByLabel("Password");
		await password.waitFor();
		expect(await password.getAttribute("type")).toBe("password");

		// The server's own output, from its start until now.
		expectNoCanary(server.fullOutput(), "the wrangler dev log");
	}, 240_000);
});

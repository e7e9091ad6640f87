// `npm start` end to end: runs scripts/start.mjs against a throwaway state dir and secrets
// file (STEPLINE_STATE_DIR / STEPLINE_DEV_VARS), reads the printed URLs and token by their
// labels, calls the API with that token, then Ctrl+C's it and checks nothing is left running.

import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "./harness";
import type { ProcessInfo } from "./processes";
import { descendants, freePort, isAlive, killGroup, waitGroupGone } from "./processes";

const dir = mkdtempSync(join(tmpdir(), "stepline-start-"));
const devVars = join(dir, "dev.vars");
let child: ChildProcess;
let output = "";
let port: number;
let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

/** The value printed after `label:` on its own line, e.g. "  Token:      eyJ…". */
function printed(label: string): string | undefined {
	const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
	return new RegExp(`^\\s*${escaped}:\\s+(\\S+)\\s*$`, "m").exec(output)?.[1];
}

beforeAll(async () => {
	port = await freePort();
	child = spawn(process.execPath, ["scripts/start.mjs"], {
		cwd: repoRoot,
		env: {
			...process.env,
			PORT: String(port),
			STEPLINE_STATE_DIR: join(dir, "state"),
			STEPLINE_DEV_VARS: devVars,
			WRANGLER_SEND_METRICS: "false",
			FORCE_COLOR: "0",
		},
		stdio: ["ignore", "pipe", "pipe"],
		detached: true, // its own group, so cleanup below can reach anything it leaves
	});
	child.stdout?.on("data", (c: Buffer) => {
		output += c.toString();
	});
	child.stderr?.on("data", (c: Buffer) => {
		output += c.toString();
	});
	exited = new Promise((resolve) =>
		child.once("exit", (code, signal) => resolve({ code, signal })),
	);

	const deadline = Date.now() + 90_000;
	while (printed("Token") === undefined) {
		if (child.exitCode !== null) throw new Error(`start.mjs exited early:\n${output}`);
		if (Date.now() > deadline) throw new Error(`start.mjs printed no token in 90s:\n${output}`);
		await new Promise((r) => setTimeout(r, 200));
	}
});

afterAll(async () => {
	if (child?.pid) {
		killGroup(child.pid, "SIGKILL"); // only matters if a test failed before stopping it
		await waitGroupGone(child.pid, 1_000).catch(() => undefined);
	}
	rmSync(dir, { recursive: true, force: true });
});

describe("npm start (scripts/start.mjs)", () => {
	it("prints the API, admin page and docs URLs and a token", () => {
		const token = printed("Token") as string;
		expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
		expect(printed("API")).toBe(`http://localhost:${port}`);
		// A one-time code, never the token: the browser's history would keep the link.
		expect(printed("Admin page")).toMatch(
			new RegExp(`^http://localhost:${port}/admin#code=[\\w-]{43}$`),
		);
		expect(printed("Admin page")).not.toContain(token);
		expect(printed("API docs")).toBe(`http://localhost:${port}/docs`);
		// The dev vars turn loopback calls on, and the banner says so.
		expect(output).toMatch(/^\s*Loopback:\s+on — WEBHOOK nodes may call localhost/m);
	});

	it("prints a sign-in link whose code the page can exchange for the token once", async () => {
		const code = (printed("Admin page") as string).split("#code=")[1];
		const exchange = () =>
			fetch(`http://127.0.0.1:${port}/auth/sign-in`, {
				method: "POST",
				headers: { "content-type": "application/json" },
				body: JSON.stringify({ code }),
			});
		const first = await exchange();
		expect(first.status).toBe(200);
		expect(await first.json()).toEqual({ token: printed("Token") });
		expect((await exchange()).status).toBe(401);
	});

	it("creates the secrets file and never prints the secrets", () => {
		const text = readFileSync(devVars, "utf8");
		const secret = /^JWT_SECRET=(.+)$/m.exec(text)?.[1] ?? "";
		expect(secret.length).toBeGreaterThanOrEqual(43); // 32 bytes, base64url
		// The master key of tenant secrets: key id k1, 32 random bytes in base64.
		const masterKey = /^SECRETS_MASTER_KEY=k1:([A-Za-z0-9+/]{43}=)$/m.exec(text)?.[1] ?? "";
		expect(Buffer.from(masterKey, "base64")).toHaveLength(32);
		expect(text).toMatch(/^ALLOW_LOOPBACK_TARGETS=true$/m);
		expect(output).not.toContain(secret);
		expect(output).not.toContain(masterKey);
	});

	it("serves the API with the printed token and has seeded the demo workflow", async () => {
		// 127.0.0.1 rather than the printed localhost: Node's fetch may try ::1 first.
		const base = `http://127.0.0.1:${port}`;
		const headers = { authorization: `Bearer ${printed("Token")}` };
		const res = await fetch(`${base}/v1/workflows/hello_world`, { headers });
		const body = await res.text();
		expect(res.status, body).toBe(200);
		const json = JSON.parse(body) as { identifier?: string; definition?: { identifier?: string } };
		expect(json.definition?.identifier ?? json.identifier).toBe("hello_world");
	});

	it("stops on SIGINT, exits 0 and leaves no workerd behind", async () => {
		const pid = child.pid as number;
		const tree: ProcessInfo[] = descendants(pid);
		expect(tree.map((p) => p.command)).toContain("workerd");
		process.kill(pid, "SIGINT"); // like Ctrl+C, but to start.mjs alone
		const result = await Promise.race([
			exited,
			new Promise<never>((_, reject) =>
				setTimeout(
					() => reject(new Error(`start.mjs still running 20s after SIGINT:\n${output}`)),
					20_000,
				),
			),
		]);
		expect(result).toEqual({ code: 0, signal: null });
		// Orphans would be re-parented away from start.mjs, so check the pids recorded above.
		// Helpers such as esbuild's service exit when their parent's pipe closes: allow a moment.
		for (let i = 0; i < 50 && tree.some((p) => isAlive(p.pid)); i++) {
			await new Promise((r) => setTimeout(r, 100));
		}
		expect(tree.filter((p) => isAlive(p.pid))).toEqual([]);
	});
});

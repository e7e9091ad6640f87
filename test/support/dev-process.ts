// A `wrangler dev` that can be killed with SIGKILL and started again on the same persist
// directory and port (fault tests, benchmarks). Unlike test/e2e/harness.ts it keeps its state
// across restarts, and it exposes the workerd pid so callers can read its CPU time from /proc.
import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { descendants, freePort, killGroup, waitGroupGone } from "../e2e/processes";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const wranglerBin = join(repoRoot, "node_modules/wrangler/bin/wrangler.js");
const devServerScript = join(repoRoot, "test/support/dev-server.mjs");
const execFileAsync = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// No telemetry, never prompt.
const childEnv = { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false", FORCE_COLOR: "0" };

export interface DevProcessOptions {
	/** wrangler config, relative to the repository (default: the product's wrangler.toml). */
	config?: string;
	/** Extra vars written to the env file next to JWT_SECRET. */
	vars?: Record<string, string>;
	/** Lets the test call /__scheduled to run the cron sweeper on demand. */
	testScheduled?: boolean;
	/**
	 * false: wrangler's dev server without its DevTools inspector (test/support/dev-server.mjs
	 * says what that costs); `inspectorPort` then serves nothing. Default: the `wrangler dev`
	 * command, inspector included.
	 */
	inspector?: boolean;
	/**
	 * Where the temp directory (local D1, Durable Object and Workflows state) is made; default
	 * the OS temp directory. The bench's --tmpfs puts it on /dev/shm.
	 */
	stateParent?: string;
}

/**
 * A copy of a wrangler config (the product's wrangler.toml by default) with `main` replaced,
 * paths made absolute and [assets] dropped: the API under test does not need the admin page
 * build (web/dist), and a missing build would stop `wrangler dev` from starting at all.
 */
function writeConfig(source: string, main: string, target: string): string {
	const sourceDir = dirname(source);
	const lines = readFileSync(source, "utf8").split("\n");
	const out: string[] = [];
	let skipping = false;
	for (const line of lines) {
		if (/^\s*\[/.test(line)) skipping = /^\s*\[assets\]/.test(line);
		if (!skipping) out.push(line);
	}
	const migrations = /^migrations_dir\s*=\s*"(.*)"$/m.exec(out.join("\n"))?.[1] ?? "migrations";
	const text = out
		.join("\n")
		.replace(/^main\s*=.*$/m, `main = ${JSON.stringify(main)}`)
		.replace(
			/^migrations_dir\s*=.*$/m,
			`migrations_dir = ${JSON.stringify(resolve(sourceDir, migrations))}`,
		);
	writeFileSync(target, text);
	return target;
}

/**
 * Bundles the Worker once (wrangler's own build, `deploy --dry-run`) and returns a config that
 * serves that bundle with --no-bundle. Other engineers editing sources while a test or bench
 * runs would otherwise make `wrangler dev` reload mid-request; this freezes the code under test.
 */
async function frozenConfig(dir: string, config: string | undefined): Promise<string> {
	const source = resolve(repoRoot, config ?? "wrangler.toml");
	const main = /^main\s*=\s*"(.*)"$/m.exec(readFileSync(source, "utf8"))?.[1] ?? "worker/index.ts";
	const buildConfig = writeConfig(source, resolve(dirname(source), main), join(dir, "build.toml"));
	const outdir = join(dir, "bundle");
	await execFileAsync(
		process.execPath,
		[wranglerBin, "deploy", "--dry-run", "-c", buildConfig, "--outdir", outdir],
		{ cwd: repoRoot, env: childEnv },
	);
	return writeConfig(source, join(outdir, "index.js"), join(dir, "wrangler.toml"));
}

export interface DevProcess {
	baseUrl: string;
	start(timeoutMs?: number): Promise<void>;
	/** SIGKILL to the whole process group (wrangler, esbuild, workerd): a crash, not a shutdown. */
	kill9(): Promise<void>;
	/** Graceful stop, then removes the temp directory. */
	dispose(): Promise<void>;
	workerdPid(): number | null;
	/** Every workerd in the group (wrangler may run more than one). */
	workerdPids(): number[];
	/** The DevTools inspector port of the Worker (bench/profile.ts takes CPU profiles there). */
	inspectorPort: number;
	/** A token for `sub` (default `bot@<tenant>`) in `tenant`, with `role` (default admin). */
	token(tenant: string, role?: string, sub?: string): Promise<string>;
	output(): string;
	starts: number;
	/** wrangler's local state (D1, the objects, Workflows), for the bench's storage figures. */
	persistDir: string;
}

export async function createDevProcess(opts: DevProcessOptions = {}): Promise<DevProcess> {
	const dir = mkdtempSync(join(opts.stateParent ?? tmpdir(), "stepline-dev-"));
	const persistDir = join(dir, "state");
	const devVars = join(dir, "dev.vars");
	const port = await freePort();
	const vars = {
		JWT_SECRET: randomBytes(32).toString("base64url"),
		SECRETS_MASTER_KEY: `k1:${randomBytes(32).toString("base64")}`,
		ALLOW_LOOPBACK_TARGETS: "true",
		// Callback URLs point back at this server, across restarts on the same port.
		PUBLIC_URL: `http://127.0.0.1:${port}`,
	};
	const lines = Object.entries({ ...vars, ...opts.vars }).map(([k, v]) => `${k}=${v}`);
	writeFileSync(devVars, `${lines.join("\n")}\n`, { mode: 0o600 });
	const configArgs = ["-c", await frozenConfig(dir, opts.config)];
	await execFileAsync(
		process.execPath,
		[wranglerBin, "d1", "migrations", "apply", "DB", "--local", "--persist-to", persistDir].concat(
			configArgs,
		),
		{ cwd: repoRoot, env: childEnv },
	);
	const inspectorPort = await freePort();
	const baseUrl = `http://127.0.0.1:${port}`;
	let pgid: number | null = null;
	let log = "";
	const onExit = () => {
		if (pgid !== null) killGroup(pgid, "SIGKILL");
	};
	process.once("exit", onExit);

	const self: DevProcess = {
		baseUrl,
		inspectorPort,
		persistDir,
		starts: 0,
		async start(timeoutMs = 90_000) {
			const config = configArgs[1] as string;
			const served = ["--port", String(port), "--persist-to", persistDir, "--env-file", devVars];
			const args =
				opts.inspector === false
					? [devServerScript, "--config", config, ...served]
					: [wranglerBin, "dev", "-c", config, ...served, "--ip", "127.0.0.1", "--no-bundle"];
			if (opts.inspector !== false) {
				args.push(
					"--inspector-port",
					String(inspectorPort),
					"--show-interactive-dev-session=false",
				);
			}
			if (opts.testScheduled) args.push("--test-scheduled");
			const child = spawn(process.execPath, args, {
				cwd: repoRoot,
				env: childEnv,
				stdio: ["ignore", "pipe", "pipe"],
				detached: true, // own process group, so kill(-pgid) reaches workerd too
			});
			pgid = child.pid ?? null;
			let exited: string | undefined;
			child.once("exit", (code, signal) => {
				exited = signal ?? `code ${code}`;
			});
			const append = (chunk: Buffer) => {
				log = (log + chunk.toString()).slice(-40_000);
			};
			child.stdout?.on("data", append);
			child.stderr?.on("data", append);
			const deadline = Date.now() + timeoutMs;
			for (;;) {
				if (exited !== undefined) throw new Error(`wrangler dev exited (${exited}):\n${log}`);
				if (Date.now() > deadline) throw new Error(`wrangler dev not healthy in time:\n${log}`);
				const res = await fetch(`${baseUrl}/healthz`).catch(() => undefined);
				if (res?.status === 200) break;
				await sleep(200);
			}
			self.starts++;
		},
		async kill9() {
			if (pgid === null) return;
			killGroup(pgid, "SIGKILL");
			await waitGroupGone(pgid, 5_000);
			pgid = null;
		},
		async dispose() {
			if (pgid !== null) {
				killGroup(pgid, "SIGINT");
				await waitGroupGone(pgid);
				pgid = null;
			}
			process.off("exit", onExit);
			rmSync(dir, { recursive: true, force: true });
		},
		workerdPid() {
			if (pgid === null) return null;
			return descendants(pgid).find((p) => p.command.includes("workerd"))?.pid ?? null;
		},
		workerdPids() {
			if (pgid === null) return [];
			return descendants(pgid)
				.filter((p) => p.command.includes("workerd"))
				.map((p) => p.pid);
		},
		async token(tenant, role = "admin", sub = `bot@${tenant}`) {
			const args = ["run", "-s", "token", "--", "--tenant", tenant, "--sub", sub];
			const { stdout } = await execFileAsync("npm", [...args, "--role", role, "--ttl", "2h"], {
				cwd: repoRoot,
				env: { ...childEnv, STEPLINE_DEV_VARS: devVars },
			});
			return stdout.trim();
		},
		output: () => log,
	};
	return self;
}

// Starts the real Worker with `wrangler dev` from this repository, on a free port, with a
// throwaway D1/DO state directory and a throwaway secrets file, so e2e runs never touch a
// developer's `.wrangler/state` or `.dev.vars` and can run next to their `npm start`.
import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { freePort, killGroup, waitGroupGone } from "./processes";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const wranglerBin = join(repoRoot, "node_modules/wrangler/bin/wrangler.js");
const execFileAsync = promisify(execFile);

export interface TokenOptions {
	tenant?: string;
	sub?: string;
	role?: "admin" | "member" | "viewer";
	ttl?: string;
	scope?: string;
}

export interface DevServer {
	baseUrl: string;
	/** A token from the real `npm run -s token`, signed with this server's secret. */
	token(opts?: TokenOptions): Promise<string>;
	/** wrangler's combined stdout/stderr so far, its last 20,000 characters (for assertion messages). */
	output(): string;
	/** Everything wrangler printed so far (checks that no secret reached the log). */
	fullOutput(): string;
	/** The local D1 and Durable Object state directory (--persist-to). */
	stateDir: string;
	/** Environment for child processes that should talk to this server (`npm run token` reads it). */
	childEnv: NodeJS.ProcessEnv;
	/** Stops wrangler and every workerd it started; throws if any survives. */
	stop(): Promise<void>;
}

// Child env: no telemetry calls from tests, and CI=true so wrangler never prompts.
const childEnv = { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false", FORCE_COLOR: "0" };

function applyMigrations(persistDir: string): Promise<unknown> {
	const dir = join(repoRoot, "migrations");
	if (!existsSync(dir) || !readdirSync(dir).some((f) => f.endsWith(".sql"))) {
		return Promise.resolve(); // wrangler errors on a missing folder; nothing to apply anyway
	}
	const args = [wranglerBin, "d1", "migrations", "apply", "DB", "--local"];
	return execFileAsync(process.execPath, [...args, "--persist-to", persistDir], {
		cwd: repoRoot,
		env: childEnv,
	});
}

/** wrangler.toml serves web/dist as assets, so the admin page must be built (esbuild, < 1 s). */
function buildAdminPageIfStale(): Promise<unknown> {
	const script = join(repoRoot, "scripts/build-web.mjs");
	return execFileAsync(process.execPath, [script, "--if-stale"], { cwd: repoRoot, env: childEnv });
}

export interface DevServerOptions {
	timeoutMs?: number;
	/** SECRETS_MASTER_KEY (default: a fresh random key "k1"). */
	masterKey?: string;
	/** Serve this state directory and leave it in place on stop (default: a throwaway one). */
	stateDir?: string;
	/** Extra vars (e.g. REQUEST_RATE_LIMITS=off for a test that floods the server on purpose). */
	vars?: Record<string, string>;
}

export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
	const { timeoutMs = 60_000 } = options;
	await buildAdminPageIfStale();
	const dir = mkdtempSync(join(tmpdir(), "stepline-e2e-"));
	const persistDir = options.stateDir ?? join(dir, "state");
	const devVars = join(dir, "dev.vars");
	const secret = randomBytes(32).toString("base64url");
	const masterKey = options.masterKey ?? `k1:${randomBytes(32).toString("base64")}`;
	await applyMigrations(persistDir);

	const port = await freePort();
	const vars = {
		JWT_SECRET: secret,
		SECRETS_MASTER_KEY: masterKey,
		ALLOW_LOOPBACK_TARGETS: "true",
		PUBLIC_URL: `http://127.0.0.1:${port}`,
		...options.vars,
	};
	const lines = Object.entries(vars).map(([k, v]) => `${k}=${v}\n`);
	writeFileSync(devVars, lines.join(""), { mode: 0o600 });
	const inspectorPort = await freePort(); // the default 9229 may belong to the developer's server
	const baseUrl = `http://127.0.0.1:${port}`;
	const args = [wranglerBin, "dev", "--port", String(port), "--ip", "127.0.0.1"];
	args.push("--inspector-port", String(inspectorPort), "--persist-to", persistDir);
	// --env-file replaces .dev.vars entirely (wrangler skips .dev.vars when it is given).
	args.push("--env-file", devVars, "--show-interactive-dev-session=false");
	const child = spawn(process.execPath, args, {
		cwd: repoRoot,
		env: childEnv,
		stdio: ["ignore", "pipe", "pipe"],
		detached: true, // own process group: see processes.ts
	});
	const pgid = child.pid as number;
	let log = "";
	const append = (chunk: Buffer) => {
		log += chunk.toString();
	};
	child.stdout?.on("data", append);
	child.stderr?.on("data", append);
	let exit: string | undefined;
	child.once("exit", (code, signal) => {
		exit = signal ?? `code ${code}`;
	});
	// If the test process dies without calling stop(), still take the server down with it.
	const onExit = () => killGroup(pgid, "SIGKILL");
	process.once("exit", onExit);

	let stopped = false;
	const stop = async () => {
		if (stopped) return;
		stopped = true;
		killGroup(pgid, "SIGINT");
		try {
			await waitGroupGone(pgid);
		} finally {
			process.off("exit", onExit);
			rmSync(dir, { recursive: true, force: true });
		}
	};

	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (exit !== undefined) {
			await stop();
			throw new Error(`wrangler dev exited (${exit}) before /healthz answered:\n${log}`);
		}
		if (Date.now() > deadline) {
			await stop();
			throw new Error(`wrangler dev: no 200 from /healthz within ${timeoutMs / 1000}s:\n${log}`);
		}
		const res = await fetch(`${baseUrl}/healthz`).catch(() => undefined);
		if (res?.status === 200) break;
		await new Promise((r) => setTimeout(r, 250));
	}

	const token = async (opts: TokenOptions = {}) => {
		const { tenant = "e2e", sub = "e2e@example.test", role = "admin", ttl, scope } = opts;
		const args = ["run", "-s", "token", "--", "--tenant", tenant, "--sub", sub, "--role", role];
		if (ttl) args.push("--ttl", ttl);
		if (scope) args.push("--scope", scope);
		const { stdout, stderr } = await execFileAsync("npm", args, {
			cwd: repoRoot,
			env: { ...childEnv, STEPLINE_DEV_VARS: devVars },
		});
		const jwt = stdout.trim();
		if (!/^[\w-]+\.[\w-]+\.[\w-]+$/.test(jwt)) {
			throw new Error(`npm run token printed no JWT:\nstdout: ${stdout}\nstderr: ${stderr}`);
		}
		return jwt;
	};

	return {
		baseUrl,
		token,
		output: () => log.slice(-20_000),
		fullOutput: () => log,
		stateDir: persistDir,
		stop,
		childEnv: { ...childEnv, STEPLINE_DEV_VARS: devVars },
	};
}

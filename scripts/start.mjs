#!/usr/bin/env node
// `npm start`: from a fresh clone with only Node.js to a running local Stepline with a demo
// tenant and a ready admin token. Steps: install deps → .dev.vars → D1 migrations →
// wrangler dev → wait for /healthz → seed the demo workflow → print URLs and token.
//
// Environment overrides (all optional):
//   PORT                port for wrangler dev (default 8787)
//   STEPLINE_STATE_DIR  local persistence dir for D1/DO state (default .wrangler/state)
//   STEPLINE_DEV_VARS   local secrets file (default .dev.vars); also read by `npm run token`
// The e2e test uses the last two to run a throwaway instance next to a developer's own.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { relative, resolve } from "node:path";
import { ensureDevVars } from "./lib/dev-vars.mjs";
import { repoRoot } from "./lib/paths.mjs";
import {
	isPortFree,
	killGroup,
	waitForHealthy,
	waitGroupGone,
	wranglerBin,
} from "./lib/process.mjs";

const DEMO = { tenant: "demo", sub: "admin@demo.local", role: "admin", ttl: "12h" };

function log(message) {
	console.log(`[start] ${message}`);
}

function die(message, code = 1) {
	console.error(`[start] ${message}`);
	process.exit(code);
}

function mtime(path) {
	return statSync(path).mtimeMs;
}

// npm writes node_modules/.package-lock.json on every install; if the committed lockfile is
// newer, someone changed dependencies since the last install.
function ensureDependencies() {
	const lock = resolve(repoRoot, "package-lock.json");
	const installed = resolve(repoRoot, "node_modules/.package-lock.json");
	if (existsSync(installed) && mtime(installed) >= mtime(lock)) return;
	log(
		existsSync(installed) ? "package-lock.json changed: npm ci" : "installing dependencies: npm ci",
	);
	const result = spawnSync("npm", ["ci", "--no-audit", "--no-fund"], {
		cwd: repoRoot,
		stdio: "inherit",
	});
	if (result.status !== 0) die(`npm ci failed (exit ${result.status ?? result.signal})`);
}

// A fresh clone may have no migrations yet (git does not keep empty folders), and wrangler
// errors on a missing folder, so only call it when there is something to apply.
function applyMigrations(stateDir) {
	const dir = resolve(repoRoot, "migrations");
	if (!existsSync(dir) || !readdirSync(dir).some((f) => f.endsWith(".sql"))) {
		log("no D1 migrations to apply yet");
		return;
	}
	log("applying D1 migrations (local)");
	const result = spawnSync(
		process.execPath,
		[wranglerBin, "d1", "migrations", "apply", "DB", "--local", "--persist-to", stateDir],
		// CI=true makes wrangler skip its "continue?" prompt; stdin is closed for the same reason.
		{ cwd: repoRoot, stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, CI: "true" } },
	);
	if (result.status !== 0) die(`D1 migrations failed (exit ${result.status ?? result.signal})`);
}

// Tenants are implicit, so seeding is just writing the demo workflow through the real API.
// PUT is a full replace and stores no new version when unchanged, so restarts are harmless.
async function seedDemo(baseUrl, token) {
	const body = readFileSync(new URL("./demo-workflow.json", import.meta.url), "utf8");
	const { identifier } = JSON.parse(body);
	let res;
	try {
		res = await fetch(`${baseUrl}/v1/workflows/${identifier}`, {
			method: "PUT",
			headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
			body,
		});
	} catch (error) {
		log(`warning: could not seed the demo workflow: ${error.message}`);
		return;
	}
	if (res.ok) log(`seeded workflow "${identifier}" for tenant "${DEMO.tenant}" (${res.status})`);
	else if (res.status === 404)
		log(`warning: PUT /v1/workflows/${identifier} is not implemented yet; demo not seeded`);
	else
		log(
			`warning: seeding "${identifier}" failed: ${res.status} ${(await res.text()).slice(0, 500)}`,
		);
}

// A one-time code for the admin page, so the printed link (and the browser's history) never
// holds the token itself; the page exchanges the code by POST (docs/API.md#sign-in-codes).
async function signInCode(baseUrl, token) {
	try {
		const res = await fetch(`${baseUrl}/v1/auth/sign-in-codes`, {
			method: "POST",
			headers: { authorization: `Bearer ${token}` },
		});
		if (res.ok) return (await res.json()).code;
		log(
			`warning: could not make a sign-in code: ${res.status} ${(await res.text()).slice(0, 300)}`,
		);
	} catch (error) {
		log(`warning: could not make a sign-in code: ${error.message}`);
	}
	return undefined;
}

function printBanner(port, token, code, stateDir, devVars) {
	const base = `http://localhost:${port}`;
	// Said out loud: with it on, a workflow can call services on this machine.
	const loopback =
		devVars.vars.ALLOW_LOOPBACK_TARGETS === "true"
			? `\n  Loopback:   on — WEBHOOK nodes may call localhost (ALLOW_LOOPBACK_TARGETS in ${relative(repoRoot, devVars.path) || devVars.path})`
			: "";
	console.log(`
Stepline is running (state in ${relative(repoRoot, stateDir) || stateDir})

  API:        ${base}
  Admin page: ${code === undefined ? `${base}/admin (paste the token)` : `${base}/admin#code=${code}`}
              (one-time link, valid 5 minutes; then open /admin and paste the token)
  API docs:   ${base}/docs
  Token:      ${token}
  Identity:   ${DEMO.sub}, role ${DEMO.role}, tenant ${DEMO.tenant}, valid ${DEMO.ttl}${loopback}

  Try it:
    export TOKEN='${token}'
    curl -s ${base}/v1/workflows -H "Authorization: Bearer $TOKEN"

  Other users: npm run -s token -- --tenant demo --sub you@demo.local --role member
  Press Ctrl+C to stop.
`);
}

async function main() {
	ensureDependencies();
	// wrangler.toml serves web/dist as static assets: build the admin page when it is missing or
	// older than web/src (esbuild, well under a second).
	const { buildWeb, webIsStale } = await import("./build-web.mjs");
	if (webIsStale()) {
		const { ms } = await buildWeb();
		log(`built the admin page into web/dist/admin (${ms} ms)`);
	}
	const devVars = ensureDevVars();
	if (devVars.added.length > 0) {
		log(
			`${devVars.created ? "created" : "updated"} ${relative(repoRoot, devVars.path) || devVars.path} (${devVars.added.join(", ")})`,
		);
	}
	const stateDir = resolve(process.env.STEPLINE_STATE_DIR || resolve(repoRoot, ".wrangler/state"));
	const port = Number(process.env.PORT || 8787);
	if (!Number.isInteger(port) || port < 1 || port > 65535)
		die(`PORT must be a port number, got "${process.env.PORT}"`, 2);
	if (!(await isPortFree(port))) die(`port ${port} is already in use; set PORT to another one`);

	applyMigrations(stateDir);

	// Detached: wrangler, esbuild and workerd share one process group that we own, so a
	// forwarded signal plus a final kill(-pgid) can never leave a workerd behind.
	const args = [wranglerBin, "dev", "--port", String(port), "--ip", "127.0.0.1"];
	args.push("--persist-to", stateDir, "--env-file", devVars.path);
	args.push("--show-interactive-dev-session=false");
	// Callback URLs and answer links point back at this server (README "Async calls").
	args.push("--var", `PUBLIC_URL:${process.env.PUBLIC_URL || `http://localhost:${port}`}`);
	const wrangler = spawn(process.execPath, args, {
		cwd: repoRoot,
		stdio: ["ignore", "inherit", "inherit"],
		detached: true,
	});
	let stopping = false;
	const stop = (signal) => {
		if (stopping) return;
		stopping = true;
		log(`stopping (${signal})`);
		killGroup(wrangler.pid, "SIGINT"); // wrangler shuts workerd down cleanly on SIGINT
	};
	for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => stop(signal));
	// Last resort if this process dies on an exception: never orphan the server.
	process.on("exit", () => killGroup(wrangler.pid, "SIGKILL"));
	wrangler.on("exit", async (code, signal) => {
		await waitGroupGone(wrangler.pid, 5_000); // sweep esbuild/workerd stragglers
		if (stopping) process.exit(0);
		die(`wrangler dev exited unexpectedly (${signal ?? `code ${code}`})`);
	});

	try {
		await waitForHealthy(`http://127.0.0.1:${port}/healthz`, { child: wrangler });
	} catch (error) {
		if (stopping) return;
		stop("startup failed");
		die(error.message);
	}
	if (stopping) return;
	const { signDevToken } = await import("./lib/jwt.mjs"); // after npm ci: needs jose
	const token = await signDevToken(DEMO);
	await seedDemo(`http://127.0.0.1:${port}`, token);
	const code = await signInCode(`http://127.0.0.1:${port}`, token);
	printBanner(port, token, code, stateDir, devVars);
}

main().catch((error) => die(error.stack ?? String(error)));

// Process plumbing for running `wrangler dev` as a child: free ports, health polling and
// process-group cleanup. wrangler starts node → esbuild + workerd children; we spawn it
// detached (its own process group) so one kill(-pgid) reaches every one of them.
import { createServer } from "node:net";
import { resolve } from "node:path";
import { repoRoot } from "./paths.mjs";

/** The local wrangler CLI; running it through node avoids an extra npx layer between signals. */
export const wranglerBin = resolve(repoRoot, "node_modules/wrangler/bin/wrangler.js");

/** Resolves true when 127.0.0.1:port can be bound right now. */
export function isPortFree(port) {
	return new Promise((done) => {
		const server = createServer();
		server.once("error", () => done(false));
		server.listen(port, "127.0.0.1", () => server.close(() => done(true)));
	});
}

/** A port the OS just handed out; racy in theory, fine for local dev and tests. */
export function freePort() {
	return new Promise((done, fail) => {
		const server = createServer();
		server.once("error", fail);
		server.listen(0, "127.0.0.1", () => {
			const { port } = server.address();
			server.close(() => done(port));
		});
	});
}

/**
 * Polls url until it answers 200. Rejects early when `child` exits (no point waiting for a
 * server that crashed) and after timeoutMs.
 */
export async function waitForHealthy(url, { child, timeoutMs = 60_000 } = {}) {
	const deadline = Date.now() + timeoutMs;
	let exited = null;
	child?.once("exit", (code, signal) => {
		exited = signal ?? `code ${code}`;
	});
	while (Date.now() < deadline) {
		if (exited) throw new Error(`wrangler dev exited (${exited}) before ${url} answered`);
		try {
			const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
			if (res.status === 200) return;
		} catch {
			// not listening yet
		}
		await new Promise((r) => setTimeout(r, 250));
	}
	throw new Error(`${url} did not answer 200 within ${timeoutMs / 1000}s`);
}

/** Sends a signal to a whole process group; a group that is already gone is not an error. */
export function killGroup(pgid, signal) {
	try {
		process.kill(-pgid, signal);
	} catch (error) {
		if (error.code !== "ESRCH") throw error;
	}
}

export function groupAlive(pgid) {
	try {
		process.kill(-pgid, 0);
		return true;
	} catch {
		return false;
	}
}

/** Waits until no process of the group is left, escalating to SIGKILL after graceMs. */
export async function waitGroupGone(pgid, graceMs = 10_000) {
	const deadline = Date.now() + graceMs;
	while (groupAlive(pgid)) {
		if (Date.now() > deadline) {
			killGroup(pgid, "SIGKILL");
			await new Promise((r) => setTimeout(r, 200));
			if (!groupAlive(pgid)) return;
		}
		await new Promise((r) => setTimeout(r, 100));
	}
}

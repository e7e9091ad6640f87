// Process helpers shared by the e2e tests. Servers are spawned detached (their own process
// group: wrangler → node → esbuild + workerd), so kill(-pgid) reaches every descendant and
// "group is empty" is a reliable "no workerd left behind".
import { execFileSync } from "node:child_process";
import type { AddressInfo } from "node:net";
import { createServer } from "node:net";

export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once("error", reject);
		server.listen(0, "127.0.0.1", () => {
			const { port } = server.address() as AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

export function killGroup(pgid: number, signal: NodeJS.Signals): void {
	try {
		process.kill(-pgid, signal);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
	}
}

export function groupAlive(pgid: number): boolean {
	try {
		process.kill(-pgid, 0);
		return true;
	} catch {
		return false;
	}
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits for the group to empty, escalating to SIGKILL after graceMs; throws if it cannot. */
export async function waitGroupGone(pgid: number, graceMs = 10_000): Promise<void> {
	const deadline = Date.now() + graceMs;
	while (groupAlive(pgid) && Date.now() < deadline) await sleep(100);
	if (!groupAlive(pgid)) return;
	killGroup(pgid, "SIGKILL");
	await sleep(500);
	if (groupAlive(pgid)) throw new Error(`process group ${pgid} survived SIGKILL`);
}

export interface ProcessInfo {
	pid: number;
	command: string;
}

/** Every live descendant of pid (via `ps`, so it works on Linux and macOS). */
export function descendants(pid: number): ProcessInfo[] {
	const rows = execFileSync("ps", ["-A", "-o", "pid=,ppid=,comm="], { encoding: "utf8" })
		.split("\n")
		.map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
		.filter((m): m is RegExpExecArray => m !== null)
		.map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), command: (m[3] ?? "").trim() }));
	const found: ProcessInfo[] = [];
	const queue = [pid];
	while (queue.length > 0) {
		const parent = queue.shift();
		for (const row of rows.filter((r) => r.ppid === parent)) {
			found.push({ pid: row.pid, command: row.command });
			queue.push(row.pid);
		}
	}
	return found;
}

export function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

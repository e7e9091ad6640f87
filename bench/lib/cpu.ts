// CPU time of workerd (every workerd in the wrangler process group), read from /proc: utime +
// stime in clock ticks. The Worker, the Durable Objects, local D1 and the Workflows engine all
// run inside workerd, so a phase's delta is the whole server-side cost of that phase.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

const TICKS_PER_SECOND =
	Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;

/** One process's CPU split into user and kernel time, in ms. */
export interface CpuSplit {
	userMs: number;
	kernelMs: number;
}

function readSplit(pid: number): CpuSplit | null {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
		const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
		return {
			userMs: (Number(fields[11]) * 1000) / TICKS_PER_SECOND,
			kernelMs: (Number(fields[12]) * 1000) / TICKS_PER_SECOND,
		};
	} catch {
		return null;
	}
}

/**
 * CPU by role: wrangler's dev server runs two workerd processes, the Worker under test and
 * wrangler's own proxy in front of it (which production does not have). The proxy is the one
 * listening on the public `port`; the Worker's process listens on a port of its own.
 */
export function cpuByRole(pids: number[], port: number): Record<"worker" | "proxy", CpuSplit> {
	const out = { worker: { userMs: 0, kernelMs: 0 }, proxy: { userMs: 0, kernelMs: 0 } };
	const publicSocket = new RegExp(`--socket-addr=entry=[^ \\0]*:${port}(\\0|$)`);
	for (const pid of pids) {
		let role: "worker" | "proxy" = "worker";
		try {
			role = publicSocket.test(readFileSync(`/proc/${pid}/cmdline`, "utf8")) ? "proxy" : "worker";
		} catch {
			continue;
		}
		const split = readSplit(pid);
		if (!split) continue;
		out[role].userMs += split.userMs;
		out[role].kernelMs += split.kernelMs;
	}
	return out;
}

export function cpuMs(pids: number[]): number {
	let ticks = 0;
	for (const pid of pids) {
		try {
			// Fields after the ")" of comm: state is field 3, utime 14, stime 15 (1-based).
			const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
			const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
			ticks += Number(fields[11]) + Number(fields[12]);
		} catch {
			// The process is gone; its time is lost to this phase (the driver checks pids are stable).
		}
	}
	return (ticks * 1000) / TICKS_PER_SECOND;
}

// CPU time of workerd (every workerd in the wrangler process group), read from /proc: utime +
// stime in clock ticks. The Worker, the Durable Objects, local D1 and the Workflows engine all
// run inside workerd, so a phase's delta is the whole server-side cost of that phase.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

const TICKS_PER_SECOND =
	Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;

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

// The start-throughput rows: starts/s under load against the empty route and the other
// ceilings measured beside it (bench/phases.ts `throughput`), and the CPU each start cost.
import type { LoadSample } from "../phases";
import { median, round } from "./stats";
import type { Row } from "./table";

/** The loads of one connection count, as bench/phases.ts `throughput` returns them. */
export type Throughput = Record<
	string,
	{
		starts: LoadSample[];
		empty: LoadSample[];
		newObject?: LoadSample[];
		newObjectWrite?: LoadSample[];
		d1Read?: LoadSample[];
	}
>;

/** Adds the rows for each connection count; returns the figures by connection count. */
export function loadRows(throughput: Throughput, row: Row): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const [connections, t] of Object.entries(throughput)) {
		const starts = round(median(t.starts.map((s) => s.perSecond)), 0);
		const empty = round(median(t.empty.map((s) => s.perSecond)), 0);
		// Older result files have no new-object ceiling: NaN, not a made-up 0.
		const newObject = round(median((t.newObject ?? []).map((s) => s.perSecond)), 0);
		const newObjectWrite = round(median((t.newObjectWrite ?? []).map((s) => s.perSecond)), 0);
		const d1Read = round(median((t.d1Read ?? []).map((s) => s.perSecond)), 0);
		const p99 = median(t.starts.map((s) => s.p99Ms));
		const cpuStart = round(median(t.starts.map((s) => s.cpuMsPerRequest)), 2);
		const cpuEmpty = round(median(t.empty.map((s) => s.cpuMsPerRequest)), 2);
		const bad = t.starts.reduce((a, s) => a + s.non2xx + s.errors, 0);
		// Older result files have no split: NaN, not a made-up 0.
		const split = (pick: (s: LoadSample) => number | undefined) =>
			round(median(t.starts.map((s) => pick(s) ?? Number.NaN)), 2);
		const byRole = {
			workerUserMs: split((s) => s.cpuByRolePerRequest?.worker.userMs),
			workerKernelMs: split((s) => s.cpuByRolePerRequest?.worker.kernelMs),
			proxyMs: split(
				(s) =>
					s.cpuByRolePerRequest &&
					s.cpuByRolePerRequest.proxy.userMs + s.cpuByRolePerRequest.proxy.kernelMs,
			),
		};
		out[connections] = {
			startsPerSecond: starts,
			emptyPerSecond: empty,
			newObjectPerSecond: newObject,
			ratio: round(starts / empty, 2),
			ratioToNewObject: round(starts / newObject, 2),
			newObjectRatio: round(newObject / empty, 2),
			// Measured at one load only: the keys appear where it was.
			...(Number.isFinite(newObjectWrite)
				? {
						newObjectWritePerSecond: newObjectWrite,
						newObjectWriteRatio: round(newObjectWrite / empty, 2),
						d1ReadPerSecond: d1Read,
						d1ReadRatio: round(d1Read / empty, 2),
					}
				: {}),
			startP99Ms: p99,
			non2xxOrErrors: bad,
			cpuMsPerStart: cpuStart,
			cpuMsPerEmpty: cpuEmpty,
			cpuPerStartByRole: byRole,
		};
		row(
			`starts/s at ${connections} connections (p99 ${p99} ms${bad ? `, ${bad} non-2xx/errors` : ""}; workerd CPU ms per start ${cpuStart}, per empty request ${cpuEmpty})`,
			starts,
			"",
			`empty route ${empty}`,
			"",
			`${round(starts / empty, 2)} of the ceiling`,
		);
		row(
			`a route that only creates one Durable Object, at ${connections} connections: requests/s`,
			newObject,
			"",
			`empty route ${empty}`,
			"",
			`${round(newObject / empty, 2)} of the ceiling (starts: ${round(starts / newObject, 2)} of this)`,
		);
		// Measured at one load only (and absent from older result files): no row without it.
		if (Number.isFinite(newObjectWrite)) {
			row(
				`the same, the new object committing one step (tables created): requests/s`,
				newObjectWrite,
				"",
				`empty route ${empty}`,
				"",
				`${round(newObjectWrite / empty, 2)} of the ceiling (starts: ${round(starts / newObjectWrite, 2)} of this)`,
			);
			row(
				`a route that reads one D1 row, at ${connections} connections: requests/s`,
				d1Read,
				"",
				`empty route ${empty}`,
				"",
				`${round(d1Read / empty, 2)} of the ceiling (a start reads one row and writes one)`,
			);
		}
		row(
			`CPU ms per start at ${connections} connections, by process: the Worker's workerd (user + kernel), wrangler's dev proxy`,
			`${byRole.workerUserMs} + ${byRole.workerKernelMs}, ${byRole.proxyMs}`,
			"",
			"",
			"",
			"",
		);
	}
	return out;
}

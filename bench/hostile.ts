// Benchmark: how much CPU each hostile expression (test/hostile/expressions.ts) burns before
// its limit stops it, cold (a fresh process, as on a new isolate) and warm (the same expression
// again in one process), next to a plain loop that spends the whole step budget on filter
// calls, measured in the same run. The goal: no expression runs more than ~50 ms.
// Run: npx tsx bench/hostile.ts [--quick]
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { ExprLimitError, evaluate } from "../engine/expr";
import { type HostileCase, hostileRuns } from "../test/hostile/expressions";

const REFERENCE: HostileCase = {
	name: "reference: the step budget spent on plain filter calls",
	expression: "reduce range(1e9) as $i (0; . + $i)",
};
const WARM_ROUNDS = 5;

/** CPU milliseconds of one evaluation, and whether it ended on a limit. */
function measure(expression: string): { ms: number; limited: boolean } {
	const started = process.cpuUsage();
	let limited = false;
	try {
		evaluate(expression, {});
	} catch (e) {
		if (!(e instanceof ExprLimitError)) throw e;
		limited = true;
	}
	const used = process.cpuUsage(started);
	return { ms: (used.user + used.system) / 1000, limited };
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)] as number;
}

/** The first evaluation in a process of its own: cold JIT, as an attacker's first request. */
function cold(index: number): number {
	const child = spawnSync(
		process.execPath,
		["--import", "tsx", fileURLToPath(import.meta.url), "--case", String(index)],
		{ encoding: "utf8" },
	);
	const ms = Number(child.stdout.trim());
	if (child.status !== 0 || !Number.isFinite(ms)) throw new Error(`case ${index}: ${child.stderr}`);
	return ms;
}

const caseFlag = process.argv.indexOf("--case");
if (caseFlag >= 0) {
	const index = Number(process.argv[caseFlag + 1]);
	const chosen = index < 0 ? REFERENCE : (hostileRuns[index] as HostileCase);
	console.log(measure(chosen.expression).ms.toFixed(2));
} else {
	const quick = process.argv.includes("--quick");
	const cases = quick ? hostileRuns.slice(0, 20) : hostileRuns;
	const referenceCold = median([cold(-1), cold(-1), cold(-1)]);
	const referenceWarm = median(
		Array.from({ length: WARM_ROUNDS }, () => measure(REFERENCE.expression).ms),
	);
	const rows = cases.map((c, index) => {
		const warm = Array.from({ length: WARM_ROUNDS }, () => measure(c.expression));
		if (!warm.every((w) => w.limited)) throw new Error(`"${c.name}" was not stopped by a limit`);
		return { name: c.name, cold: cold(index), warm: median(warm.map((w) => w.ms)) };
	});
	rows.sort((a, b) => b.cold - a.cold);
	const fmt = (ms: number) => `${ms.toFixed(1).padStart(7)} ms`;
	console.log(
		`hostile expressions — Node ${process.version}, ${cases.length} cases, CPU time until the limit stops each`,
	);
	console.log(`${"case".padEnd(58)}    cold       warm   cold/ref`);
	console.log(`${REFERENCE.name.padEnd(58)} ${fmt(referenceCold)} ${fmt(referenceWarm)}    1.0x`);
	for (const row of rows) {
		console.log(
			`${row.name.slice(0, 58).padEnd(58)} ${fmt(row.cold)} ${fmt(row.warm)} ${(row.cold / referenceCold).toFixed(1).padStart(6)}x`,
		);
	}
	const worstCold = rows[0] as { name: string; cold: number };
	const worstWarm = rows.reduce((a, b) => (b.warm > a.warm ? b : a));
	console.log(
		`slowest cold: ${worstCold.cold.toFixed(1)} ms (${worstCold.name}); slowest warm: ${worstWarm.warm.toFixed(1)} ms (${worstWarm.name}); median cold ${median(rows.map((r) => r.cold)).toFixed(1)} ms`,
	);
}

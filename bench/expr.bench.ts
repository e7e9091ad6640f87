// Benchmark: evals/s of engine/expr vs @michaelhomer/jqjs and jsonata for a typical condition
// and a path template, measured in the same run and reported as ratios (median of rounds).
// Run: npx tsx bench/expr.bench.ts
// @ts-expect-error jqjs publishes no type declarations
import jq from "@michaelhomer/jqjs";
import jsonata from "jsonata";
import { compile, first } from "../engine/expr";

const CONDITION = '.outputs.check.status == "ok" and (.inputs.tier | startswith("tier_1"))';
const CONDITION_JSONATA =
	'outputs.check.status = "ok" and $substring(inputs.tier, 0, 6) = "tier_1"';
const PATH = ".outputs.trigger.message";
const PATH_JSONATA = "outputs.trigger.message";

const context = {
	inputs: { tier: "tier_1_gold", service: "api" },
	outputs: {
		trigger: { message: "deploy api", env: "prod" },
		check: { status: "ok", code: 200 },
	},
	run: { id: "run_1", workflow: "deploy", version: 3 },
};

const ROUNDS = 7;
const ROUND_MS = 300;

type Runner = () => unknown;
type AsyncRunner = () => Promise<unknown>;

/** Calls `run` in batches until ROUND_MS elapse; returns evaluations per second. */
function measure(run: Runner): number {
	let count = 0;
	const started = performance.now();
	let elapsed = 0;
	while (elapsed < ROUND_MS) {
		for (let i = 0; i < 1_000; i++) run();
		count += 1_000;
		elapsed = performance.now() - started;
	}
	return (count / elapsed) * 1_000;
}

async function measureAsync(run: AsyncRunner): Promise<number> {
	let count = 0;
	const started = performance.now();
	let elapsed = 0;
	while (elapsed < ROUND_MS) {
		for (let i = 0; i < 100; i++) await run();
		count += 100;
		elapsed = performance.now() - started;
	}
	return (count / elapsed) * 1_000;
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)] as number;
}

async function bench(name: string, expr: string, jsonataExpr: string): Promise<void> {
	const compiled = compile(expr);
	const jqjsFilter = jq.compile(expr);
	const jsonataExpression = jsonata(jsonataExpr);
	// Same answers first, so we compare like with like.
	const answers = [
		first(compiled, context),
		jqjsFilter(context).next().value,
		await jsonataExpression.evaluate(context),
	];
	console.log(
		`${name}: answers ours/jqjs/jsonata = ${answers.map((a) => JSON.stringify(a)).join(" / ")}`,
	);

	const results: Record<string, number[]> = { ours: [], oursFromSource: [], jqjs: [], jsonata: [] };
	for (let round = 0; round < ROUNDS; round++) {
		results.ours?.push(measure(() => first(compiled, context)));
		results.oursFromSource?.push(measure(() => first(expr, context)));
		results.jqjs?.push(measure(() => jqjsFilter(context).next().value));
		results.jsonata?.push(await measureAsync(() => jsonataExpression.evaluate(context)));
	}
	const med = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, median(v)])) as Record<
		string,
		number
	>;
	const fmt = (n: number) => `${Math.round(n).toLocaleString("en-US")} evals/s`;
	console.log(`  engine/expr (compiled)        ${fmt(med.ours ?? 0)}`);
	console.log(`  engine/expr (source, cached)  ${fmt(med.oursFromSource ?? 0)}`);
	console.log(`  @michaelhomer/jqjs (compiled) ${fmt(med.jqjs ?? 0)}`);
	console.log(`  jsonata (compiled, async)     ${fmt(med.jsonata ?? 0)}`);
	console.log(
		`  ratio ours/jqjs    = ${((med.ours ?? 0) / (med.jqjs ?? 1)).toFixed(1)}x (from source: ${((med.oursFromSource ?? 0) / (med.jqjs ?? 1)).toFixed(1)}x)`,
	);
	console.log(`  ratio ours/jsonata = ${((med.ours ?? 0) / (med.jsonata ?? 1)).toFixed(1)}x`);
}

console.log(
	`engine/expr benchmark — Node ${process.version}, ${ROUNDS} rounds of ${ROUND_MS} ms, median`,
);
await bench("condition", CONDITION, CONDITION_JSONATA);
await bench("path template", PATH, PATH_JSONATA);

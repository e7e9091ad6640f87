import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import type { DifferentialCase } from "./differential/cases";
import { differentialCases } from "./differential/cases";
import { newBudget } from "./evaluate";
import { evaluate } from "./index";
import { toJson } from "./values";

// Runs every case through the real jq 1.6 (the oracle) and through our engine and compares
// the outputs line by line, exactly as `jq -c` prints them. Any error matches any error.

const JQ = process.env.JQ_BIN ?? "jq";
const NOW = 1_700_000_000;

type Outcome = { ok: true; text: string } | { ok: false };

/**
 * Runs many cases in one jq process (spawning jq per case is slow): each case becomes
 * `{case: i, r: (INPUT | try [EXPR] catch "<error>")}`. A case missing from the output
 * (jq 1.6's try swallows `error(null)`) counts as an error. If the batch does not compile,
 * it is split in halves until the offending (syntax error) cases run alone.
 */
function runJqBatch(cases: DifferentialCase[], batchSize: number): Outcome[] {
	if (cases.length === 0) return [];
	if (cases.length > batchSize) {
		return [
			...runJqBatch(cases.slice(0, batchSize), batchSize),
			...runJqBatch(cases.slice(batchSize), batchSize),
		];
	}
	const program = cases
		.map(
			([expression, input], i) =>
				`{case: ${i}, r: (${input} | try [${expression}\n] catch "${ERROR_MARK}")}`,
		)
		.join(",\n");
	const result = spawnSync(JQ, ["-n", "-c", program], { encoding: "utf8", timeout: 60_000 });
	if (result.error) throw result.error;
	if (result.status !== 0) {
		if (cases.length === 1) return [{ ok: false }];
		const half = Math.ceil(cases.length / 2);
		return [
			...runJqBatch(cases.slice(0, half), batchSize),
			...runJqBatch(cases.slice(half), batchSize),
		];
	}
	const outcomes: Outcome[] = cases.map(() => ({ ok: false }));
	for (const line of result.stdout.split("\n")) {
		if (!line) continue;
		const caseIndex = Number(/^\{"case":(\d+),"r":/.exec(line)?.[1]);
		const body = line.slice(line.indexOf(',"r":') + 5, -1);
		outcomes[caseIndex] =
			body === JSON.stringify(ERROR_MARK) ? { ok: false } : { ok: true, text: body };
	}
	return outcomes;
}

const ERROR_MARK = "<error from jq>";

function runOurs(expression: string, input: string): Outcome {
	try {
		const outputs = evaluate(expression, JSON.parse(input), { now: NOW });
		return { ok: true, text: toJson(outputs, newBudget(undefined)) };
	} catch {
		return { ok: false };
	}
}

function describeOutcome(outcome: Outcome): string {
	return outcome.ok ? outcome.text : "<error>";
}

function mismatches(cases: DifferentialCase[], batchSize: number): string[] {
	const out: string[] = [];
	const jqOutcomes = runJqBatch(cases, batchSize);
	for (const [i, [expression, input]] of cases.entries()) {
		const jq = jqOutcomes[i] as Outcome;
		const ours = runOurs(expression, input);
		const same = jq.ok === ours.ok && (!jq.ok || !ours.ok || jq.text === ours.text);
		if (!same)
			out.push(
				`${expression}  <<< ${input}\n    jq:   ${describeOutcome(jq)}\n    ours: ${describeOutcome(ours)}`,
			);
	}
	return out;
}

describe("differential against jq 1.6", () => {
	it("has the jq 1.6 oracle installed", () => {
		const version = spawnSync(JQ, ["--version"], { encoding: "utf8" });
		expect(
			version.error,
			"install jq (apt-get install jq) to run the differential suite",
		).toBeUndefined();
		expect(version.stdout.trim()).toBe("jq-1.6");
	});

	it("has at least 400 cases", () => {
		const total = Object.values(differentialCases).reduce((sum, group) => sum + group.length, 0);
		expect(total).toBeGreaterThanOrEqual(400);
	});

	for (const [group, cases] of Object.entries(differentialCases)) {
		it(`agrees with jq on ${group} (${cases.length} cases)`, { timeout: 60_000 }, () => {
			// Syntax-error cases would make every batch fail to compile: run them one by one.
			expect(mismatches(cases, group === "syntax" ? 1 : 500)).toEqual([]);
		});
	}
});

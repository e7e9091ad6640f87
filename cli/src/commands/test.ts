import { readFileSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { type DryRunReport, dryRun, type ExpectationOutcome } from "../../../engine/dry-run";
import type { JsonObject } from "../../../engine/run";
import { validateRunInputs } from "../../../worker/runs/inputs";
import { defineCommand, EXIT, formatOption, readable, UsageError } from "../command";
import {
	checkDefinitionFile,
	displayPath,
	type FileIssue,
	isFixtureFile,
	issueLine,
	jsonFilesUnder,
	placeIssue,
} from "../definitions";
import { parseJson } from "../json-source";
import { type Palette, stdout } from "../terminal";

const FORMATS = ["text", "json"] as const;

type CaseResult =
	| {
			definition: string;
			fixture: string;
			passed: boolean;
			report: DryRunReport;
			expectations: ExpectationOutcome;
	  }
	| { definition: string; fixture: string; passed: false; issues: FileIssue[] };

export const test = defineCommand({
	name: "test",
	summary: "Dry-run a workflow offline against fixture responses and check expectations",
	help: `stepline test <definition.json> --fixture <file> [--fixture <file>...]
stepline test <folder>

Runs the workflow with the real run engine, offline: every WEBHOOK call is answered from the
fixture (nothing is sent), delays and retry backoffs pass on a clock of the dry run's own.
Prints the path taken, each condition's option values, each rendered request and the run's
outputs, then checks the fixture's "expect": result (default SUCCESS), path, outputs and
requests per node. With a folder, every <name>[.<case>].test.json runs against <name>.json
beside it.

A fixture:
  { "inputs": { "amount": 500 },
    "startAt": "2026-01-01T00:00:00Z",
    "responses": { "notify": { "status": 201, "body": { "id": 7 } },
                   "flaky": [ { "status": 503 }, { "status": 200, "delay": "2s" } ],
                   "each#2": { "error": "timeout" } },
    "expect": { "result": "SUCCESS", "path": ["trigger", "check", "notify"],
                "outputs": { "id": 7 },
                "requests": { "notify": [ { "method": "POST", "body": { "amount": 500 } } ] } } }

Exit status 1 when a definition or fixture is invalid or an expectation fails.

Options:
  --fixture <file>   a fixture to run (repeatable)
  --format text      the dry run for people (default)
  --format json      each case's full report and expectation results as JSON
  --history          also print the run's history, event by event
  --allow-loopback   let calls target localhost (as the server's ALLOW_LOOPBACK_TARGETS)`,
	options: {
		fixture: { type: "string", multiple: true },
		format: { type: "string" },
		history: { type: "boolean" },
		"allow-loopback": { type: "boolean" },
	},
	async run({ values, positionals }) {
		const format = formatOption(values.format, FORMATS);
		const cases = readable(() => casesOf(positionals, values.fixture ?? []));
		const results = cases.map(({ definition, fixture }) =>
			readable(() => runCase(definition, fixture, values["allow-loopback"] === true)),
		);
		if (format === "json") stdout.line(JSON.stringify(results, null, 2));
		else {
			for (const result of results) printCase(result, stdout.paint, values.history === true);
			const failed = results.filter((r) => !r.passed).length;
			const summary = `${results.length} fixture(s): ${results.length - failed} passed, ${failed} failed`;
			stdout.line(failed === 0 ? stdout.paint.green(summary) : stdout.paint.red(summary));
		}
		return results.every((r) => r.passed) ? EXIT.ok : EXIT.failed;
	},
});

function casesOf(positionals: string[], fixtures: string[]) {
	const [target, ...rest] = positionals;
	if (target === undefined || rest.length > 0)
		throw new UsageError("name one definition file (with --fixture) or one folder");
	if (statSync(target).isDirectory()) {
		if (fixtures.length > 0)
			throw new UsageError("--fixture goes with a definition file, not a folder");
		const cases = jsonFilesUnder(target)
			.filter(isFixtureFile)
			.map((fixture) => ({
				fixture,
				definition: join(dirname(fixture), `${basename(fixture).split(".")[0]}.json`),
			}));
		if (cases.length === 0) throw new UsageError(`no *.test.json fixtures under ${target}`);
		return cases;
	}
	if (fixtures.length === 0) throw new UsageError("name at least one --fixture");
	return fixtures.map((fixture) => ({ definition: target, fixture }));
}

function runCase(definitionFile: string, fixtureFile: string, allowLoopback: boolean): CaseResult {
	const names = { definition: definitionFile, fixture: fixtureFile };
	const checked = checkDefinitionFile(definitionFile);
	if (!checked.ok) return { ...names, passed: false, issues: checked.issues };
	const parsed = parseJson(readFileSync(fixtureFile, "utf8"));
	if (!parsed.ok) {
		const { message, position } = parsed.error;
		return {
			...names,
			passed: false,
			issues: [{ file: fixtureFile, ...position, pointer: "", code: "malformed_json", message }],
		};
	}
	const outcome = dryRun(checked.definition, parsed.value, {
		now: Date.now(),
		initiator: "stepline-cli",
		allowLoopbackTargets: allowLoopback,
		checkInputs: (form, inputs) => {
			const result = validateRunInputs(form, inputs);
			return result.ok ? { ok: true, inputs: result.inputs as JsonObject } : result;
		},
	});
	if (outcome.kind === "invalid") {
		return {
			...names,
			passed: false,
			issues: outcome.issues.map((i) => placeIssue(fixtureFile, parsed.source, i)),
		};
	}
	return {
		...names,
		passed: outcome.expectations.failures.length === 0,
		report: outcome.report,
		expectations: outcome.expectations,
	};
}

const compact = (value: unknown) => {
	const text = JSON.stringify(value);
	return text.length > 200 ? `${text.slice(0, 197)}…` : text;
};

function printCase(result: CaseResult, paint: Palette, history: boolean) {
	const out = stdout.line;
	out(paint.bold(`${displayPath(result.definition)} ← ${displayPath(result.fixture)}`));
	if ("issues" in result) {
		for (const i of result.issues) out(`  ${issueLine(i, paint)}`);
		out(`  ${paint.red("✖ not run")}`);
		out();
		return;
	}
	const { report, expectations } = result;
	const label = (s: string) => paint.dim(s.padEnd(10));
	out(`  ${label("path")}${report.path.join(" → ")}`);
	for (const c of report.conditions) {
		const values = c.evaluated.map((o) => `${o.identifier}: ${compact(o.value)}`).join(", ");
		const chose = c.option === null ? "no option matched" : `option ${c.option} matched`;
		out(`  ${label("condition")}${c.node}: ${chose} (${values})`);
	}
	for (const r of report.requests) {
		const item = r.item === null ? "" : `#${r.item}`;
		out(`  ${label("request")}${r.node}${item} attempt ${r.attempt}: ${r.method} ${r.url}`);
		if (r.body !== null) out(`  ${label("")}${paint.dim("body")} ${compact(r.body)}`);
		const answer =
			"error" in r.answer
				? r.answer.error
				: `${r.answer.status}${r.answer.body === undefined ? "" : ` ${compact(r.answer.body)}`}`;
		out(
			`  ${label("")}${paint.dim("answer")} ${answer} ${paint.dim(r.answeredBy === null ? "(default)" : `(${r.answeredBy})`)}`,
		);
	}
	out(`  ${label("outputs")}${compact(report.outputs)}`);
	if (report.error)
		out(
			`  ${label("error")}${report.error.node ?? "run"}: ${report.error.code}: ${report.error.message}`,
		);
	if (report.stopped) out(`  ${label("stopped")}${report.stopped}`);
	if (history) for (const h of report.history) out(`  ${label(h.at.slice(11, 23))}${h.detail}`);
	out(`  ${label("result")}${report.result ?? "unfinished"}`);
	// "requests.notify[0].body" failed → the check "requests.notify" failed.
	const failedChecks = new Set(expectations.failures.map((f) => f.check.replace(/\[.*$/, "")));
	for (const check of expectations.checked) {
		out(`  ${failedChecks.has(check) ? paint.red(`✖ ${check}`) : paint.green(`✔ ${check}`)}`);
	}
	for (const f of expectations.failures) out(`    ${paint.red(f.message)}`);
	out();
}

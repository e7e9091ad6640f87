import type { components, StepLine } from "../../../clients/typescript/src";
import { clientFromEnv } from "../api";
import { defineCommand, EXIT, formatOption, UsageError } from "../command";
import { type Palette, stdout } from "../terminal";
import { report } from "./run";

type Run = components["schemas"]["Run"];
type RunSummary = components["schemas"]["RunSummary"];
const FORMATS = ["text", "json"] as const;

const one = (positionals: string[], what: string) => {
	const [value, ...rest] = positionals;
	if (value === undefined || rest.length > 0) throw new UsageError(`name one ${what}`);
	return value;
};

const statusOf = (run: { status: string; result?: string | null }, paint: Palette) => {
	if (run.result === "SUCCESS") return paint.green("SUCCESS");
	if (run.result === "FAILED") return paint.red("FAILED");
	if (run.result === "CANCELLED") return paint.yellow("CANCELLED");
	return paint.cyan(run.status);
};

export const runsList = defineCommand({
	name: "runs ls",
	summary: "List runs, newest first",
	help: `stepline runs ls [--workflow <id>]... [--status S] [--result R] [--limit N] [--all]

Lists the runs you may see, newest first: id, workflow and version, status or result, when it
was created and who started it. --all walks every page.

Options:
  --workflow <id>   only this workflow's runs (repeatable)
  --status <s>      QUEUED, IN_PROGRESS, WAITING or COMPLETED
  --result <r>      SUCCESS, FAILED or CANCELLED
  --limit <n>       at most this many (default 20; with --all, the page size)
  --all             every run that matches, page after page
  --format json     the runs as JSON`,
	options: {
		workflow: { type: "string", multiple: true },
		status: { type: "string" },
		result: { type: "string" },
		limit: { type: "string" },
		all: { type: "boolean" },
		format: { type: "string" },
	},
	async run({ values, positionals }) {
		const format = formatOption(values.format, FORMATS);
		if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
		const limit = values.limit === undefined ? 20 : Number(values.limit);
		if (!Number.isInteger(limit) || limit < 1 || limit > 100)
			throw new UsageError("--limit must be an integer from 1 to 100");
		const client = clientFromEnv();
		// The API checks status and result; a wrong one is its 422, naming the parameter.
		const query = {
			limit,
			...(values.workflow ? { workflowIdentifiers: values.workflow } : {}),
			...(values.status ? { status: values.status } : {}),
			...(values.result ? { result: values.result } : {}),
		} as Parameters<StepLine["all"]["runs"]>[0];
		const runs: RunSummary[] = [];
		if (values.all === true) for await (const run of client.all.runs(query)) runs.push(run);
		else {
			// One page may be short and still have more behind it: fill up to --limit.
			for await (const run of client.all.runs(query)) {
				runs.push(run);
				if (runs.length >= limit) break;
			}
		}
		if (format === "json") {
			stdout.line(JSON.stringify(runs, null, 2));
			return EXIT.ok;
		}
		const { paint } = stdout;
		for (const run of runs) {
			stdout.line(
				[
					run.id,
					`${run.workflow.identifier} v${run.workflow.version}`.padEnd(28),
					statusOf(run, paint).padEnd(20),
					paint.dim(run.createdAt),
					run.initiator,
				].join("  "),
			);
		}
		if (runs.length === 0) stdout.line(paint.dim("no runs"));
		return EXIT.ok;
	},
});

export const runsGet = defineCommand({
	name: "runs get",
	summary: "Show one run: status, nodes, outputs, error",
	help: `stepline runs get <run-id> [--format json]

Shows a run: its status and result, inputs, outputs, error, and each node's result and
attempts. --format json prints the run as the API returns it.`,
	options: { format: { type: "string" } },
	async run({ values, positionals }) {
		const format = formatOption(values.format, FORMATS);
		const runId = one(positionals, "run id");
		const run = await clientFromEnv().getRun({ params: { path: { runId } } });
		if (format === "json") stdout.line(JSON.stringify(run, null, 2));
		else printRun(run);
		return EXIT.ok;
	},
});

function printRun(run: Run) {
	const { paint } = stdout;
	const label = (s: string) => paint.dim(s.padEnd(10));
	stdout.line(`${paint.bold(run.id)}  ${statusOf(run, paint)}`);
	stdout.line(`  ${label("workflow")}${run.workflow.identifier} v${run.workflow.version}`);
	stdout.line(`  ${label("started")}${run.startedAt ?? "not yet"} by ${run.initiator}`);
	if (run.endedAt) stdout.line(`  ${label("ended")}${run.endedAt}`);
	stdout.line(`  ${label("inputs")}${JSON.stringify(run.inputs)}`);
	if (run.outputs !== null && run.outputs !== undefined)
		stdout.line(`  ${label("outputs")}${JSON.stringify(run.outputs)}`);
	if (run.error)
		stdout.line(
			`  ${label("error")}${run.error.node ?? "run"}: ${run.error.code}: ${run.error.message}`,
		);
	for (const node of run.nodeRuns) {
		const attempts =
			node.attempts.length > 0 ? paint.dim(` (${node.attempts.length} attempt(s))`) : "";
		const state = node.result
			? statusOf({ status: node.status, result: node.result }, paint)
			: paint.dim(node.status);
		stdout.line(`  ${label("node")}${node.node.padEnd(24)} ${state}${attempts}`);
		if (node.error) stdout.line(`  ${label("")}  ${node.error.code}: ${node.error.message}`);
	}
}

export const runsCancel = defineCommand({
	name: "runs cancel",
	summary: "Cancel a run that has not finished",
	help: `stepline runs cancel <run-id>

Cancels the run (POST /v1/workflows/runs/{runId}/cancel). A run that already finished is a
409, exit 3.`,
	options: {},
	async run({ positionals }) {
		const runId = one(positionals, "run id");
		const run = await clientFromEnv().cancelRun({ params: { path: { runId } } });
		stdout.line(`${runId} ${statusOf(run, stdout.paint)}`);
		return EXIT.ok;
	},
});

export const runsRetry = defineCommand({
	name: "runs retry",
	summary: "Retry a run from its failed node (or --from a node)",
	help: `stepline runs retry <run-id> [--from <node>] [--follow]

Starts a new run of the same version and inputs that reuses the outputs of the nodes that
succeeded and runs again from the failed node, or from --from (required for a run that
succeeded). Sent with an Idempotency-Key. With --follow, streams the new run to its end and
exits 1 unless it succeeded.

Options:
  --from <node>             the node to run again from
  --follow                  stream the new run until it ends
  --idempotency-key <key>   the key to send (default: a random one)
  --format text|json`,
	options: {
		from: { type: "string" },
		follow: { type: "boolean" },
		"idempotency-key": { type: "string" },
		format: { type: "string" },
	},
	async run({ values, positionals }) {
		const format = formatOption(values.format, FORMATS);
		const runId = one(positionals, "run id");
		const client = clientFromEnv();
		const retried = await client.retryRun({
			params: {
				path: { runId },
				header: values["idempotency-key"] ? { "idempotency-key": values["idempotency-key"] } : {},
			},
			body: values.from ? { fromNode: values.from } : {},
		});
		return report(client, retried as Run, values.follow === true, format);
	},
});

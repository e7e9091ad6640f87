import type { components, StepLine } from "../../../clients/typescript/src";
import { clientFromEnv } from "../api";
import { defineCommand, EXIT, type ExitCode, formatOption, UsageError } from "../command";
import { followWithProgress } from "../follow";
import { stdout } from "../terminal";

type Run = components["schemas"]["Run"];
const FORMATS = ["text", "json"] as const;

export const run = defineCommand({
	name: "run",
	summary: "Start a run of a workflow, and follow it to its end",
	help: `stepline run <workflow> [--input key=value]... [--follow]

Starts a run (POST /v1/workflows/{identifier}/runs) with an Idempotency-Key, so a retried
command never starts a second run. Each --input is key=value: the value is taken as text for
the trigger's string fields, as JSON otherwise (--input count=3, --input tags='["a","b"]').

With --follow it streams the run's events until the run ends (a progress line on a terminal,
one line per event otherwise), prints the outcome and exits 1 unless the run succeeded.

Options:
  --input key=value         an input (repeatable)
  --inputs <json>           all inputs as one JSON object (--input entries override its keys)
  --follow                  stream the run until it ends; exit 1 if it failed or was cancelled
  --idempotency-key <key>   the key to send (default: a random one)
  --version <n>             start on this version (default: the latest)
  --format text|json        how to print the run (json: the run as the API returns it)`,
	options: {
		input: { type: "string", multiple: true },
		inputs: { type: "string" },
		follow: { type: "boolean" },
		"idempotency-key": { type: "string" },
		version: { type: "string" },
		format: { type: "string" },
	},
	async run({ values, positionals }) {
		const format = formatOption(values.format, FORMATS);
		const [identifier, ...rest] = positionals;
		if (identifier === undefined || rest.length > 0) throw new UsageError("name one workflow");
		const version = values.version === undefined ? undefined : Number(values.version);
		if (version !== undefined && !(Number.isInteger(version) && version > 0))
			throw new UsageError(`--version must be a positive integer, not "${values.version}"`);
		const client = clientFromEnv();
		const workflow = await client.getWorkflow({ params: { path: { identifier } } });
		const inputs = parseInputs(
			values.inputs,
			values.input ?? [],
			stringFields(workflow.definition),
		);
		const started = await client.startRun({
			params: {
				path: { identifier },
				header: values["idempotency-key"] ? { "idempotency-key": values["idempotency-key"] } : {},
			},
			body: { inputs, ...(version === undefined ? {} : { version }) },
		});
		return await report(client, started as Run, values.follow === true, format);
	},
});

/** Prints a run just started (or retried), following it when asked; the exit code says how it ended. */
export async function report(
	client: StepLine,
	started: Run,
	follow: boolean,
	format: "text" | "json",
): Promise<ExitCode> {
	if (!follow) {
		if (format === "json") stdout.line(JSON.stringify(started, null, 2));
		else
			stdout.line(
				`${started.id} ${started.status} (${started.workflow.identifier} v${started.workflow.version})`,
			);
		return EXIT.ok;
	}
	if (format === "text")
		stdout.line(
			`${started.id} started (${started.workflow.identifier} v${started.workflow.version})`,
		);
	await followWithProgress(client, started, format === "text");
	const ended = await client.getRun({ params: { path: { runId: started.id } } });
	if (format === "json") stdout.line(JSON.stringify(ended, null, 2));
	else printOutcome(ended);
	return ended.result === "SUCCESS" ? EXIT.ok : EXIT.failed;
}

function printOutcome(run: Run) {
	const { paint } = stdout;
	const took =
		run.startedAt && run.endedAt
			? ` in ${((Date.parse(run.endedAt) - Date.parse(run.startedAt)) / 1000).toFixed(1)}s`
			: "";
	if (run.result === "SUCCESS") {
		stdout.line(paint.green(`✔ ${run.id} succeeded${took}`));
		if (run.outputs !== null && run.outputs !== undefined)
			stdout.line(`  outputs ${JSON.stringify(run.outputs)}`);
		return;
	}
	stdout.line(
		paint.red(`✖ ${run.id} ${run.result === "CANCELLED" ? "was cancelled" : "failed"}${took}`),
	);
	if (run.error)
		stdout.line(`  ${run.error.node ?? "run"}: ${run.error.code}: ${run.error.message}`);
}

/** The trigger's string-typed fields: their values are taken as text, never parsed as JSON. */
function stringFields(definition: unknown): Set<string> {
	const nodes =
		(
			definition as {
				nodes?: Array<{
					config?: {
						type?: string;
						userInputs?: { properties?: Record<string, { type?: unknown }> };
					};
				}>;
			}
		).nodes ?? [];
	const trigger = nodes.find((n) => n.config?.type === "SELF_SERVE_TRIGGER");
	const properties = trigger?.config?.userInputs?.properties ?? {};
	return new Set(
		Object.entries(properties)
			.filter(([, p]) => p.type === "string")
			.map(([name]) => name),
	);
}

export function parseInputs(json: string | undefined, pairs: string[], strings: Set<string>) {
	let inputs: Record<string, unknown> = {};
	if (json !== undefined) {
		try {
			inputs = JSON.parse(json);
		} catch {
			throw new UsageError("--inputs must be a JSON object");
		}
		if (typeof inputs !== "object" || inputs === null || Array.isArray(inputs))
			throw new UsageError("--inputs must be a JSON object");
	}
	for (const pair of pairs) {
		const at = pair.indexOf("=");
		if (at <= 0) throw new UsageError(`--input takes key=value, not "${pair}"`);
		const key = pair.slice(0, at);
		const text = pair.slice(at + 1);
		inputs[key] = strings.has(key) ? text : asJson(text);
	}
	return inputs;
}

/** `3` → 3, `true` → true, `["a"]` → ["a"]; anything that is not JSON stays text. */
function asJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return text;
	}
}

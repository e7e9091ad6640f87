import { clientFromEnv } from "../api";
import { defineCommand, EXIT, formatOption, UsageError } from "../command";
import { displayPath } from "../definitions";
import { plannedFolder } from "../folder";
import type { JsonChange, WorkflowPlan } from "../folder-plan";
import { type Palette, stdout } from "../terminal";

const FORMATS = ["text", "json"] as const;

export const diff = defineCommand({
	name: "diff",
	summary: "Show what a push of a folder would change on the server",
	help: `stepline diff <folder> [--format text|json] [--exit-code]

Compares each definition in the folder (checked offline first) with the latest version on the
server (STEPLINE_URL, STEPLINE_TOKEN) and says, per workflow: new, changed (with the JSON
changes, by pointer), unchanged, or present on the server only. Unchanged means what the
server means: a push would store no version (key order and spelled-out defaults do not count).

Options:
  --format text    one block per workflow (default)
  --format json    [{ identifier, status, file, version, changes: [{ op, pointer, from, to }] }]
  --exit-code      exit 1 when anything differs (CI: "is everything pushed?")`,
	options: { format: { type: "string" }, "exit-code": { type: "boolean" } },
	async run({ values, positionals }) {
		const format = formatOption(values.format, FORMATS);
		const [dir, ...rest] = positionals;
		if (dir === undefined || rest.length > 0) throw new UsageError("name one folder");
		const plans = await plannedFolder(clientFromEnv(), dir);
		if (plans === EXIT.failed) return EXIT.failed;
		if (format === "json") stdout.line(JSON.stringify(plans.map(planJson), null, 2));
		else printPlans(plans, stdout.paint);
		const differs = plans.some((p) => p.kind !== "unchanged");
		return values["exit-code"] === true && differs ? EXIT.failed : EXIT.ok;
	},
});

export function planJson(plan: WorkflowPlan) {
	return {
		identifier: plan.identifier,
		status: plan.kind,
		file: "local" in plan ? plan.local.file : null,
		version: "version" in plan ? plan.version : null,
		changes: plan.kind === "changed" ? plan.changes : [],
	};
}

const show = (value: unknown) => {
	const text = JSON.stringify(value);
	return text.length > 120 ? `${text.slice(0, 117)}…` : text;
};

export function changeLine(change: JsonChange, paint: Palette): string {
	const where = change.pointer || "/";
	switch (change.op) {
		case "add":
			return paint.green(`+ ${where}: ${show(change.to)}`);
		case "remove":
			return paint.red(`- ${where}: ${show(change.from)}`);
		case "replace":
			return paint.yellow(`~ ${where}: ${show(change.from)} → ${show(change.to)}`);
	}
}

/** A status word in a column of its own, so the identifiers line up. */
export const status = (word: string, paint: (s: string) => string) => paint(word.padEnd(12));

function printPlans(plans: WorkflowPlan[], paint: Palette) {
	for (const plan of plans) {
		const file = "local" in plan ? paint.dim(` (${displayPath(plan.local.file)})`) : "";
		switch (plan.kind) {
			case "new":
				stdout.line(`${status("new", paint.green)}${plan.identifier}${file}`);
				break;
			case "changed":
				stdout.line(`${status("changed", paint.yellow)}${plan.identifier} v${plan.version}${file}`);
				for (const change of plan.changes)
					stdout.line(`${" ".repeat(12)}${changeLine(change, paint)}`);
				break;
			case "unchanged":
				stdout.line(`${status("unchanged", paint.dim)}${plan.identifier} v${plan.version}${file}`);
				break;
			case "server_only":
				stdout.line(
					`${status("server only", paint.red)}${plan.identifier} v${plan.version} (push --prune deletes it)`,
				);
				break;
		}
	}
	const count = (kind: WorkflowPlan["kind"]) => plans.filter((p) => p.kind === kind).length;
	stdout.line(
		`${count("new")} new, ${count("changed")} changed, ${count("unchanged")} unchanged, ${count("server_only")} on the server only`,
	);
}

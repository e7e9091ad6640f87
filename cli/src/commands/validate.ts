import { defineCommand, EXIT, formatOption, readable, UsageError } from "../command";
import {
	checkFolder,
	definitionFiles,
	displayPath,
	type FileIssue,
	issueLine,
} from "../definitions";
import { stdout } from "../terminal";

const FORMATS = ["text", "json", "github"] as const;

export const validate = defineCommand({
	name: "validate",
	summary: "Check definition files offline, as the API checks a save",
	help: `stepline validate <file|folder>... [--format text|json|github]

Checks each workflow definition with the engine code the API runs when it saves one: the
format, the graph, every JQ template, the input forms. A folder stands for every *.json under
it except fixtures (*.test.json); two files with the same identifier are an error. Nothing is
sent anywhere.

Each problem is printed as file:line:column, the API's error code and JSON pointer, and the
message. Exit status 1 when any file has a problem.

Options:
  --format text     one line per problem (default)
  --format json     a JSON array of { file, line, column, pointer, code, message }
  --format github   GitHub Actions annotations (::error file=…,line=…,col=…::…)`,
	options: { format: { type: "string" } },
	async run({ values, positionals }) {
		const format = formatOption(values.format, FORMATS);
		if (positionals.length === 0) throw new UsageError("name at least one file or folder");
		const files = readable(() => definitionFiles(positionals));
		const checked = readable(() => checkFolder(files));
		const issues = checked.flatMap((c) => (c.ok ? [] : c.issues));
		if (format === "json") stdout.line(JSON.stringify(issues, null, 2));
		else if (format === "github") for (const i of issues) stdout.line(githubAnnotation(i));
		else {
			const { paint } = stdout;
			for (const i of issues) stdout.line(issueLine(i, paint));
			const bad = checked.filter((c) => !c.ok).length;
			const summary = `${files.length} file(s) checked: ${files.length - bad} valid, ${bad} with ${issues.length} problem(s)`;
			stdout.line(bad === 0 ? paint.green(summary) : paint.red(summary));
		}
		return issues.length === 0 ? EXIT.ok : EXIT.failed;
	},
});

/** https://docs.github.com/actions/reference/workflow-commands-for-github-actions#setting-an-error-message */
function githubAnnotation(i: FileIssue): string {
	const property = (s: string) =>
		s
			.replaceAll("%", "%25")
			.replaceAll("\r", "%0D")
			.replaceAll("\n", "%0A")
			.replaceAll(":", "%3A")
			.replaceAll(",", "%2C");
	const data = (s: string) =>
		s.replaceAll("%", "%25").replaceAll("\r", "%0D").replaceAll("\n", "%0A");
	return `::error file=${property(displayPath(i.file))},line=${i.line},col=${i.column},title=${property(i.code)}::${data(`${i.pointer || "/"}: ${i.message}`)}`;
}

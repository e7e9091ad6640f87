/**
 * `stepline`: workflows as code. Offline: validate definitions and dry-run them against
 * fixtures with the engine the server runs. Online (STEPLINE_URL, STEPLINE_TOKEN): diff and
 * push a folder of definitions, start and follow runs, list, read, cancel and retry runs.
 */
import { isApiError, printFailure } from "./api";
import { type Command, EXIT, type ExitCode, parseCommandLine, UsageError } from "./command";
import { diff } from "./commands/diff";
import { push } from "./commands/push";
import { run } from "./commands/run";
import { runsCancel, runsGet, runsList, runsRetry } from "./commands/runs";
import { test } from "./commands/test";
import { validate } from "./commands/validate";
import { stderr, stdout } from "./terminal";

// biome-ignore lint/suspicious/noExplicitAny: each command has its own option types.
const COMMANDS: Command<any>[] = [
	validate,
	test,
	diff,
	push,
	run,
	runsList,
	runsGet,
	runsCancel,
	runsRetry,
];

const VERSION = "0.1.0";

function mainHelp(): string {
	const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 3;
	return `stepline — workflows as code for Stepline

Usage: stepline <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`).join("\n")}

Run "stepline <command> --help" for a command's options.

Online commands read STEPLINE_URL (the API's base URL, e.g. http://localhost:8787) and
STEPLINE_TOKEN (a bearer token or an API key).

Exit status: 0 done, 1 the check failed (invalid definition, failed expectation, failed
run), 2 wrong command line, 3 the API refused or could not be reached.`;
}

export async function main(argv: string[]): Promise<ExitCode> {
	const [name, ...rest] = argv;
	if (name === undefined || name === "--help" || name === "-h" || name === "help") {
		stdout.line(mainHelp());
		return name === undefined ? EXIT.usage : EXIT.ok;
	}
	if (name === "--version" || name === "-v") {
		stdout.line(VERSION);
		return EXIT.ok;
	}
	// "runs ls" and its siblings are two words; "runs" alone lists them.
	const group = COMMANDS.filter((c) => c.name.startsWith(`${name} `));
	const sub = rest[0];
	const command =
		COMMANDS.find((c) => c.name === name) ?? group.find((c) => c.name === `${name} ${sub}`);
	const args = command && group.includes(command) ? rest.slice(1) : rest;
	try {
		if (command === undefined && group.length > 0) {
			const list = group.map((c) => `  stepline ${c.name.padEnd(12)}${c.summary}`).join("\n");
			if (sub === undefined || sub === "--help" || sub === "-h") {
				stdout.line(`${list}\n\nRun "stepline ${name} <command> --help" for its options.`);
				return sub === undefined ? EXIT.usage : EXIT.ok;
			}
			throw new UsageError(`unknown command "${name} ${sub}"; one of:\n${list}`);
		}
		if (command === undefined) throw new UsageError(`unknown command "${name}"`);
		const { values, positionals } = parseCommandLine(command, args);
		if ((values as { help?: boolean }).help === true) {
			stdout.line(command.help);
			return EXIT.ok;
		}
		return await command.run({ values, positionals });
	} catch (error) {
		if (isApiError(error)) {
			printFailure(error);
			return EXIT.api;
		}
		if (error instanceof UsageError) {
			stderr.line(stderr.paint.red(`stepline: ${error.message}`));
			stderr.line(`Run "stepline ${command ? `${command.name} ` : ""}--help" for usage.`);
			return EXIT.usage;
		}
		throw error;
	}
}

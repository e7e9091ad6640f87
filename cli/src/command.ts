/**
 * What every command is: a name, its help, its options (node:util parseArgs, no parser
 * dependency) and a run that returns the exit code.
 */
import { type ParseArgsConfig, parseArgs } from "node:util";

/** The exit codes every command keeps (README "Workflows as code"). */
export const EXIT = {
	/** Done; the check passed. */
	ok: 0,
	/** The check failed: invalid definitions, a failed expectation, a run that did not succeed. */
	failed: 1,
	/** The command line was wrong (unknown command or option, missing argument, unreadable file). */
	usage: 2,
	/** The API refused the request or could not be reached (the problem document is printed). */
	api: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig["options"]>;

export interface Command<O extends Options = Options> {
	name: string;
	summary: string;
	/** Usage lines, then a blank line and the description, then the options. */
	help: string;
	options: O;
	run(args: {
		values: ReturnType<typeof parseArgs<{ options: O; allowPositionals: true }>>["values"];
		positionals: string[];
	}): Promise<ExitCode>;
}

export const defineCommand = <O extends Options>(command: Command<O>): Command<O> => command;

export function parseCommandLine<O extends Options>(command: Command<O>, argv: string[]) {
	try {
		return parseArgs({
			args: argv,
			options: { ...command.options, help: { type: "boolean", short: "h" } },
			allowPositionals: true,
			strict: true,
		});
	} catch (error) {
		throw new UsageError((error as Error).message);
	}
}

/** `--format` values a command accepts; anything else is a usage error. */
export function formatOption<F extends string>(value: unknown, formats: readonly F[]): F {
	const format = (value ?? formats[0]) as F;
	if (!formats.includes(format))
		throw new UsageError(`--format must be one of ${formats.join(", ")}, not "${String(value)}"`);
	return format;
}

/** A missing or unreadable path is a usage error (exit 2), not a crash. */
export function readable<T>(read: () => T): T {
	try {
		return read();
	} catch (error) {
		const e = error as NodeJS.ErrnoException;
		if (e.code !== undefined && e.path !== undefined)
			throw new UsageError(`cannot read ${e.path} (${e.code})`);
		throw error;
	}
}

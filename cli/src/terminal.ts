/**
 * Output for people and for pipes. Colour only when the stream is a terminal (and NO_COLOR is
 * unset, or FORCE_COLOR asks for it), so logs and `--format json` stay plain. A handful of
 * ANSI codes do not justify a dependency.
 */
type Stream = NodeJS.WriteStream;

export interface Palette {
	red(s: string): string;
	green(s: string): string;
	yellow(s: string): string;
	cyan(s: string): string;
	dim(s: string): string;
	bold(s: string): string;
}

const wrap = (on: boolean, open: number, close: number) => (s: string) =>
	on ? `\u001b[${open}m${s}\u001b[${close}m` : s;

export function paletteFor(stream: Stream, env = process.env): Palette {
	const on =
		env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0"
			? true
			: env.NO_COLOR === undefined && stream.isTTY === true && env.TERM !== "dumb";
	return {
		red: wrap(on, 31, 39),
		green: wrap(on, 32, 39),
		yellow: wrap(on, 33, 39),
		cyan: wrap(on, 36, 39),
		dim: wrap(on, 2, 22),
		bold: wrap(on, 1, 22),
	};
}

export const stdout = {
	line: (s = "") => process.stdout.write(`${s}\n`),
	paint: paletteFor(process.stdout),
};

export const stderr = {
	line: (s = "") => process.stderr.write(`${s}\n`),
	paint: paletteFor(process.stderr),
	isTTY: process.stderr.isTTY === true,
};

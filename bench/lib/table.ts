// The bench table: one markdown row per figure, Stepline beside its peers.

export type Row = (...cells: (string | number)[]) => void;

/** Runs of every per-node figure have this many nodes after the trigger. */
export const NODES = 10;

export function tableHead(): { lines: string[]; row: Row } {
	const lines: string[] = [];
	const row: Row = (...cells) => lines.push(`| ${cells.join(" | ")} |`);
	row("figure", "Stepline", "Workflows", "raw DO", "Stepline ÷ Workflows", "Stepline ÷ raw");
	row("---", "---", "---", "---", "---", "---");
	return { lines, row };
}

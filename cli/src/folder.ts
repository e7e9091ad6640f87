/**
 * A folder of definitions as the online commands use it: every definition checked offline
 * first (nothing invalid is ever diffed or pushed), then planned against the server.
 */
import type { StepLine } from "../../clients/typescript/src";
import { EXIT, readable } from "./command";
import { checkFolder, definitionFiles, issueLine } from "./definitions";
import type { LocalWorkflow } from "./folder-plan";
import { planFolder } from "./folder-plan";
import { stdout } from "./terminal";

/** The folder's workflows, or the exit code after printing why the folder is not pushable. */
export function readFolder(dir: string): LocalWorkflow[] | typeof EXIT.failed {
	const checked = readable(() => checkFolder(definitionFiles([dir])));
	const issues = checked.flatMap((c) => (c.ok ? [] : c.issues));
	if (issues.length > 0) {
		const { paint } = stdout;
		for (const i of issues) stdout.line(issueLine(i, paint));
		stdout.line(
			paint.red(`${issues.length} problem(s): fix them first (stepline validate ${dir})`),
		);
		return EXIT.failed;
	}
	return checked.flatMap((c) =>
		c.ok ? [{ file: c.file, definition: c.definition, value: c.value, source: c.source }] : [],
	);
}

export async function plannedFolder(client: StepLine, dir: string) {
	const locals = readFolder(dir);
	if (locals === EXIT.failed) return EXIT.failed;
	return planFolder(client, locals);
}

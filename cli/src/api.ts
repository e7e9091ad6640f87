/**
 * The online commands' side of the API: the typed client configured from STEPLINE_URL and
 * STEPLINE_TOKEN, and API failures turned into what a person (or a CI log) can act on.
 */
import {
	createStepline,
	type StepLine,
	StepLineProblem,
	StepLineUnreachable,
} from "../../clients/typescript/src";
import { UsageError } from "./command";
import { displayPath } from "./definitions";
import type { LocalWorkflow } from "./folder-plan";
import { stderr } from "./terminal";

export function clientFromEnv(env = process.env): StepLine {
	const baseUrl = env.STEPLINE_URL;
	if (!baseUrl)
		throw new UsageError(
			"STEPLINE_URL is not set: export the API's base URL (e.g. http://localhost:8787)",
		);
	if (!/^https?:\/\//.test(baseUrl))
		throw new UsageError(`STEPLINE_URL must be an http(s) URL, not "${baseUrl}"`);
	const token = env.STEPLINE_TOKEN;
	if (!token)
		throw new UsageError("STEPLINE_TOKEN is not set: export a bearer token or an API key");
	return createStepline({ baseUrl, token });
}

/**
 * One line per problem: status, code, detail, then each field error with its pointer — and,
 * for a definition pushed from a file, the file:line:column the pointer names.
 */
export function describeFailure(error: unknown, local?: LocalWorkflow): string[] {
	if (error instanceof StepLineProblem) {
		const lines = [error.message];
		for (const e of error.errors) {
			const at =
				local && e.in === "body"
					? `${displayPath(local.file)}:${(({ line, column }) => `${line}:${column}`)(local.source.positionOf(e.pointer, e.position))} `
					: "";
			lines.push(`  ${at}${e.pointer || "/"} ${e.code}: ${e.message}`);
		}
		if (error.requestId) lines.push(`  (request id ${error.requestId})`);
		return lines;
	}
	if (error instanceof StepLineUnreachable) return [error.message];
	return [error instanceof Error ? error.message : String(error)];
}

export function printFailure(error: unknown, local?: LocalWorkflow): void {
	const [first, ...rest] = describeFailure(error, local);
	stderr.line(stderr.paint.red(`stepline: ${first}`));
	for (const line of rest) stderr.line(line);
}

export const isApiError = (error: unknown) =>
	error instanceof StepLineProblem || error instanceof StepLineUnreachable;

import { sha256Hex } from "../lib/canonical-json";

/**
 * A run id named by what started it (a schedule's tick, an event and its trigger): every
 * attempt to start the same thing addresses the same run object, whose `start` creates the run
 * once and otherwise answers it. Same shape as random run ids (`run_` + 32 hex digits).
 */
export async function derivedRunId(parts: string[]): Promise<string> {
	return `run_${(await sha256Hex(parts.join("\n"))).slice(0, 32)}`;
}

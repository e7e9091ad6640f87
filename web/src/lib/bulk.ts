// One API call per selected run, a few at a time (the API has no batch retry, and its bulk
// cancel takes filters, not a hand-picked list), gathering what happened to each.
import { ApiProblem } from "../api/client";

export interface BulkOutcome {
	done: string[];
	failed: { id: string; reason: string }[];
}

const AT_ONCE = 4;

export async function forEachRun(
	ids: string[],
	act: (id: string) => Promise<unknown>,
): Promise<BulkOutcome> {
	const outcome: BulkOutcome = { done: [], failed: [] };
	const queue = [...ids];
	const worker = async () => {
		for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
			try {
				await act(id);
				outcome.done.push(id);
			} catch (error) {
				const reason =
					error instanceof ApiProblem
						? error.detail || error.title
						: error instanceof Error
							? error.message
							: String(error);
				outcome.failed.push({ id, reason });
			}
		}
	};
	await Promise.all(Array.from({ length: Math.min(AT_ONCE, ids.length) }, worker));
	return outcome;
}

/**
 * How one attempt of a task ends: the verdict shared by synchronous calls (webhook.ts) and
 * async ones that end with a callback (callback.ts). tasks.ts routes a verdict to the node or its
 * forEach item.
 */
import { contextFor } from "./context";
import type { RunErrorCode } from "./errors";
import { renderTemplates } from "./expressions";
import type { JsonObject, JsonValue } from "./json";
import { plannedNode } from "./plan";
import { templateFailure } from "./request";
import { type AttemptFailure, decideRetry, formatMs } from "./retry";
import type { Reader } from "./sealing";
import type { AttemptRecord, TaskRef, TaskRun } from "./state";
import type { Step } from "./step";
import { retryTimerKey } from "./timers";

export type AttemptVerdict =
	| { kind: "succeeded"; output: JsonValue; detail: string }
	| { kind: "retrying" }
	/** Send the call again now, as attempt `attempt` (an interrupted call). */
	| { kind: "resend"; attempt: number }
	/** The call went out; the attempt now waits for its callback (WAITING, no slot held). */
	| { kind: "waiting" }
	| { kind: "failed"; error: { code: RunErrorCode; message: string } };

export const INTERRUPTED = "interrupted";

/** Attempts of the task cut off by a restart: they do not count against the retry policy. */
export const interruptedAttempts = (task: TaskRun) =>
	task.attempts.filter((a) => a.error?.code === INTERRUPTED).length;

/**
 * A task's context for `reader`: its request (request), its variables (node), or the record
 * of its request (workflow: every sealed value REDACTED).
 */
export function taskContext(
	step: Step,
	ref: TaskRef,
	reader: Reader,
	response?: JsonValue,
): JsonObject {
	const access = step.access(reader);
	if (ref.item === null) return contextFor(step.state, { response }, access);
	const item = step.task(ref) as { item?: JsonValue };
	return contextFor(step.state, { item: item.item ?? null, index: ref.item, response }, access);
}

/** The node's output from what it got: mapped by its `variables` (over `.response`), else `plain`. */
export function succeeded(
	step: Step,
	ref: TaskRef,
	response: JsonObject,
	plain: JsonValue,
	what: string,
): AttemptVerdict {
	const variables = plannedNode(step.plan, ref.node).node.variables;
	if (variables === undefined)
		return { kind: "succeeded", output: plain, detail: `output is ${what}` };
	const mapped = renderTemplates(variables, taskContext(step, ref, "node", response), step.now);
	if (!mapped.ok) return templateFailure("variables", mapped.error);
	return { kind: "succeeded", output: mapped.value, detail: "output mapped by variables" };
}

export function retryOrFail(
	step: Step,
	ref: TaskRef,
	attempt: AttemptRecord,
	failure: AttemptFailure,
	code: RunErrorCode,
	call: string,
): AttemptVerdict {
	const planned = plannedNode(step.plan, ref.node);
	const decision = decideRetry(
		planned.retry,
		failure,
		attempt.number,
		step.now,
		step.env.random,
		interruptedAttempts(step.task(ref)),
	);
	switch (decision.kind) {
		case "fail":
			return failAttempt(step, ref, attempt, code, `${call}: ${decision.reason}`);
		case "retry": {
			attempt.error = { code, message: `${call}: ${decision.reason}` };
			step.log(ref, "warn", attempt.error.message);
			step.note("attempt_failed", attempt.error.message, ref);
			step.setTimer(retryTimerKey(ref), {
				kind: "retry",
				node: ref.node,
				item: ref.item,
				attempt: decision.attempt,
				at: decision.at,
			});
			step.task(ref).status = "WAITING";
			step.note(
				"retry_scheduled",
				`attempt ${decision.attempt} is due at ${new Date(decision.at).toISOString()} (in ${formatMs(decision.delayMs)})`,
				ref,
			);
			return { kind: "retrying" };
		}
		default: {
			const _exhaustive: never = decision;
			return _exhaustive;
		}
	}
}

export function failAttempt(
	step: Step,
	ref: TaskRef,
	attempt: AttemptRecord,
	code: RunErrorCode,
	message: string,
): AttemptVerdict {
	attempt.error = { code, message };
	step.log(ref, "error", message);
	step.note("attempt_failed", message, ref);
	return { kind: "failed", error: { code, message } };
}

/**
 * RUN_WORKFLOW attempts for one task (a node run or a forEach item): render the child's inputs,
 * record "attempt N started" *before* asking for the child (the `start_child` effect, which the
 * host sends through the run's outbox until it is answered: docs/ARCHITECTURE.md#child-runs),
 * and turn the answer into a verdict. The child's id is derived by the host from (run, node,
 * item, attempt), so asking twice finds one child. tasks.ts routes the verdict.
 *
 * With `wait: true` the attempt then waits on the outside (waits.ts) for the child's end, which
 * the child's own outbox reports (`child_ended`): the task is WAITING and the run holds no slot.
 * The end may arrive before the start's answer (a quick child), so it is kept on the attempt
 * (`child.ended`) and the wait reads it from there.
 */
import type { RunWorkflowConfig } from "../definition";
import type { ChildAnswer, ChildEndedEvent } from "./events";
import { renderTemplates } from "./expressions";
import type { JsonObject } from "./json";
import { plannedNode } from "./plan";
import { formatMs } from "./retry";
import type { AttemptRecord, ChildEnd, ErrorInfo, TaskRef, TaskRun } from "./state";
import type { Step } from "./step";
import { type AttemptVerdict, failAttempt, retryOrFail, succeeded, taskContext } from "./verdicts";
import { endWait, setWaitTimeout, waitIsOver, waitOnOutside } from "./waits";
import type { AttemptStart } from "./webhook";

function runWorkflowConfig(step: Step, node: string): RunWorkflowConfig {
	const config = plannedNode(step.plan, node).node.config;
	if (config.type !== "RUN_WORKFLOW") throw new Error(`${node} is not a RUN_WORKFLOW node`);
	return config;
}

/** The path a child's start stands for in the run's record: the API call it amounts to. */
const startPath = (workflow: string) => `/v1/workflows/${workflow}/runs`;

export function startChildAttempt(step: Step, ref: TaskRef, attempt: number): AttemptStart {
	const config = runWorkflowConfig(step, ref.node);
	const rendered = renderTemplates(
		(config.inputs ?? {}) as JsonObject,
		taskContext(step, ref, "node"),
		step.now,
	);
	if (!rendered.ok) {
		return {
			kind: "failed",
			error: { code: rendered.error.code, message: `inputs: ${rendered.error.message}` },
		};
	}
	const inputs = rendered.value as JsonObject;
	const version = config.version ?? null;
	const task = step.task(ref);
	task.attempts.push({
		number: attempt,
		startedAt: step.now,
		endedAt: null,
		request: {
			method: "POST",
			url: startPath(config.workflowIdentifier),
			headers: {},
			body: version === null ? { inputs } : { inputs, version },
		},
		responseStatus: null,
		error: null,
		child: { runId: null },
	});
	task.status = "IN_PROGRESS";
	task.startedAt ??= step.now;
	step.touchTask(ref);
	const pinned = version === null ? "latest version" : `version ${version}`;
	step.note(
		"attempt_started",
		`attempt ${attempt}: starting a run of ${config.workflowIdentifier} (${pinned})`,
		ref,
	);
	step.emit({
		kind: "start_child",
		node: ref.node,
		item: ref.item,
		attempt,
		workflow: config.workflowIdentifier,
		version,
		inputs,
		wait: config.wait !== false,
	});
	return { kind: "started" };
}

/**
 * The host's answer to `start_child` for the open attempt. A refusal is final (the child's
 * workflow, inputs or depth would refuse it again), so it fails the task without a retry.
 * With `wait: false` a started child completes the task at once with `{ runId }`; with
 * `wait: true` the task waits for the child's end.
 */
export function concludeChildStart(step: Step, ref: TaskRef, answer: ChildAnswer): AttemptVerdict {
	const task = step.task(ref);
	const attempt = lastAttempt(task);
	step.touchTask(ref);
	const config = runWorkflowConfig(step, ref.node);
	switch (answer.kind) {
		case "refused": {
			attempt.endedAt = step.now;
			const error: ErrorInfo = answer.error;
			attempt.error = error;
			step.log(ref, "error", error.message);
			step.note("attempt_failed", error.message, ref);
			return { kind: "failed", error };
		}
		case "started": {
			const detail = `started run ${answer.runId} of ${config.workflowIdentifier}`;
			step.log(ref, "info", detail);
			if (config.wait !== false) {
				attempt.child = { ...attempt.child, runId: answer.runId };
				return awaitChild(step, ref, attempt, answer.runId);
			}
			attempt.endedAt = step.now;
			attempt.child = { runId: answer.runId };
			step.note("attempt_succeeded", detail, ref);
			const response = { runId: answer.runId };
			return succeeded(step, ref, response, response, "the child's run id");
		}
		default: {
			const unknown: never = answer;
			throw new Error(`unknown child answer ${JSON.stringify(unknown)}`);
		}
	}
}

/** The child started: the attempt waits for it, up to the node's `timeout` from the attempt's start. */
function awaitChild(
	step: Step,
	ref: TaskRef,
	attempt: AttemptRecord,
	runId: string,
): AttemptVerdict {
	waitOnOutside(step, ref, { kind: "child", attempt: attempt.number, runId, since: step.now });
	// A child that ended before its start was answered: go on as soon as the run holds a slot.
	if (attempt.child?.ended) {
		waitIsOver(step, ref);
		return { kind: "waiting" };
	}
	const limit = plannedNode(step.plan, ref.node).childTimeoutMs;
	const until = limit === null ? null : attempt.startedAt + limit;
	if (until !== null && until <= step.now) return childTimedOut(step, ref);
	if (until !== null) setWaitTimeout(step, ref, until);
	const bound =
		until === null
			? "no timeout: until the run's own timeout or a cancel"
			: `until ${new Date(until).toISOString()} (in ${formatMs(until - step.now)})`;
	step.note("node_waiting", `waiting for run ${runId} to end, ${bound}`, ref);
	return { kind: "waiting" };
}

/**
 * What `child_ended` finds: `take` (the attempt it names is open and has not heard of its
 * child's end), or `repeat` (heard already, or the attempt is over: nothing changes).
 */
export function checkChildEnded(
	task: TaskRun | undefined,
	event: ChildEndedEvent,
): { kind: "take"; attempt: AttemptRecord } | { kind: "repeat"; why: string } {
	if (task === undefined) return { kind: "repeat", why: "no such task" };
	const attempt = task.attempts.find((a) => a.number === event.attempt);
	if (attempt?.child === undefined) return { kind: "repeat", why: "no such attempt" };
	if (attempt.child.runId !== null && attempt.child.runId !== event.runId)
		return { kind: "repeat", why: `attempt ${event.attempt} started another run` };
	if (attempt.child.ended) return { kind: "repeat", why: "its end was reported already" };
	if (attempt.endedAt !== null || task.status === "COMPLETED")
		return { kind: "repeat", why: `attempt ${event.attempt} is over` };
	return { kind: "take", attempt };
}

/** Records a child's end on its attempt; a task already waiting goes on once the run holds a slot. */
export function receiveChildEnd(
	step: Step,
	ref: TaskRef,
	attempt: AttemptRecord,
	event: ChildEndedEvent,
): void {
	const task = step.task(ref);
	const ended: ChildEnd = {
		at: step.now,
		result: event.result,
		outputs: step.masker.json(event.outputs),
		error: event.error,
	};
	attempt.child = { runId: event.runId, ended };
	step.touchTask(ref);
	step.note("signal_received", `run ${event.runId} ended ${event.result}`, ref);
	const wait = task.waitingOn;
	if (wait?.kind === "child" && wait.attempt === attempt.number) waitIsOver(step, ref);
}

/** The child's end is in (and the run holds a slot): the attempt ends by it. */
export function concludeChildEnd(step: Step, ref: TaskRef): AttemptVerdict | null {
	const task = step.task(ref);
	const wait = task.waitingOn;
	if (task.status === "COMPLETED" || wait?.kind !== "child") return null;
	const attempt = lastAttempt(task);
	const ended = attempt.child?.ended;
	if (!ended) return null;
	attempt.endedAt = step.now;
	endWait(step, ref);
	step.touchTask(ref);
	const { workflowIdentifier } = runWorkflowConfig(step, ref.node);
	const took = formatMs(Math.max(0, ended.at - attempt.startedAt));
	const what = `run ${wait.runId} of ${workflowIdentifier}`;
	if (ended.result === "SUCCESS") {
		step.log(ref, "info", `${what} succeeded after ${took}`);
		step.note("attempt_succeeded", `${what} succeeded after ${took}`, ref);
		const response = { runId: wait.runId, result: ended.result, outputs: ended.outputs };
		return succeeded(step, ref, response, ended.outputs, "the child's outputs");
	}
	const why = ended.error ? `${ended.error.code}: ${ended.error.message}` : "";
	return retryOrFail(
		step,
		ref,
		attempt,
		{ kind: "child_failed", runId: wait.runId, result: ended.result, message: why },
		"child_failed",
		what,
	);
}

/**
 * The attempt's `timeout` passed before its child ended: the child is cancelled (nobody waits
 * for it any more) and the attempt is retried or failed like a timed-out call.
 */
export function childTimedOut(step: Step, ref: TaskRef): AttemptVerdict {
	const task = step.task(ref);
	const wait = task.waitingOn;
	const attempt = lastAttempt(task);
	attempt.endedAt = step.now;
	endWait(step, ref);
	step.touchTask(ref);
	const limit = plannedNode(step.plan, ref.node).childTimeoutMs ?? 0;
	if (wait?.kind !== "child")
		return failAttempt(step, ref, attempt, "timeout", "the child run did not end in time");
	step.emit({
		kind: "cancel_child",
		runId: wait.runId,
		reason: `its parent stopped waiting after the node's timeout (${formatMs(limit)})`,
	});
	const what = `run ${wait.runId}`;
	return retryOrFail(step, ref, attempt, { kind: "timeout", timeoutMs: limit }, "timeout", what);
}

/**
 * The open child of a task that stops waiting for it (a cancel, a failed forEach sibling): it is
 * cancelled too. A child whose start is not answered yet is cancelled when the answer comes
 * (tasks.ts), since the parent cannot name it before.
 */
export function cancelOpenChild(step: Step, ref: TaskRef, why: string): void {
	const task = step.task(ref);
	const wait = task.waitingOn;
	if (wait?.kind !== "child") return;
	const attempt = task.attempts.find((a) => a.number === wait.attempt);
	if (attempt?.child?.ended) return;
	step.emit({ kind: "cancel_child", runId: wait.runId, reason: why });
}

function lastAttempt(task: TaskRun): AttemptRecord {
	const attempt = task.attempts[task.attempts.length - 1];
	if (attempt === undefined) throw new Error("a RUN_WORKFLOW task without an attempt");
	return attempt;
}

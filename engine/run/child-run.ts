/**
 * RUN_WORKFLOW attempts for one task (a node run or a forEach item): render the child's inputs,
 * record "attempt N started" *before* asking for the child (the `start_child` effect, which the
 * host sends through the run's outbox until it is answered: docs/ARCHITECTURE.md#child-runs),
 * and turn the answer into a verdict. The child's id is derived by the host from (run, node,
 * item, attempt), so asking twice finds one child. tasks.ts routes the verdict.
 */
import type { RunWorkflowConfig } from "../definition";
import type { ChildAnswer } from "./events";
import { renderTemplates } from "./expressions";
import type { JsonObject, JsonValue } from "./json";
import { plannedNode } from "./plan";
import type { ErrorInfo, TaskRef } from "./state";
import type { Step } from "./step";
import { type AttemptVerdict, taskContext } from "./verdicts";
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
	});
	return { kind: "started" };
}

/**
 * The host's answer to `start_child` for the open attempt. A refusal is final (the child's
 * workflow, inputs or depth would refuse it again), so it fails the task without a retry.
 * With `wait: false` a started child completes the task at once with `{ runId }`.
 */
export function concludeChildStart(step: Step, ref: TaskRef, answer: ChildAnswer): AttemptVerdict {
	const task = step.task(ref);
	const attempt = task.attempts[task.attempts.length - 1];
	if (attempt === undefined) throw new Error("concludeChildStart without an attempt");
	attempt.endedAt = step.now;
	step.touchTask(ref);
	const { workflowIdentifier } = runWorkflowConfig(step, ref.node);
	switch (answer.kind) {
		case "refused": {
			const error: ErrorInfo = answer.error;
			attempt.error = error;
			step.log(ref, "error", error.message);
			step.note("attempt_failed", error.message, ref);
			return { kind: "failed", error };
		}
		case "started": {
			attempt.child = { runId: answer.runId };
			const detail = `started run ${answer.runId} of ${workflowIdentifier}`;
			step.log(ref, "info", detail);
			step.note("attempt_succeeded", detail, ref);
			return childOutput(step, ref, { runId: answer.runId });
		}
		default: {
			const unknown: never = answer;
			throw new Error(`unknown child answer ${JSON.stringify(unknown)}`);
		}
	}
}

/** The node's output from what the child gave (`.response` in its variables). */
function childOutput(step: Step, ref: TaskRef, response: JsonObject): AttemptVerdict {
	const variables = plannedNode(step.plan, ref.node).node.variables;
	if (variables === undefined)
		return { kind: "succeeded", output: response, detail: "output is the child's" };
	const mapped = renderTemplates(
		variables as JsonValue,
		taskContext(step, ref, "node", response),
		step.now,
	);
	if (!mapped.ok)
		return {
			kind: "failed",
			error: { code: mapped.error.code, message: `variables: ${mapped.error.message}` },
		};
	return { kind: "succeeded", output: mapped.value, detail: "output mapped by variables" };
}

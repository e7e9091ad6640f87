/**
 * WEBHOOK (synchronized) attempts for one task (a node run or a forEach item): build the
 * request (request.ts renders it and checks the URL), record "attempt N started" in the state *before* emitting the
 * effect (the shell commits the state, then calls), and turn the result into a verdict.
 * This file decides; tasks.ts routes the verdict to the node or its forEach.
 */

import { HEADER_SIGNATURE } from "../crypto/standard-webhooks";
import type { WebhookConfig } from "../definition";
import { contextFor, hasSealedValues, unopenedFor } from "./context";
import type { RunErrorCode } from "./errors";
import type { AttemptOutcome } from "./events";
import { renderTemplates } from "./expressions";
import { isSuccessStatus, readResponse, responseExcerpt } from "./http-response";
import type { JsonObject, JsonValue } from "./json";
import { keptResponse } from "./mask-output";
import { type Masker, maskHeaders, maskUrl, REDACTED, readableRedactions } from "./masking";
import { plannedNode } from "./plan";
import { type BuiltRequest, buildRequest, templateFailure } from "./request";
import { type AttemptFailure, decideRetry, formatMs } from "./retry";
import type { Reader } from "./sealing";
import { requestSecrets } from "./secrets";
import type { AttemptRecord, ErrorInfo, TaskRef, TaskRun } from "./state";
import type { Step } from "./step";
import { attemptTimeoutKey, retryTimerKey } from "./timers";

export type AttemptStart = { kind: "started" } | { kind: "failed"; error: ErrorInfo };

export type AttemptVerdict =
	| { kind: "succeeded"; output: JsonValue; detail: string }
	| { kind: "retrying" }
	/** Send the call again now, as attempt `attempt` (an interrupted call). */
	| { kind: "resend"; attempt: number }
	| { kind: "failed"; error: ErrorInfo };

/**
 * How many interrupted calls of one task are sent again without counting against its retry
 * policy. Past that, an interruption is judged like a timeout (a run whose object keeps dying
 * mid-call must still end).
 */
export const MAX_INTERRUPTED_RESENDS = 3;

const INTERRUPTED = "interrupted";

/** Attempts of the task cut off by a restart: they do not count against the retry policy. */
const interruptedAttempts = (task: TaskRun) =>
	task.attempts.filter((a) => a.error?.code === INTERRUPTED).length;

export function idempotencyKey(runId: string, ref: TaskRef): string {
	return ref.item === null ? `${runId}:${ref.node}` : `${runId}:${ref.node}:${ref.item}`;
}

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

function webhookConfig(step: Step, node: string): WebhookConfig {
	const config = plannedNode(step.plan, node).node.config;
	if (config.type !== "WEBHOOK") throw new Error(`${node} is not a WEBHOOK node`);
	return config;
}

export function startAttempt(step: Step, ref: TaskRef, attempt: number): AttemptStart {
	const planned = plannedNode(step.plan, ref.node);
	const key = idempotencyKey(step.state.header.runId, ref);
	const secrets = requestSecrets(step, planned);
	if (!secrets.ok) return { kind: "failed", error: secrets.error };
	// A request must not go out with REDACTED where a secret input should be.
	const unopened = unopenedFor(step.state, step.access("request"));
	if (unopened !== null) {
		return { kind: "failed", error: { code: "secret_unreadable", message: unopened } };
	}
	const config = webhookConfig(step, ref.node);
	const context = { ...taskContext(step, ref, "request"), secrets: secrets.secrets };
	const signedAt = secrets.signingSecret === null ? null : Math.floor(step.now / 1000);
	const built = buildRequest(step, config, context, key, signedAt);
	// A template error can quote what it was given, secrets included.
	if (built.kind === "failed") return { kind: "failed", error: step.masker.json(built.error) };
	const { request } = built;
	const kept = recordedRequest(step, ref, config, key, built, signedAt);
	const record: AttemptRecord = {
		number: attempt,
		startedAt: step.now,
		endedAt: null,
		// What was sent, as the run keeps it: credential-looking headers and query parameters
		// hidden by name, every secret value hidden wherever it went.
		request: step.masker.json({
			method: kept.request.method,
			url: readableRedactions(maskUrl(kept.request.url)),
			// The signature is made when the call is sent; like any credential it shows masked.
			headers: maskHeaders(
				signedAt === null
					? kept.request.headers
					: { ...kept.request.headers, [HEADER_SIGNATURE]: "" },
			),
			body: kept.bodyValue,
		}),
		responseStatus: null,
		error: null,
	};
	const task = step.task(ref);
	task.attempts.push(record);
	task.status = "IN_PROGRESS";
	task.startedAt ??= step.now;
	step.touchTask(ref);
	step.setTimer(attemptTimeoutKey(ref), {
		kind: "attempt_timeout",
		node: ref.node,
		item: ref.item,
		attempt,
		at: step.now + planned.timeoutMs,
	});
	const of = planned.retry.maxAttempts > 1 ? ` of ${planned.retry.maxAttempts}` : "";
	step.note(
		"attempt_started",
		`attempt ${attempt}${of}: ${request.method} ${record.request.url} (gives up after ${formatMs(planned.timeoutMs)})`,
		ref,
	);
	step.emit({
		kind: "http_request",
		node: ref.node,
		item: ref.item,
		attempt,
		request,
		timeoutMs: planned.timeoutMs,
		idempotencyKey: key,
		...(signedAt === null || secrets.signingSecret === null
			? {}
			: { signature: { secret: secrets.signingSecret, id: key, timestamp: signedAt } }),
	});
	return { kind: "started" };
}

/**
 * The request as the run keeps it. When it reads sealed values or secrets, it is rendered a
 * second time as a reader of the run sees them (every one REDACTED), so a masked output or a
 * secret input copied into a request does not land in its record; should that rendering fail
 * (a template that cannot work on "[REDACTED]"), the sent request is kept, masked.
 */
function recordedRequest(
	step: Step,
	ref: TaskRef,
	config: WebhookConfig,
	key: string,
	sent: Extract<BuiltRequest, { kind: "built" }>,
	signedAt: number | null,
): Extract<BuiltRequest, { kind: "built" }> {
	const planned = plannedNode(step.plan, ref.node);
	if (planned.secrets.length === 0 && !hasSealedValues(step.state)) return sent;
	const hidden = Object.fromEntries(planned.secrets.map((name) => [name, REDACTED]));
	const context = { ...taskContext(step, ref, "workflow"), secrets: hidden };
	const seen = buildRequest(step, config, context, key, signedAt);
	return seen.kind === "built" ? seen : sent;
}

/**
 * The in-flight attempt ended with `outcome` (the caller checked it is the current one). The
 * answer is masked before anything reads it: a receiver that echoes a secret back (in its body,
 * its headers or an error) must not put it in the output, the variables or a log line.
 */
export function concludeAttempt(
	step: Step,
	ref: TaskRef,
	received: AttemptOutcome,
): AttemptVerdict {
	const outcome = maskOutcome(step.masker, received);
	const task = step.task(ref);
	const attempt = task.attempts[task.attempts.length - 1];
	if (attempt === undefined) throw new Error("concludeAttempt without an attempt");
	attempt.endedAt = step.now;
	step.clearTimer(attemptTimeoutKey(ref));
	step.touchTask(ref);
	const call = `${attempt.request.method} ${attempt.request.url}`;
	const took = formatMs(step.now - attempt.startedAt);
	switch (outcome.kind) {
		case "response": {
			attempt.responseStatus = outcome.response.status;
			// Kept for every answer, failed or not: the outcome is masked by value already;
			// keptResponse hides headers by name, and all of it for a maskOutput node.
			attempt.response = keptResponse(step, ref.node, responseExcerpt(outcome.response));
			const reading = readResponse(outcome.response);
			if (reading.kind === "too_large") {
				return failAttempt(step, ref, attempt, "response_too_large", `${call}: ${reading.message}`);
			}
			if (reading.warning !== null) step.log(ref, "warn", reading.warning);
			const { response } = reading;
			if (!isSuccessStatus(response.status)) {
				const failure: AttemptFailure = {
					kind: "http_status",
					status: response.status,
					headers: response.headers,
				};
				return retryOrFail(step, ref, attempt, failure, "http_error", call);
			}
			step.log(ref, "info", `${call} answered ${response.status} in ${took}`);
			step.note("attempt_succeeded", `${call} answered ${response.status} in ${took}`, ref);
			const responseValue = response as unknown as JsonObject;
			const variables = plannedNode(step.plan, ref.node).node.variables;
			if (variables === undefined) {
				return { kind: "succeeded", output: responseValue, detail: `output is the response` };
			}
			const mapped = renderTemplates(
				variables,
				taskContext(step, ref, "node", responseValue),
				step.now,
			);
			if (!mapped.ok) return templateFailure("variables", mapped.error);
			return { kind: "succeeded", output: mapped.value, detail: "output mapped by variables" };
		}
		case "network_error": {
			const failure: AttemptFailure = { ...outcome };
			return retryOrFail(step, ref, attempt, failure, "network_error", call);
		}
		case "timeout": {
			const timeoutMs = plannedNode(step.plan, ref.node).timeoutMs;
			return retryOrFail(step, ref, attempt, { kind: "timeout", timeoutMs }, "timeout", call);
		}
		case "interrupted": {
			if (interruptedAttempts(task) < MAX_INTERRUPTED_RESENDS) {
				attempt.error = {
					code: INTERRUPTED,
					message: `${call}: cut off when the run's object restarted, with no answer; sent again at once with the same Idempotency-Key (not counted as a retry)`,
				};
				step.log(ref, "warn", attempt.error.message);
				step.note("attempt_failed", attempt.error.message, ref);
				return { kind: "resend", attempt: attempt.number + 1 };
			}
			const timeoutMs = plannedNode(step.plan, ref.node).timeoutMs;
			return retryOrFail(step, ref, attempt, { kind: "timeout", timeoutMs }, "timeout", call);
		}
		default: {
			const _exhaustive: never = outcome;
			return _exhaustive;
		}
	}
}

function maskOutcome(masker: Masker, outcome: AttemptOutcome): AttemptOutcome {
	if (!masker.active) return outcome;
	switch (outcome.kind) {
		case "response":
			return { kind: "response", response: masker.json(outcome.response) };
		case "network_error":
			return masker.json(outcome);
		case "timeout":
		case "interrupted":
			return outcome;
		default: {
			const _exhaustive: never = outcome;
			return _exhaustive;
		}
	}
}

function retryOrFail(
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

function failAttempt(
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

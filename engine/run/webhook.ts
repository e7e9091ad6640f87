/**
 * WEBHOOK (synchronized) attempts for one task (a node run or a forEach item): build the
 * request (request.ts renders it and checks the URL), record "attempt N started" in the state *before* emitting the
 * effect (the shell commits the state, then calls), and turn the result into a verdict.
 * This file decides; tasks.ts routes the verdict to the node or its forEach.
 */
import { HEADER_SIGNATURE } from "../crypto/standard-webhooks";
import type { WebhookConfig } from "../definition";
import {
	armCallback,
	awaitCallback,
	CALLBACK_URL_HEADER,
	concludeCallback,
	mintCallback,
} from "./callback";
import { hasSealedValues, unopenedFor } from "./context";
import type { AttemptOutcome } from "./events";
import { evaluateExpression, expressionSource, isTruthy } from "./expressions";
import { isSuccessStatus, readResponse, responseExcerpt } from "./http-response";
import type { JsonObject } from "./json";
import { keptResponse } from "./mask-output";
import { type Masker, maskHeaders, maskUrl, REDACTED, readableRedactions } from "./masking";
import { plannedNode } from "./plan";
import { type BuiltRequest, buildRequest } from "./request";
import type { AttemptFailure } from "./retry";
import { formatMs } from "./retry";
import { requestSecrets } from "./secrets";
import type { AttemptRecord, ErrorInfo, TaskRef } from "./state";
import type { Step } from "./step";
import { attemptTimeoutKey } from "./timers";
import {
	type AttemptVerdict,
	failAttempt,
	INTERRUPTED,
	interruptedAttempts,
	retryOrFail,
	succeeded,
	taskContext,
} from "./verdicts";
import { endWait } from "./waits";

export type AttemptStart = { kind: "started" } | { kind: "failed"; error: ErrorInfo };
export type { AttemptVerdict } from "./verdicts";

/**
 * How many interrupted calls of one task are sent again without counting against its retry
 * policy. Past that, an interruption is judged like a timeout (a run whose object keeps dying
 * mid-call must still end).
 */
export const MAX_INTERRUPTED_RESENDS = 3;

export function idempotencyKey(runId: string, ref: TaskRef): string {
	return ref.item === null ? `${runId}:${ref.node}` : `${runId}:${ref.node}:${ref.item}`;
}

function webhookConfig(step: Step, node: string): WebhookConfig {
	const config = plannedNode(step.plan, node).node.config;
	if (config.type !== "WEBHOOK") throw new Error(`${node} is not a WEBHOOK node`);
	return config;
}

export function startAttempt(step: Step, ref: TaskRef, attempt: number): AttemptStart {
	const planned = plannedNode(step.plan, ref.node);
	const config = webhookConfig(step, ref.node);
	const key = idempotencyKey(step.state.header.runId, ref);
	const secrets = requestSecrets(step, planned);
	if (!secrets.ok) return { kind: "failed", error: secrets.error };
	// A request must not go out with REDACTED where a secret input should be.
	const unopened = unopenedFor(step.state, step.access("request"));
	if (unopened !== null) {
		return { kind: "failed", error: { code: "secret_unreadable", message: unopened } };
	}
	// An async call carries a fresh callback URL per attempt (callback.ts).
	const callback = config.synchronized ? null : mintCallback(step);
	if (callback?.kind === "failed") return callback;
	const callbackContext: JsonObject = callback ? { callback: { url: callback.url } } : {};
	const context = {
		...taskContext(step, ref, "request"),
		secrets: secrets.secrets,
		...callbackContext,
	};
	const signedAt = secrets.signingSecret === null ? null : Math.floor(step.now / 1000);
	const built = buildRequest(step, config, context, key, signedAt);
	// A template error can quote what it was given, secrets included.
	if (built.kind === "failed") return { kind: "failed", error: step.masker.json(built.error) };
	const { request } = built;
	if (callback) request.headers[CALLBACK_URL_HEADER] = callback.url;
	const kept = recordedRequest(step, ref, config, key, built, signedAt, callbackContext);
	const record: AttemptRecord = {
		number: attempt,
		startedAt: step.now,
		endedAt: null,
		// What was sent, as the run keeps it: credential-looking headers and query parameters
		// hidden by name, every secret value (and a callback's token) hidden wherever it went.
		request: hideToken(
			callback,
			step.masker.json({
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
		),
		responseStatus: null,
		error: null,
	};
	const task = step.task(ref);
	task.attempts.push(record);
	task.status = "IN_PROGRESS";
	task.startedAt ??= step.now;
	// Armed with "attempt N started", before the request leaves: a quick receiver may call back
	// before its answer to the request arrives.
	if (callback) armCallback(step, ref, record, callback.tokenHash);
	step.touchTask(ref);
	step.setTimer(attemptTimeoutKey(ref), {
		kind: "attempt_timeout",
		node: ref.node,
		item: ref.item,
		attempt,
		at: step.now + planned.timeoutMs,
	});
	const of = planned.retry.maxAttempts > 1 ? ` of ${planned.retry.maxAttempts}` : "";
	const then = callback ? ", then waits for its callback" : "";
	step.note(
		"attempt_started",
		`attempt ${attempt}${of}: ${request.method} ${record.request.url} (gives up after ${formatMs(planned.timeoutMs)}${then})`,
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
	callbackContext: JsonObject,
): Extract<BuiltRequest, { kind: "built" }> {
	const planned = plannedNode(step.plan, ref.node);
	if (planned.secrets.length === 0 && !hasSealedValues(step.state)) return sent;
	const hidden = Object.fromEntries(planned.secrets.map((name) => [name, REDACTED]));
	const context = { ...taskContext(step, ref, "workflow"), secrets: hidden, ...callbackContext };
	const seen = buildRequest(step, config, context, key, signedAt);
	return seen.kind === "built" ? seen : sent;
}

function hideToken<T>(callback: { masker: Masker } | null, value: T): T {
	return callback ? callback.masker.json(value) : value;
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
	const wait = task.waitingOn;
	if (wait?.kind === "callback") {
		if (outcome.kind === "response") attempt.responseStatus = outcome.response.status;
		// The receiver called back before its answer to the request came: the callback decides.
		const byCallback = concludeCallback(step, ref);
		if (byCallback) return byCallback;
	}
	// Any other end of the request ends the attempt, and with it the wait for its callback (a
	// retry arms a new one).
	const failedRequest = (verdict: AttemptVerdict): AttemptVerdict => {
		if (verdict.kind !== "waiting" && wait?.kind === "callback" && task.waitingOn) {
			endWait(step, ref);
		}
		return verdict;
	};
	switch (outcome.kind) {
		case "response": {
			attempt.responseStatus = outcome.response.status;
			// Kept for every answer, failed or not: the outcome is masked by value already;
			// keptResponse hides headers by name, and all of it for a maskOutput node.
			attempt.response = keptResponse(step, ref.node, responseExcerpt(outcome.response));
			const reading = readResponse(outcome.response);
			if (reading.kind === "too_large") {
				return failedRequest(
					failAttempt(step, ref, attempt, "response_too_large", `${call}: ${reading.message}`),
				);
			}
			if (reading.warning !== null) step.log(ref, "warn", reading.warning);
			const { response } = reading;
			if (!isSuccessStatus(response.status)) {
				const failure: AttemptFailure = {
					kind: "http_status",
					status: response.status,
					headers: response.headers,
				};
				return failedRequest(retryOrFail(step, ref, attempt, failure, "http_error", call));
			}
			const responseValue = response as unknown as JsonObject;
			const until = untilCheck(step, ref, responseValue);
			if (until.kind === "error") {
				return failAttempt(step, ref, attempt, until.error.code, `${call}: ${until.error.message}`);
			}
			if (until.kind === "unmet") {
				const failure: AttemptFailure = {
					kind: "until_unmet",
					status: response.status,
					expression: until.expression,
				};
				return retryOrFail(step, ref, attempt, failure, "until_not_met", call);
			}
			step.log(ref, "info", `${call} answered ${response.status} in ${took}`);
			if (wait?.kind === "callback") {
				attempt.endedAt = null;
				return awaitCallback(step, ref, attempt);
			}
			step.note("attempt_succeeded", `${call} answered ${response.status} in ${took}`, ref);
			return succeeded(step, ref, responseValue, responseValue, "the response");
		}
		case "network_error": {
			const failure: AttemptFailure = { ...outcome };
			return failedRequest(retryOrFail(step, ref, attempt, failure, "network_error", call));
		}
		case "timeout": {
			const timeoutMs = plannedNode(step.plan, ref.node).timeoutMs;
			return failedRequest(
				retryOrFail(step, ref, attempt, { kind: "timeout", timeoutMs }, "timeout", call),
			);
		}
		case "interrupted": {
			if (interruptedAttempts(task) < MAX_INTERRUPTED_RESENDS) {
				attempt.error = {
					code: INTERRUPTED,
					message: `${call}: cut off when the run's object restarted, with no answer; sent again at once with the same Idempotency-Key (not counted as a retry)`,
				};
				step.log(ref, "warn", attempt.error.message);
				step.note("attempt_failed", attempt.error.message, ref);
				return failedRequest({ kind: "resend", attempt: attempt.number + 1 });
			}
			const timeoutMs = plannedNode(step.plan, ref.node).timeoutMs;
			return failedRequest(
				retryOrFail(step, ref, attempt, { kind: "timeout", timeoutMs }, "timeout", call),
			);
		}
		default: {
			const _exhaustive: never = outcome;
			return _exhaustive;
		}
	}
}

type UntilCheck =
	| { kind: "met" }
	| { kind: "unmet"; expression: string }
	| { kind: "error"; error: ErrorInfo };

/**
 * `retry.until` over the (masked) answer: a success the condition does not accept yet is retried
 * like a failure, under the node's retry policy. A condition that cannot be evaluated fails the
 * attempt for good: evaluating it again over the next answer would be no wiser.
 */
function untilCheck(step: Step, ref: TaskRef, response: JsonObject): UntilCheck {
	const until = plannedNode(step.plan, ref.node).retryUntil;
	if (until === null) return { kind: "met" };
	const checked = evaluateExpression(until, taskContext(step, ref, "node", response), step.now);
	if (!checked.ok) {
		return {
			kind: "error",
			error: { code: checked.error.code, message: `retry.until: ${checked.error.message}` },
		};
	}
	return isTruthy(checked.value)
		? { kind: "met" }
		: { kind: "unmet", expression: expressionSource(until) };
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

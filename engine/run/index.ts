/**
 * The run engine: a pure state machine over (pinned definition, run state, event, now).
 * No I/O, no clock, no randomness of its own — the run's host (durable-objects/run/run-object.ts)
 * supplies them, through engine/control's `decide`.
 *
 * ## API
 *
 *   prepare(definition: WorkflowDefinition): Plan
 *     Per-version indexes (incoming/outgoing connections, parsed durations, retry policies,
 *     node kinds). Pure and deterministic; cache one Plan per (workflow, version).
 *
 *   advance(plan, state: RunState | null, event: RunEvent, env: AdvanceEnv): Transition
 *     env = { now: epoch ms, random: () => [0,1), allowLoopbackTargets?: boolean,
 *             secrets?: { values, unreadable? }, sealer?: ValueSealer }: the tenant secrets
 *     of `plan.secretNames`, read by the host for this step (each attempt sends the value
 *     stored when it starts), and the tenant's sealer for the values a run keeps sealed.
 *     `start` takes state = null and creates the state; every other event needs the state.
 *     The state passed in is UPDATED IN PLACE and returned as `transition.state`. If the
 *     storage transaction that persists it fails, drop the in-memory state and reload it.
 *     It throws only on programming errors (a state that does not belong to the plan, a
 *     non-start event without state), never because of what an author wrote.
 *   The engine never sets QUEUED itself: that is the run before the host sends `start`.
 *
 *   planRetry(plan, previous: RunState, fromNode: string | null): RetryPlan
 *     For POST …/runs/{id}/retry: { kind: "retry", reuse, restartFrom } | { kind: "refused",
 *     reason }. Start the new run with the earlier run's version, trigger and inputs and
 *     `reuse` on the start event. Restart from fromNode (a non-trigger node), else from the
 *     node(s) that FAILED, else from the nodes a cancel/timeout interrupted; `rerun` also
 *     holds every node without a SUCCESS/SKIPPED result and everything downstream of them.
 *     Refused: run not COMPLETED, a SUCCESS run without fromNode, fromNode unknown or a
 *     trigger, a run of another workflow/version, nothing to restart from.
 *
 * ## Retry (StartEvent.reuse)
 * The run is played from its trigger as usual (trigger output = inputs). A node NOT in
 * `rerun` whose `previous` result is SUCCESS completes the moment it becomes ready with that
 * output: no call, no startDelay, no timer, runIf not evaluated; a CONDITION takes its
 * earlier option without evaluating and settles its connections by it; a forEach node takes
 * its list. History: `node_reused`, "<node> reused the output of run <id> (not re-run)"
 * (+ ": option <o>" / ": no option had matched" for a CONDITION), then its connections. A
 * previous SKIPPED node that becomes ready is skipped again: `node_skipped`, "<node>
 * skipped: it was skipped in run <id> too (not re-run)". Anything else (FAILED, CANCELLED,
 * in `rerun`, triggers) runs normally. `run_started` names the run retried and `rerun`.
 * The decision is kept on the node row (`NodeRun.reuse`, `header.retryOf`), so it
 * survives eviction; once applied the row keeps only `{ kind: "applied" }`.
 *
 * ## Contract for the host (docs/ARCHITECTURE.md#durable-execution-rules)
 *
 * Persist, in ONE storage transaction per `advance` call (skip it when `ignored` is set);
 * `transitionWrites(transition)` lists exactly these writes:
 *   - `state.header` when `changes.header` (one row; `header.version` grows by one per
 *     applied transition — use it for the guarded D1 upsert / outbox);
 *   - for each key in `changes.nodes` / `changes.items` / `changes.connections` /
 *     `changes.timers`: if the key is in `state.nodes` / `state.items` /
 *     `state.connections` / `state.timers`, upsert that row, else delete it;
 *   - `transition.history` appended (seq is gapless; it continues from header.lastSeq);
 *   - the alarm at `wakeAt` (null → delete the alarm), at least now + 1 ms.
 * Then perform `effects`. Nothing else in the state changes, so a step costs O(changed).
 *
 * Rebuild after eviction: load every row back into the same shape —
 *   { header, nodes: {id → NodeRun}, items: {key → ItemRun}, connections: {id → state},
 *     timers: {key → Timer} } — and call advance with it. Derived data (the outputs map
 *   for templates) is rebuilt from node rows on first use; a rebuilt state behaves exactly
 *   like the one in memory (tested by a JSON round trip between every pair of events).
 *
 * Effects → events:
 *   - http_request: fetch(request.url, { method, headers, body, redirect: "manual" }) with
 *     an abort after `timeoutMs`; read the body up to RESPONSE_BODY_LIMIT_BYTES + 1 bytes;
 *     then advance with { type: "attempt_result", node, item, attempt, outcome } where
 *     outcome is { kind: "response", response: { status, headers (lower-case names), body,
 *     bodyTruncated } } | { kind: "network_error", code, message } | { kind: "timeout" }.
 *     Headers already contain Idempotency-Key (= idempotencyKey, stable across attempts).
 *     A result for an attempt the engine no longer waits for is ignored, so delivering a
 *     result twice, late or after a crash is safe.
 *   - abandon_request: abort that call if it is still running (optional; its result
 *     would be ignored anyway).
 *   - alarm(): advance with { type: "timer_due" }. Idempotent: only due timers act, and
 *     each is deleted as it fires; nothing due → `ignored`.
 *   - cancel: advance with { type: "cancel", by, reason }.
 *   - a callback (POST /callbacks/{token}): hash the token, check `checkCallback(plan, state,
 *     event)` to answer the sender, then advance with { type: "callback", tokenHash, body,
 *     signature } (docs/ARCHITECTURE.md#waiting-on-the-outside).
 *   - a response to an INPUT node: validate its inputs against the node's form, check
 *     `checkInputResponse(plan, state, event)` to answer the responder, then advance with
 *     { type: "input_response", node, by, role, outlet, inputs, comment, key }.
 *
 * `ended` is true on exactly one transition per run (flush the outbox / notify then).
 * After it, every event is ignored: no history, no changes (`ignored` says why).
 *
 * ## Decisions (where the issue is silent)
 *   - RUN_WORKFLOW (child-run.ts): each attempt emits `start_child` (the host answers with
 *     `child_answer`: started with the child's id, or refused with an error, which fails the
 *     task unretried); `wait: false` succeeds with `{ runId }`. `wait: true` waits (waits.ts)
 *     for `child_ended`: the child's `outputs` are the output (`.response` in variables is
 *     { runId, result, outputs }); a FAILED or CANCELLED child fails the attempt with
 *     `child_failed`, retried like a failed call; `timeout` bounds the wait and cancels the
 *     child (`cancel_child`), as does any end of the wait but the child's own.
 *   - INPUT (input.ts): the node waits with an input request (title and description rendered
 *     then); a response is one per person, `numOfResponders` agreeing on an outlet or one
 *     through a `decisive` outlet decides it; `timeout` leaves through its outlet. Output:
 *     { outlet, decidedBy, responses: [{ by, at, outlet, inputs, comment, key? }] }. A retry
 *     reuses a successful INPUT's output and outlet: nobody is asked again.
 *   - Every node type runs; one this version cannot (a future type) would fail with
 *     `not_supported` when a run reaches it, so onError can handle it.
 *   - WEBHOOK with synchronized: false (callback.ts): each attempt gets a fresh callback URL
 *     from `env.callbacks` (its token's hash is kept on the attempt, the token hidden in the
 *     record); the attempt ends with the callback, which may arrive before the request's
 *     answer. `timeout` covers request and callback (retried like a timed-out call); without
 *     one the callback is awaited until the run's timeout. `{ status: "FAILED" }` fails the
 *     node with callback_failed, not retried. `.response` in variables is { status (of the
 *     request), headers: {}, data (the callback body) }.
 *   - Triggers other than the one that started the run are SKIPPED at start.
 *   - Expressions (runIf, forEach, condition options) use jq truthiness: only false and
 *     null are false. A bare expression and one `{{ … }}` template mean the same.
 *   - runIf is evaluated once per node (before startDelay), not per forEach item.
 *   - forEach: the first item that fails after its retries fails the node; items still
 *     in flight or not yet started are CANCELLED. forEach runs on WEBHOOK and RUN_WORKFLOW.
 *   - When the run ends unsuccessfully, open nodes and nodes never started are CANCELLED.
 *   - A CONDITION connection with neither an option nor `fallback` is always taken.
 *   - retry.until: a 2xx answer the condition (over `.response`, `.item`, …) does not accept
 *     is retried under the node's policy like a failure (attempt error `until_not_met`, the
 *     node's code when the attempts run out); output and variables come from the answer that
 *     met it. A condition that cannot be evaluated fails the node, unretried.
 *   - Retry-After is a floor for the next delay; one over an hour fails the node instead.
 *     Jitter is ±20 %. Rendering errors and refused URLs are never retried.
 *   - DELAY `until` must render to an ISO 8601 timestamp string; a past time completes
 *     at once. The output of DELAY is { until }, of CONDITION { option } (null = none).
 *   - Stale attempt results while the run is live are noted in history as event_ignored.
 *   - A call lost with the object (a restart mid-call) is found by the engine's attempt-
 *     timeout timer: timer_due names the calls still in flight, and an attempt not among them
 *     is `interrupted` and sent again at once (same Idempotency-Key), not counted against
 *     the retry policy, up to MAX_INTERRUPTED_RESENDS times per task; then it is a timeout.
 *   - Secrets (docs/ARCHITECTURE.md#secrets): only a WEBHOOK request's context has
 *     `.secrets`, holding the names its node reads; a name not in env.secrets fails the node
 *     with `secret_not_found` before any call. Every secret value is masked (masking.ts) in
 *     the request record, in each answer as it arrives and in errors, so none is ever in the
 *     state or the history, in any encoding.
 *   - Sealed values (sealing.ts): secret inputs arrive sealed in `inputs` (the Worker seals
 *     them); a `maskOutput` node's output (and each forEach item's) is sealed with
 *     env.sealer when it is made. The state holds only `{ "$sealed": … }`; templates see them
 *     opened by reader (context.ts): a request all, a node's other templates the masked
 *     outputs, the workflow's outputs none. Secret input values join the masker.
 *   - Signed calls: a WEBHOOK node's `signature`, else env.signingSecret (the tenant default),
 *     names the secret; the request carries webhook-id (= the Idempotency-Key) and
 *     webhook-timestamp, and the effect's `signature` tells the shell to add webhook-signature.
 *   - Not done here: `variables` on triggers, DNS-time checks of hostnames (url-guard.ts).
 *
 * Error codes: `RunErrorCode`, every one listed with its meaning in errors.ts.
 */
export { advance } from "./advance";
export { MAX_OUTPUT_BYTES, MAX_RUN_STORED_BYTES } from "./bounds";
export type { CallbackCheck } from "./callback";
export { CALLBACK_URL_HEADER, callbackSecretFor, checkCallback } from "./callback";
// For tools that explain a run without running it (dry runs): the context templates see.
export { contextFor } from "./context";
export type { RunErrorCode } from "./errors";
export { RUN_ERROR_CODES } from "./errors";
export type {
	AbandonRequestEffect,
	AdvanceEnv,
	AttemptOutcome,
	AttemptResultEvent,
	CallbackEvent,
	CallbackMint,
	CancelChildEffect,
	CancelEvent,
	ChildAnswer,
	ChildAnswerEvent,
	ChildEndedEvent,
	Effect,
	HistoryEvent,
	HistoryType,
	HttpRequestEffect,
	InputResponseEvent,
	OutgoingRequest,
	PreviousNodeResult,
	RunEvent,
	RunReuse,
	SecretValues,
	StartChildEffect,
	StartEvent,
	StateChanges,
	TimerDueEvent,
	Transition,
} from "./events";
export { callKey } from "./events";
export type { Evaluated } from "./expressions";
export { evaluateExpression } from "./expressions";
export type { HttpResponse, RawHttpResponse, ResponseExcerpt } from "./http-response";
export {
	isJsonContentType,
	RESPONSE_BODY_LIMIT_BYTES,
	RESPONSE_EXCERPT_BYTES,
	readResponse,
	responseExcerpt,
} from "./http-response";
export type { InputCheck, InputRefusal } from "./input";
export {
	buttonsOf,
	checkInputResponse,
	inputConfigOf,
	mayRespond,
	respondingRoles,
	shownResponseInputs,
} from "./input";
export type { JsonObject, JsonValue } from "./json";
export { Masker, maskHeaders, REDACTED } from "./masking";
export type { RowWrite, StoredRun, TransitionWrites } from "./persistence";
export { applyWrites, transitionWrites } from "./persistence";
export type { Plan, PlannedNode } from "./plan";
export { DEFAULT_ATTEMPT_TIMEOUT_MS, MAX_FOREACH_ITEMS, prepare } from "./plan";
export type { RetryPlan } from "./plan-retry";
export { planRetry } from "./plan-retry";
export type { AttemptFailure, RandomSource, RetryDecision, RetryPolicy } from "./retry";
export { decideRetry } from "./retry";
export type { Reader, SealedValue, ValueSealer } from "./sealing";
export { inputPlace, isSealed, memorySealer, outputPlace, redactSealed } from "./sealing";
export type {
	AttemptRecord,
	ConnectionState,
	ErrorInfo,
	ForEachProgress,
	InputDecision,
	InputResponse,
	InputWait,
	ItemRun,
	LogEntry,
	NodeResult,
	NodeReuse,
	NodeRun,
	NodeStatus,
	OutsideWait,
	ReceivedCallback,
	RunHeader,
	RunResult,
	RunState,
	RunStatus,
	Timer,
	TimerPurpose,
} from "./state";
export { isTerminal, itemKey } from "./state";
export { nextWake } from "./timers";
export type { UrlCheck, UrlGuardOptions } from "./url-guard";
export { checkOutgoingUrl } from "./url-guard";
export { idempotencyKey } from "./webhook";

/**
 * The run host's decisions: the second pure reducer, beside the engine's `advance`.
 * No I/O, no clock, no randomness of its own — the host (durable-objects/run/run-object.ts)
 * supplies them. See docs/ARCHITECTURE.md#the-host-loop.
 *
 * ## API
 *
 *   decide(run: HostedRun, input: HostInput, env: AdvanceEnv): Decision
 *     run = the run as the host has it loaded: creation record, plan, engine state, controls
 *     (admission, index outbox), the alarm as set, the calls in flight.
 *     input = what happened: a start request, a signal (slot granted, cancel, poke), the alarm,
 *     or the answer to an earlier command (the tenant's answer, an outgoing call's result, an
 *     index write's outcome, an outbox message's answer).
 *     Decision = { transition, controls, writeNow, commands, background, answer }.
 *
 * ## Contract for the host
 *
 *   1. Store the decision in ONE storage transaction: the transition's log row carrying every
 *      control that differs from what is stored; without a transition, the controls named in
 *      `writeNow` (others changed in memory ride along with the next transition).
 *   2. Start `background` commands in order without waiting for them; carry out `commands` in
 *      order, each awaited. A command that asks the outside gets its answer fed back through
 *      `decide` as the HostInput named beside it in decision.ts: the same loop again.
 *   3. Answer a signal with `answer`.
 *   If `decide` throws, or the transaction fails, drop the loaded state (advance updated it in
 *   place) and reload it from storage.
 */
export type { AcquireResult, Admission, WithdrawResult } from "./admission";
export { NEW_ADMISSION, RELEASE_RETRY_MS, RESUME_ASK_AGAIN_MS } from "./admission";
export type { AnswerLink, LinkEnv, LinkRequest, LinkView, SealedLink } from "./answer-links";
export { linkPlace, linkView } from "./answer-links";
export { decide } from "./decide";
export type {
	Command,
	ControlName,
	Controls,
	Decision,
	HostedRun,
	HostInput,
	StoredControls,
} from "./decision";
export type { RunHeaderLike, RunIndexEntry } from "./index-entry";
export type { KeyedStartAnswer, KeyedStartDecision } from "./keyed-start";
export { decideKeyedStart, IDEMPOTENCY_TTL_MS } from "./keyed-start";
export type { ErrorRunLink, RunLinks } from "./links";
export { NO_LINKS } from "./links";
export type { Notice, NotificationRecord, Notify } from "./notices";
export type { NoticeEvent, NotificationEndpoint } from "./notification-endpoint";
export { NOTICE_EVENTS } from "./notification-endpoint";
export type { OutboxState } from "./outbox";
export { EMPTY_OUTBOX } from "./outbox";
export type { RetryInput } from "./retry-input";
export { retryInput } from "./retry-input";
export type { ParentLink, RunMeta, RunTrigger, StartRunInput } from "./run-meta";
export { entityOf, startEventOf, triggerOf } from "./run-meta";
export type {
	CancelChild,
	FailedRun,
	OutboxMessage,
	SendAnswer,
	Sending,
	StartChild,
	StartErrorWorkflow,
	TellParent,
} from "./sending";
export { childMessageId } from "./sending";
export type {
	CallbackSignal,
	ChildEndedSignal,
	InputResponseSignal,
	RefusalReason,
	RunSignal,
	SignalAnswer,
} from "./signals";

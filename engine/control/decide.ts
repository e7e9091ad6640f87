import type { InputConfig } from "../definition";
import {
	advance,
	type CallbackEvent,
	checkCallback,
	checkInputResponse,
	type ErrorInfo,
	type InputResponseEvent,
	type JsonValue,
	nextWake,
	type RunEvent,
	type RunState,
	type Transition,
} from "../run";
import {
	type Admission,
	admissionUnanswered,
	granted,
	needsNoSlot,
	RELEASE_RETRY_MS,
	RESUME_ASK_AGAIN_MS,
	released,
	stopsWorking,
} from "./admission";
import { checkLink, type LinkEnv, mintLinks, openLinks } from "./answer-links";
import type { Command, ControlName, Controls, Decision, HostedRun, HostInput } from "./decision";
import { failedRunOf } from "./failed-run";
import { cancelledBeforeStartHeader, QUEUED_HEADER, type RunHeaderLike } from "./index-entry";
import { inputRequestsOf } from "./input-requests";
import {
	type DecidedNotice,
	endedNotice,
	fanOut,
	inputNotices,
	NOTIFY_MAX_FAILURES,
	recordNotification,
	updateRecord,
} from "./notices";
import {
	enqueue,
	indexWriteFailed,
	indexWritten,
	nextSendAt,
	queueIndexWrite,
	resendDue,
	sendFailed,
	sent,
} from "./outbox";
import { startEventOf } from "./run-meta";
import {
	cancelChildMessageId,
	childMessageId,
	ERROR_WORKFLOW_MESSAGE_ID,
	type OutboxMessage,
	type SendAnswer,
	TELL_PARENT_MESSAGE_ID,
} from "./sending";
import type {
	CallbackSignal,
	ChildEndedSignal,
	InputResponseSignal,
	RefusalReason,
	RunSignal,
	SignalAnswer,
} from "./signals";

/**
 * The run host's decisions (docs/ARCHITECTURE.md#the-host-loop): given the run as loaded, one
 * input and the environment, what to store and which commands to carry out. Pure: the engine's
 * `advance` is the only thing it calls, and time and randomness come in `env`. Like `advance`,
 * it updates `run.state` in place when it advances the engine; if the decision cannot be
 * stored, the host drops its loaded state and reloads.
 */
export function decide(run: HostedRun, input: HostInput, env: LinkEnv): Decision {
	const draft = new Draft(run, env);
	switch (input.kind) {
		case "start":
			askToAdmit(draft);
			break;
		case "admitted":
			admitted(draft, input.first, input.passing, input.answer.kind === "granted");
			break;
		case "signal":
			draft.answer = signal(draft, input.signal);
			break;
		case "alarm":
			// A release that failed before goes first: the tenant must see the slot free before
			// this run asks for one again.
			if (draft.controls.admission.releaseRetryAt !== null) releaseNow(draft);
			wake(draft);
			if (draft.controls.outbox.pending) draft.writeIndex("commands");
			resend(draft);
			break;
		case "slot_answered":
			if (input.answer.kind === "granted") proceed(draft, "resume", "commands");
			break;
		case "withdrawn":
			// It was granted a slot before the withdrawal reached the tenant: give it back.
			if (input.answer.kind === "holds_slot") releaseNow(draft);
			break;
		case "slot_released":
			break;
		case "slot_release_failed":
			draft.write("admission", {
				...draft.controls.admission,
				releaseRetryAt: env.now + RELEASE_RETRY_MS,
			});
			break;
		case "call_ended":
			advanceAndCommit(draft, input.result, "background");
			break;
		case "index_written":
			// Not written now: the confirmation rides along with the next transition. If it is
			// lost, the entry is written to D1 again, which the guarded upsert ignores.
			draft.controls = {
				...draft.controls,
				outbox: indexWritten(draft.controls.outbox, input.entry),
			};
			// A newer entry was queued while this one was written.
			if (draft.controls.outbox.pending) draft.writeIndex("commands");
			break;
		case "index_write_failed":
			// Kept at once: the retry schedule must survive an eviction.
			draft.write("outbox", indexWriteFailed(draft.controls.outbox, env.now));
			break;
		case "sent": {
			// Kept at once (or with the transition it lets through): a message answered is not sent
			// again after an eviction. A repeated answer finds nothing.
			const sending = (draft.controls.outbox.sending ?? []).find((s) => s.id === input.id);
			if (!sending) break;
			draft.write("outbox", sent(draft.controls.outbox, input.id));
			answered(draft, input.id, sending.message, input.answer);
			break;
		}
		case "send_failed":
			sendingFailed(draft, input.id, input.error);
			break;
		default: {
			const unknown: never = input;
			throw new Error(`unknown host input ${JSON.stringify(unknown)}`);
		}
	}
	return draft.finish();
}

function signal(draft: Draft, signal: RunSignal): SignalAnswer {
	switch (signal.kind) {
		case "slot_granted":
			slotGranted(draft);
			return { kind: "accepted" };
		case "cancel":
			return cancel(draft, signal.by, signal.reason);
		case "poke":
			poke(draft);
			return { kind: "accepted" };
		case "callback":
			return callback(draft, signal);
		case "input_response":
			return inputResponse(draft, signal);
		case "child_ended":
			return childEnded(draft, signal);
		default: {
			const unknown: never = signal;
			throw new Error(`unknown signal ${JSON.stringify(unknown)}`);
		}
	}
}

/**
 * A new run's first slot. Its first transition is worked out first: one that ends the run or
 * parks it (a delay, a human input) and calls nothing would give the slot back in the same
 * commit, so it asks the tenant to admit it without holding one (`passing`). Otherwise it
 * takes a slot; either way a full tenant queues it instead.
 */
function askToAdmit(draft: Draft): void {
	const { admission, outbox } = draft.controls;
	if (!admissionUnanswered(admission, draft.state, outbox)) {
		// A repeated start (a client's or a webhook sender's retry after a lost answer) answers
		// only once the index shows the run: a restart may have cut off the first start's index
		// write, and a run that ended in its first step never wakes to write it again.
		if (outbox.pending) draft.writeIndex("commands");
		return;
	}
	const first = advance(draft.run.plan, null, startEventOf(draft.run.meta), draft.env);
	draft.commands.push({ kind: "admit", first, passing: needsNoSlot(first) });
}

function admitted(draft: Draft, first: Transition, passing: boolean, isGranted: boolean): void {
	const { admission } = draft.controls;
	if (admission.waitingForSlot !== "start" || draft.state) {
		// Cancelled while the tenant answered: a slot taken for it goes back.
		if (isGranted && !passing) releaseNow(draft);
		return;
	}
	if (!isGranted) {
		// The caller may list runs right after starting one: the start waits for this write.
		draft.queueIndex(QUEUED_HEADER, null);
		draft.write("outbox", draft.controls.outbox);
		draft.writeIndex("commands");
		return;
	}
	// The grant is stored with the transition it lets through (its log row).
	commit(draft, first, passing ? released(admission) : granted(admission), "commands");
}

/** The tenant freed a slot for this run. Delivered at least once: repeats do nothing. */
function slotGranted(draft: Draft): void {
	const { admission } = draft.controls;
	if (admission.cancelledBeforeStart || draft.status === "COMPLETED") {
		releaseNow(draft);
		return;
	}
	if (admission.waitingForSlot !== null) proceed(draft, admission.waitingForSlot, "background");
}

function cancel(draft: Draft, by: string | null, reason: string | null): SignalAnswer {
	const { admission } = draft.controls;
	if (admission.cancelledBeforeStart) return { kind: "already_finished", result: "CANCELLED" };
	if (draft.state?.header.status === "COMPLETED")
		return { kind: "already_finished", result: draft.state.header.result };
	if (!draft.state) {
		// Still queued: it never starts. Its index entry and the cancellation are stored together.
		const at = draft.env.now;
		draft.write("admission", {
			...admission,
			waitingForSlot: null,
			cancelledBeforeStart: { by, at },
		});
		draft.queueIndex(cancelledBeforeStartHeader(at), null);
		const error: ErrorInfo = {
			code: "cancelled",
			message: reason ?? `cancelled before it started${by ? ` by ${by}` : ""}`,
		};
		tellParent(draft, "CANCELLED", null, error);
		notify(
			draft,
			endedNotice(
				draft.run.meta,
				{ ...cancelledBeforeStartHeader(at), error: { ...error, node: null } },
				at,
			),
		);
		draft.write("outbox", draft.controls.outbox);
		if (draft.controls.notifications !== draft.run.controls.notifications)
			draft.write("notifications", draft.controls.notifications);
		draft.writeIndex("background");
		// No transition ends a run that never started: end its open streams here.
		draft.commands.push({ kind: "close_streams" }, { kind: "withdraw" });
		return { kind: "cancelled" };
	}
	advanceAndCommit(draft, { type: "cancel", by, reason }, "background");
	return { kind: "cancelled" };
}

/**
 * An async call's callback (docs/ARCHITECTURE.md#waiting-on-the-outside): the engine records it
 * in one transition (committed before the sender is answered), and the task it ends goes on
 * from a timer due now, which a waiting run acts on only once its tenant grants it a slot.
 */
function callback(draft: Draft, signal: CallbackSignal): SignalAnswer {
	const { state } = draft;
	if (!state) return { kind: "refused", reason: "unknown", message: "the run has not started" };
	const event: CallbackEvent = {
		type: "callback",
		tokenHash: signal.tokenHash,
		body: signal.body,
		signature: signal.signature ?? null,
	};
	return takeChecked(draft, checkCallback(draft.run.plan, state, event), event);
}

/**
 * A person's response to an INPUT node: checked, then recorded in one transition (committed
 * before the responder is answered); a response that decides the request ends the node from a
 * timer due now, as a callback does.
 */
function inputResponse(draft: Draft, signal: InputResponseSignal): SignalAnswer {
	const { state } = draft;
	if (!state) return { kind: "refused", reason: "closed", message: "the run has not started yet" };
	const { kind: _, link, ...response } = signal;
	if (link !== undefined) {
		// An answer link answers only as its own responder, for its own node, while it is open.
		const check = checkLink(draft.controls.answerLinks, state, link);
		if (check.kind !== "open")
			return {
				kind: "refused",
				reason: check.reason === "used" ? "forbidden" : check.reason,
				message: check.message,
			};
		if (check.link.node !== signal.node || check.link.by !== signal.by)
			return { kind: "refused", reason: "unknown", message: "this link is not for this request" };
	}
	const event: InputResponseEvent = { type: "input_response", ...response };
	return takeChecked(draft, checkInputResponse(draft.run.plan, state, event), event);
}

/**
 * An answer from outside, as the engine checked it: taken, it is recorded in one transition
 * (committed before the sender is answered) and acted on from a timer due now, once the run
 * holds a slot; a repeat or a refusal changes nothing.
 */
function takeChecked(
	draft: Draft,
	check:
		| { kind: "take" }
		| { kind: "repeat" }
		| { kind: "refuse"; reason: RefusalReason; message: string },
	event: RunEvent,
): SignalAnswer {
	switch (check.kind) {
		case "repeat":
			return { kind: "repeat" };
		case "refuse":
			return { kind: "refused", reason: check.reason, message: check.message };
		case "take":
			advanceAndCommit(draft, event, "background");
			resumeWhenDue(draft);
			return { kind: "accepted" };
		default: {
			const unknown: never = check;
			throw new Error(`unknown check of an answer from outside ${JSON.stringify(unknown)}`);
		}
	}
}

/**
 * A child run this run waits for ended (docs/ARCHITECTURE.md#child-runs): like a callback, the
 * end is recorded in one transition (committed before the child's outbox is answered), and the
 * task goes on from a timer due now, once the run holds a slot. A repeat, or an end nobody
 * waits for any more (a cancelled parent, a timed-out attempt), changes nothing.
 */
function childEnded(draft: Draft, signal: ChildEndedSignal): SignalAnswer {
	if (!draft.state || draft.state.header.status === "COMPLETED") return { kind: "repeat" };
	const { kind: _, ...ended } = signal;
	const transition = draft.advance({ type: "child_ended", ...ended });
	if (transition.ignored) return { kind: "repeat" };
	commit(draft, transition, undefined, "background");
	resumeWhenDue(draft);
	return { kind: "accepted" };
}

/**
 * After a transition that left a timer due now (an answer from outside is in): a run without a
 * slot asks its tenant for one, in the background so the sender is answered at once; a run that
 * holds one acts on it from its alarm, set at most 1 ms ahead.
 */
function resumeWhenDue(draft: Draft): void {
	const { state } = draft;
	if (!state || state.header.status === "COMPLETED") return;
	const due = nextWake(state);
	const { admission } = draft.controls;
	if (due === null || due > draft.env.now || admission.holdsSlot || admission.waitingForSlot)
		return;
	draft.controls = {
		...draft.controls,
		admission: { ...admission, waitingForSlot: "resume" },
	};
	draft.background.push({ kind: "acquire_slot" });
}

/** The sweeper's nudge for a run whose index looks stuck: act on due timers, rewrite the index. */
function poke(draft: Draft): void {
	wake(draft);
	const { state } = draft;
	if (!state) return;
	draft.queueIndex(state.header, nextWake(state), true);
	draft.write("outbox", draft.controls.outbox);
	draft.writeIndex("commands");
}

/** Due timers of a waiting run need a slot first; an in-progress run already holds one. */
function wake(draft: Draft): void {
	const { state } = draft;
	if (!state || state.header.status === "COMPLETED") return;
	const due = nextWake(state);
	if (due === null || due > draft.env.now) return;
	if (draft.controls.admission.holdsSlot) {
		advanceAndCommit(draft, draft.timerDue(), "commands");
		return;
	}
	// Asking again (the alarm's second ask, a poke) changes nothing stored.
	if (draft.controls.admission.waitingForSlot !== "resume")
		draft.write("admission", { ...draft.controls.admission, waitingForSlot: "resume" });
	draft.commands.push({ kind: "acquire_slot" });
}

/** The slot the run waited for is granted: start it, or resume it with its due timers. */
function proceed(draft: Draft, waiting: "start" | "resume", index: Where): void {
	const withSlot = granted(draft.controls.admission);
	const transition =
		waiting === "start"
			? draft.state
				? null
				: advance(draft.run.plan, null, startEventOf(draft.run.meta), draft.env)
			: draft.state && draft.advance(draft.timerDue());
	if (transition && !transition.ignored) {
		// The grant is stored with the transition it lets through (its log row).
		commit(draft, transition, withSlot, index);
		return;
	}
	// A resume that found nothing due commits nothing; the slot is recorded anyway, and given
	// back at once if the run is not working.
	if (draft.status && stopsWorking(withSlot, draft.status)) {
		draft.write("admission", released(withSlot));
		draft.background.push({ kind: "release_slot" });
	} else {
		draft.write("admission", withSlot);
	}
}

function advanceAndCommit(draft: Draft, event: RunEvent, index: Where): void {
	if (!draft.state) return;
	const transition = draft.advance(event);
	if (!transition.ignored) commit(draft, transition, undefined, index);
}

/**
 * One transition to store, with the controls that change with it: a run that stops working
 * (it waits, or ended) gives its slot back in the same row, and the tenant is told after the
 * commit; the index entry is queued when what the index serves changed. Then its history goes
 * to the open streams, and its effects are carried out.
 */
function commit(
	draft: Draft,
	transition: Transition,
	given: Admission | undefined,
	index: Where,
): void {
	let admission = given ?? draft.controls.admission;
	const releases = stopsWorking(admission, transition.state.header.status);
	if (releases) admission = released(admission);
	draft.transition = transition;
	draft.controls = { ...draft.controls, admission };
	draft.queueIndex(transition.state.header, transition.wakeAt);
	draft.background.push({
		kind: "publish",
		events: transition.history,
		ended: transition.ended,
	});
	if (releases) draft.background.push({ kind: "release_slot" });
	for (const effect of transition.effects) {
		// Through the outbox, in this transition's row: sent until answered.
		if (effect.kind === "start_child")
			send(draft, childMessageId(effect), { kind: "start_child", child: effect });
		else if (effect.kind === "cancel_child")
			send(draft, cancelChildMessageId(effect.runId), {
				kind: "cancel_child",
				runId: effect.runId,
				reason: effect.reason,
			});
		else draft.background.push(effect);
	}
	if (draft.controls.outbox.pending) draft.writeIndex(index);
	const opened = transition.history.filter((e) => e.type === "node_waiting");
	if (opened.length > 0)
		for (const notice of inputNotices(
			draft.run.meta,
			draft.run.plan,
			transition.state,
			opened,
			(node, config, since) => answerLinks(draft, node, config, since),
		))
			notify(draft, notice);
	if (transition.ended) afterEnd(draft, transition);
}

/**
 * A run that ended FAILED starts its error workflow, through the outbox: the message is stored
 * in the row of the transition that failed the run, so it goes out exactly as surely as the run
 * failed (docs/ARCHITECTURE.md#error-workflows). An error run's own failure starts nothing.
 */
function afterEnd(draft: Draft, transition: Transition): void {
	const { meta, plan } = draft.run;
	const { header } = transition.state;
	if (header.result !== null) {
		const error = header.error ? { code: header.error.code, message: header.error.message } : null;
		tellParent(draft, header.result, header.result === "SUCCESS" ? header.outputs : null, error);
		notify(draft, endedNotice(meta, header, draft.env.now));
	}
	if (header.result !== "FAILED" || meta.errorOf) return;
	send(draft, ERROR_WORKFLOW_MESSAGE_ID, {
		kind: "start_error_workflow",
		errorWorkflow: plan.definition.errorWorkflow ?? null,
		failedRun: failedRunOf(meta, transition.state.header),
	});
}

/**
 * A child run its parent waits for tells the parent how it ended, through the outbox, in the
 * row that ended it: as surely as it ended (docs/ARCHITECTURE.md#child-runs).
 */
function tellParent(
	draft: Draft,
	result: "SUCCESS" | "FAILED" | "CANCELLED",
	outputs: JsonValue,
	error: ErrorInfo | null,
): void {
	const { meta } = draft.run;
	if (!meta.parent?.wait) return;
	const { runId, node, item, attempt } = meta.parent;
	send(draft, TELL_PARENT_MESSAGE_ID, {
		kind: "tell_parent",
		parentRunId: runId,
		ended: { node, item, attempt, runId: meta.runId, result, outputs, error },
	});
}

/** Puts a message in the outbox (it rides with the decision's transition) and sends it. */
function send(draft: Draft, id: string, message: OutboxMessage): void {
	const queued = enqueue(draft.controls.outbox, id, message, draft.env.now);
	draft.controls = { ...draft.controls, outbox: queued.outbox };
	if (queued.send) draft.background.push({ kind: "send", sending: queued.send });
}

/**
 * Answer links for the people a request that just opened names, for its notification: their
 * hashes join the run's links (docs/ARCHITECTURE.md#response-tokens), in the row of the
 * transition that opened it, and the links of requests that are over are dropped.
 */
function answerLinks(draft: Draft, node: string, config: InputConfig, since: number) {
	const { state } = draft;
	const { links, sealed } = mintLinks(draft.run.meta, config, node, since, draft.env);
	if (!state || links.length === 0) return sealed;
	draft.controls = {
		...draft.controls,
		answerLinks: [...openLinks(draft.controls.answerLinks, state), ...links],
	};
	return sealed;
}

/**
 * A notification goes to each endpoint that subscribed to its event, one outbox message each, in
 * the row of the transition it follows from (docs/ARCHITECTURE.md#notifications); its record
 * rides in the same row.
 */
function notify(draft: Draft, decided: DecidedNotice | null): void {
	if (decided === null) return;
	for (const { id, message, record } of fanOut(draft.run.meta, decided, draft.env.now)) {
		send(draft, id, message);
		draft.controls = {
			...draft.controls,
			notifications: recordNotification(draft.controls.notifications, record),
		};
	}
}

/**
 * A send failed: sent again after a backoff (outbox.ts), except a notification that failed
 * NOTIFY_MAX_FAILURES times, which is given up and recorded as failed: an endpoint that is gone
 * must not keep the run's alarm busy for ever.
 */
function sendingFailed(draft: Draft, id: string, error: string): void {
	const { outbox } = draft.controls;
	const sending = (outbox.sending ?? []).find((s) => s.id === id);
	if (!sending) return;
	if (sending.message.kind !== "notify") {
		draft.write("outbox", sendFailed(outbox, id, draft.env.now));
		return;
	}
	const failures = sending.failures + 1;
	const givenUp = failures >= NOTIFY_MAX_FAILURES;
	draft.write("outbox", givenUp ? sent(outbox, id) : sendFailed(outbox, id, draft.env.now));
	draft.write(
		"notifications",
		updateRecord(draft.controls.notifications, id, {
			failures,
			lastError: error.slice(0, 300),
			...(givenUp ? { status: "failed" as const, endedAt: draft.env.now } : {}),
		}),
	);
}

/** Outbox messages whose answer did not come in time go out again. */
function resend(draft: Draft): void {
	const { outbox, due } = resendDue(draft.controls.outbox, draft.env.now);
	if (due.length === 0) return;
	draft.write("outbox", outbox);
	for (const sending of due) draft.background.push({ kind: "send", sending });
}

/** What an outbox message's answer changes on the run: the engine's next step, or its links. */
function answered(draft: Draft, id: string, message: OutboxMessage, answer: SendAnswer): void {
	switch (answer.kind) {
		case "notified":
		case "not_notified":
			draft.write(
				"notifications",
				updateRecord(draft.controls.notifications, id, {
					status: answer.kind === "notified" ? "delivered" : "failed",
					endedAt: draft.env.now,
					...(answer.kind === "not_notified" ? { lastError: answer.reason } : {}),
				}),
			);
			return;
		case "child":
			if (message.kind !== "start_child") return;
			advanceAndCommit(
				draft,
				{
					type: "child_answer",
					node: message.child.node,
					item: message.child.item,
					attempt: message.child.attempt,
					answer: answer.answer,
				},
				"background",
			);
			return;
		case "error_run_started":
			draft.write("links", {
				...draft.controls.links,
				errorRun: { status: "started", runId: answer.runId, workflow: answer.workflow },
			});
			return;
		case "error_run_refused":
			draft.write("links", {
				...draft.controls.links,
				errorRun: { status: "refused", workflow: answer.workflow, reason: answer.reason },
			});
			return;
		case "no_error_workflow":
		case "delivered":
			return;
		default: {
			const unknown: never = answer;
			throw new Error(`unknown answer ${JSON.stringify(unknown)}`);
		}
	}
}

/** Gives the slot back now: the release is stored first, so a crash cannot forget it. */
function releaseNow(draft: Draft): void {
	draft.write("admission", released(draft.controls.admission));
	draft.commands.push({ kind: "release_slot" });
}

/** Whether a command is awaited before the input's caller is answered, or runs on its own. */
type Where = "commands" | "background";

/** The decision being built; `finish` adds the alarm and hands it over. */
class Draft {
	transition: Transition | null = null;
	controls: Controls;
	readonly writeNow = new Set<ControlName>();
	readonly commands: Command[] = [];
	readonly background: Command[] = [];
	answer: SignalAnswer | null = null;
	private indexWrite: Where | null = null;

	constructor(
		readonly run: HostedRun,
		readonly env: LinkEnv,
	) {
		this.controls = run.controls;
	}

	/** The engine state, as of this decision (a transition updates it in place). */
	get state(): RunState | null {
		return this.transition?.state ?? this.run.state;
	}

	get status() {
		return this.state?.header.status ?? null;
	}

	advance(event: RunEvent): Transition {
		return advance(this.run.plan, this.state, event, this.env);
	}

	/** Due attempt timeouts of calls this instance does not have were lost with an earlier one. */
	timerDue(): RunEvent {
		return { type: "timer_due", callsInFlight: [...this.run.callsInFlight] };
	}

	write<K extends ControlName>(name: K, value: Controls[K]): void {
		this.controls = { ...this.controls, [name]: value };
		this.writeNow.add(name);
	}

	queueIndex(header: RunHeaderLike, wakeAt: number | null, force = false): void {
		const { meta, plan } = this.run;
		const { outbox } = this.controls;
		// What the new entry must carry of the run's input requests depends on the entry it
		// replaces (docs/ARCHITECTURE.md#input-requests).
		const inputRequests =
			this.state &&
			inputRequestsOf(
				plan,
				this.state,
				{ requests: (outbox.pending ?? outbox.flushed)?.inputRequests, written: !outbox.pending },
				this.env.now,
			);
		this.controls = {
			...this.controls,
			outbox: queueIndexWrite(
				outbox,
				meta,
				header,
				wakeAt,
				this.env.now,
				force,
				inputRequests ?? undefined,
			),
		};
	}

	/**
	 * Writes the pending index entry, once per decision, as the decision leaves it; awaited if
	 * any part of the decision wants it awaited.
	 */
	writeIndex(where: Where): void {
		if (this.indexWrite !== "commands") this.indexWrite = where;
	}

	finish(): Decision {
		const entry = this.controls.outbox.pending;
		if (entry && this.indexWrite) this[this.indexWrite].push({ kind: "write_index", entry });
		const alarm = this.alarm();
		if (alarm) this.commands.push(alarm);
		return {
			transition: this.transition,
			controls: this.controls,
			// A transition's row carries every changed control.
			writeNow: this.transition ? [] : [...this.writeNow],
			commands: this.commands,
			background: this.background,
			answer: this.answer,
		};
	}

	/**
	 * Keeps the one alarm no later than the earliest of: the next engine timer (not while the run
	 * waits for a slot: the tenant's grant wakes it), the second ask for a slot to resume, an index
	 * or slot-release retry, and at least
	 * 1 ms ahead (docs/ARCHITECTURE.md#one-alarm). With none left, deletes it. An alarm already
	 * set earlier is left where it is: moving it later is a storage write (every WEBHOOK
	 * attempt's timeout would move it, once per node), while an early alarm costs one wake-up
	 * that finds nothing due and sets the alarm again.
	 */
	private alarm(): Command | null {
		const { admission, outbox } = this.controls;
		const { state } = this;
		const times = [
			state && admission.waitingForSlot === null ? nextWake(state) : null,
			admission.waitingForSlot === "resume" ? this.env.now + RESUME_ASK_AGAIN_MS : null,
			outbox.retryAt,
			nextSendAt(outbox),
			admission.releaseRetryAt,
		].filter((t): t is number => t !== null);
		const due = times.length ? Math.max(Math.min(...times), this.env.now + 1) : null;
		const armed = this.run.alarmAt;
		if (due === armed) return null;
		if (due !== null && armed != null && armed <= due) return null;
		return due === null ? { kind: "delete_alarm" } : { kind: "set_alarm", at: due };
	}
}

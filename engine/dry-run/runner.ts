/**
 * Plays one run of a definition with the real engine (`advance`), answering every outgoing
 * call from the fixture and moving a clock of its own: nothing is sent, nothing waits. It
 * does what the run object does (docs/ARCHITECTURE.md#dry-runs) minus storage: deliver
 * each answer or due timer in time order, tell the engine which calls are still in flight.
 */
import { parseDuration, type WorkflowDefinition } from "../definition";
import {
	type AttemptOutcome,
	advance,
	callKey,
	type HistoryEvent,
	type HttpRequestEffect,
	type JsonObject,
	memorySealer,
	prepare,
	type RunEvent,
	type RunState,
	type Transition,
} from "../run";
import type { Fixture, FixtureResponse } from "./fixture";

/** A run of a valid definition ends long before this; the cap only guards the caller's CPU. */
export const MAX_DRY_RUN_EVENTS = 100_000;

export interface RunnerOptions {
	/** Where the clock starts, epoch ms (the fixture's `startAt` wins). */
	now: number;
	runId: string;
	initiator: string;
	version: number;
	allowLoopbackTargets: boolean;
}

/** One call the engine asked for and what the fixture answered. */
export interface PlayedCall {
	effect: HttpRequestEffect;
	at: number;
	/** The fixture key that answered ("notify", "notify#2"), or null for the default answer. */
	answeredBy: string | null;
	answer: FixtureResponse;
}

export interface PlayedRun {
	state: RunState;
	history: HistoryEvent[];
	calls: PlayedCall[];
	startedAt: number;
	/** Set when the run could not finish (the event cap); the state is as far as it got. */
	stopped: string | null;
}

/** What a call gets when the fixture has nothing for it: a 200 with an empty JSON object. */
export const DEFAULT_ANSWER: FixtureResponse = { status: 200, body: {} };

interface Pending {
	at: number;
	seq: number;
	event: RunEvent;
}

export function playRun(
	definition: WorkflowDefinition,
	fixture: Fixture,
	inputs: JsonObject,
	options: RunnerOptions,
): PlayedRun {
	const plan = prepare(definition);
	const startedAt = fixture.startAt === undefined ? options.now : Date.parse(fixture.startAt);
	let now = startedAt;
	let seq = 0;
	let pending: Pending[] = [];
	// The calls the run object would still have running, so a due attempt timeout is a
	// timeout and not a call lost in a restart (which cannot happen here).
	const inFlight = new Set<string>();
	const history: HistoryEvent[] = [];
	const calls: PlayedCall[] = [];
	// A dry run never reads the tenant's secrets: each one the definition names is a stand-in
	// that says which it is, so requests still render (docs/ARCHITECTURE.md#secrets).
	const secrets = { values: new Map(plan.secretNames.map((n) => [n, `<secret ${n}>`])) };
	// Nothing is stored, so masked outputs may stay in this process's memory.
	const sealer = memorySealer();
	const env = () => ({
		now,
		// No jitter: the same fixture gives the same timings every time.
		random: () => 0.5,
		allowLoopbackTargets: options.allowLoopbackTargets,
		secrets,
		sealer,
	});

	const take = (t: Transition): Transition => {
		history.push(...t.history);
		for (const effect of t.effects) {
			if (effect.kind === "abandon_request") {
				inFlight.delete(callKey(effect.node, effect.item, effect.attempt));
				pending = pending.filter((p) => !answers(p.event, effect));
				continue;
			}
			if (effect.kind === "start_child") {
				// A dry run starts no run: the child is a stand-in named like its Idempotency-Keys.
				const item = effect.item === null ? "" : `#${effect.item}`;
				pending.push({
					at: now,
					seq: seq++,
					event: {
						type: "child_answer",
						node: effect.node,
						item: effect.item,
						attempt: effect.attempt,
						answer: { kind: "started", runId: `dry-run:${effect.node}${item}` },
					},
				});
				// A child waited for "succeeds" at once with no outputs: a dry run runs no child.
				if (effect.wait)
					pending.push({
						at: now,
						seq: seq++,
						event: {
							type: "child_ended",
							node: effect.node,
							item: effect.item,
							attempt: effect.attempt,
							runId: `dry-run:${effect.node}${item}`,
							result: "SUCCESS",
							outputs: null,
							error: null,
						},
					});
				continue;
			}
			if (effect.kind === "cancel_child") continue;
			const { key, answer } = answerFor(fixture, effect);
			calls.push({ effect, at: now, answeredBy: key, answer });
			inFlight.add(callKey(effect.node, effect.item, effect.attempt));
			const [at, outcome] = outcomeOf(effect, answer, now);
			const event: RunEvent = {
				type: "attempt_result",
				node: effect.node,
				item: effect.item,
				attempt: effect.attempt,
				outcome,
			};
			pending.push({ at, seq: seq++, event });
		}
		return t;
	};

	let last = take(
		advance(
			plan,
			null,
			{
				type: "start",
				runId: options.runId,
				workflow: { identifier: definition.identifier, version: options.version },
				initiator: options.initiator,
				inputs,
				...(fixture.trigger === undefined ? {} : { trigger: fixture.trigger }),
			},
			env(),
		),
	);
	for (let events = 1; events < MAX_DRY_RUN_EVENTS; events++) {
		if (last.state.header.status === "COMPLETED") {
			return { state: last.state, history, calls, startedAt, stopped: null };
		}
		pending.sort((a, b) => a.at - b.at || a.seq - b.seq);
		const next = pending[0];
		let event: RunEvent;
		if (next !== undefined && (last.wakeAt === null || next.at <= last.wakeAt)) {
			pending.shift();
			now = Math.max(now, next.at);
			event = next.event;
			if (event.type === "attempt_result")
				inFlight.delete(callKey(event.node, event.item, event.attempt));
		} else if (last.wakeAt !== null) {
			now = Math.max(now, last.wakeAt);
			event = { type: "timer_due", callsInFlight: [...inFlight] };
		} else {
			// Nothing to deliver and no timer: the engine would call this run stalled.
			return {
				state: last.state,
				history,
				calls,
				startedAt,
				stopped: "the run is waiting for something a dry run cannot give it",
			};
		}
		last = take(advance(plan, last.state, event, env()));
	}
	return {
		state: last.state,
		history,
		calls,
		startedAt,
		stopped: `the dry run stopped after ${MAX_DRY_RUN_EVENTS} events`,
	};
}

/** The answer for one call: its item's key, else its node's, else the default; list by attempt. */
function answerFor(
	fixture: Fixture,
	effect: HttpRequestEffect,
): { key: string | null; answer: FixtureResponse } {
	const itemKey = effect.item === null ? null : `${effect.node}#${effect.item}`;
	const key =
		itemKey !== null && fixture.responses[itemKey] !== undefined
			? itemKey
			: fixture.responses[effect.node] !== undefined
				? effect.node
				: null;
	const scripted = key === null ? undefined : fixture.responses[key];
	if (scripted === undefined) return { key: null, answer: DEFAULT_ANSWER };
	if (!Array.isArray(scripted)) return { key, answer: scripted };
	// Attempts count from 1 per task (a node, or one item of a forEach node); the last repeats.
	const answer = scripted[Math.min(effect.attempt, scripted.length) - 1] ?? DEFAULT_ANSWER;
	return { key, answer };
}

function outcomeOf(
	effect: HttpRequestEffect,
	answer: FixtureResponse,
	now: number,
): [number, AttemptOutcome] {
	const at = now + (answer.delay === undefined ? 0 : parseDuration(answer.delay));
	if ("error" in answer) {
		return answer.error === "timeout"
			? // The engine's own attempt timer fires first and reports the timeout; this is a backstop.
				[now + effect.timeoutMs, { kind: "timeout" }]
			: [
					at,
					{ kind: "network_error", code: "network_error", message: "connection failed (fixture)" },
				];
	}
	const isText = typeof answer.body === "string";
	const headers: Record<string, string> = {};
	if (answer.body !== undefined)
		headers["content-type"] = isText ? "text/plain; charset=utf-8" : "application/json";
	for (const [name, value] of Object.entries(answer.headers ?? {}))
		headers[name.toLowerCase()] = value;
	const body =
		answer.body === undefined ? "" : isText ? (answer.body as string) : JSON.stringify(answer.body);
	return [
		at,
		{ kind: "response", response: { status: answer.status, headers, body, bodyTruncated: false } },
	];
}

function answers(event: RunEvent, call: { node: string; item: number | null; attempt: number }) {
	return (
		event.type === "attempt_result" &&
		event.node === call.node &&
		event.item === call.item &&
		event.attempt === call.attempt
	);
}

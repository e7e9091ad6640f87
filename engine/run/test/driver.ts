/**
 * Test driver: plays a run like the Durable Object shell would. Effects are answered from a
 * script (per task key, one entry per call), responses arrive after a latency on a fake
 * clock, and timers fire by advancing the clock to `wakeAt`.
 *
 * With `persist: true` the driver also acts as the shell's storage: it keeps rows updated
 * ONLY through `transition.changes` and rebuilds the state from those rows (JSON round trip)
 * before every event, as after an eviction. A change the engine forgot to report shows up
 * as a different history.
 */
import { parseKeyRing } from "../../crypto/keyring";
import { hashToken } from "../../crypto/token";
import { valueSealer } from "../../crypto/value-sealer";
import { workflowShapeSchema } from "../../definition";
import {
	type AttemptOutcome,
	advance,
	applyWrites,
	type CancelChildEffect,
	type ChildAnswer,
	type ChildEndedEvent,
	callKey,
	type Effect,
	type HistoryEvent,
	type HttpRequestEffect,
	type JsonObject,
	type JsonValue,
	type Plan,
	prepare,
	type RunEvent,
	type RunReuse,
	type RunState,
	type SecretValues,
	type StartChildEffect,
	type Transition,
	type TransitionWrites,
	transitionWrites,
	type ValueSealer,
} from "../index";

export const T0 = Date.parse("2026-01-01T00:00:00.000Z");

export type Scripted =
	| { status: number; body?: JsonValue; headers?: Record<string, string>; latencyMs?: number }
	| { network: string; latencyMs?: number }
	| { timeout: true }
	/** Never answers: the engine's own attempt timer must fire. */
	| { hang: true }
	/** Lost with the object (a restart mid-call): the shell no longer has the call. */
	| { lost: true }
	| { tooLarge: true }
	/** 200 with everything it was sent in its body, and its headers sent back as headers. */
	| { echo: true }
	/**
	 * An async receiver: answers the request with `status` (202 by default) after `latencyMs`,
	 * and calls back with `body` `afterMs` after the request (before the answer if sooner).
	 */
	| { status?: number; latencyMs?: number; callback: { afterMs: number; body: JsonValue } };

export interface DriverOptions {
	inputs?: JsonObject;
	/** task key ("node" or "node#index") → outcomes of its calls in order; last one repeats. */
	script?: Record<string, Scripted[]>;
	persist?: boolean;
	random?: () => number;
	allowLoopbackTargets?: boolean;
	/** What the shell reports the run has stored before each event (AdvanceEnv.storedBytes). */
	storedBytes?: number;
	trigger?: string;
	/** Defaults to "run_1". */
	runId?: string;
	/** Makes this run a retry (StartEvent.reuse). */
	reuse?: RunReuse;
	/**
	 * The tenant secrets the shell reads before each event (AdvanceEnv.secrets); a function is
	 * asked again before every event, like the store between two attempts.
	 */
	secrets?: SecretValues | (() => SecretValues);
	/** task key → the answer to each of its child starts by attempt; default: started. */
	children?: Record<string, ChildAnswer[]>;
	/**
	 * task key → how each of its waited-for children ends, by attempt, `afterMs` after its start
	 * is answered; default: SUCCESS after 100 ms with outputs `{ child: <runId> }`. `never`: it
	 * runs until cancelled.
	 */
	childEnds?: Record<string, ChildEnding[]>;
	/** Default: a real sealer for tenant "acme" under a fixed test key. */
	sealer?: ValueSealer;
	/** The tenant's default signing secret (AdvanceEnv.signingSecret). */
	signingSecret?: string;
	/** false: the shell has no public URL, so async calls cannot get a callback URL. */
	callbacks?: boolean;
}

export type ChildEnding =
	| {
			afterMs: number;
			result: ChildEndedEvent["result"];
			outputs?: JsonValue;
			error?: ChildEndedEvent["error"];
	  }
	| { never: true };

/** The real AES-GCM sealer, so persisted rows hold what a run object would store. */
export const TEST_SEALER = valueSealer(
	parseKeyRing(`test:${btoa(String.fromCharCode(...new Uint8Array(32).fill(7)))}`),
	"acme",
);

/** The callback URL the driver's shell mints: its last path segment is the token. */
export const CALLBACK_BASE = "https://stepline.test/callbacks/";

interface Pending {
	at: number;
	seq: number;
	event: RunEvent;
}

export class Driver {
	readonly plan: Plan;
	state: RunState | null = null;
	now = T0;
	readonly history: HistoryEvent[] = [];
	readonly requests: HttpRequestEffect[] = [];
	/** The children the run asked for, in order (answered 10 ms later, as `options.children` says). */
	readonly children: StartChildEffect[] = [];
	/** The children the run cancelled (`cancel_child`), in order. */
	readonly cancelledChildren: CancelChildEffect[] = [];
	readonly transitions: Transition[] = [];
	private pending: Pending[] = [];
	private pendingSeq = 0;
	private readonly calls = new Map<string, number>();
	/** What the shell would still have running, by callKey. */
	private readonly inFlight = new Set<string>();
	private rows: string | null = null;
	private minted = 0;
	/** Callback URLs sent, by the call that carried them. */
	readonly callbackUrls: Array<{
		node: string;
		item: number | null;
		attempt: number;
		url: string;
	}> = [];

	constructor(
		definition: unknown,
		private readonly options: DriverOptions = {},
	) {
		this.plan = prepare(workflowShapeSchema.parse(definition));
	}

	start(): this {
		this.send({
			type: "start",
			runId: this.options.runId ?? "run_1",
			workflow: { identifier: this.plan.definition.identifier, version: 3 },
			initiator: "alice",
			inputs: this.options.inputs ?? {},
			...(this.options.trigger ? { trigger: this.options.trigger } : {}),
			...(this.options.reuse ? { reuse: this.options.reuse } : {}),
		});
		return this;
	}

	/** Runs until the run ends or nothing is left to happen; returns this for chaining. */
	runToEnd(maxEvents = 5_000): this {
		for (let i = 0; i < maxEvents; i++) {
			if (this.state?.header.status === "COMPLETED") return this;
			if (!this.step()) return this;
		}
		throw new Error("driver: too many events");
	}

	/** Delivers the next thing that happens (a response or a due timer). False if none. */
	step(): boolean {
		const wakeAt = this.transitions.at(-1)?.wakeAt ?? null;
		this.pending.sort((a, b) => a.at - b.at || a.seq - b.seq);
		const next = this.pending[0];
		if (next !== undefined && (wakeAt === null || next.at <= wakeAt)) {
			this.pending.shift();
			this.now = Math.max(this.now, next.at);
			this.send(next.event);
			return true;
		}
		if (wakeAt === null) return false;
		this.now = Math.max(this.now, wakeAt);
		this.send({ type: "timer_due", callsInFlight: [...this.inFlight] });
		return true;
	}

	/** Moves the clock (e.g. to let a cancel land mid-run) without delivering anything. */
	advanceClock(ms: number): this {
		this.now += ms;
		return this;
	}

	send(event: RunEvent): Transition {
		if (event.type === "attempt_result")
			this.inFlight.delete(callKey(event.node, event.item, event.attempt));
		const state = this.options.persist ? this.reload() : this.state;
		const secrets = this.options.secrets;
		const t = advance(this.plan, state, event, {
			now: this.now,
			random: this.options.random ?? (() => 0.5),
			allowLoopbackTargets: this.options.allowLoopbackTargets,
			...(this.options.storedBytes === undefined ? {} : { storedBytes: this.options.storedBytes }),
			...(secrets ? { secrets: typeof secrets === "function" ? secrets() : secrets } : {}),
			sealer: this.options.sealer ?? TEST_SEALER,
			...(this.options.signingSecret ? { signingSecret: this.options.signingSecret } : {}),
			...(this.options.callbacks === false
				? {}
				: {
						callbacks: {
							mint: () => {
								this.minted += 1;
								const token = `tok${this.minted}_${"x".repeat(40)}`;
								return { url: `${CALLBACK_BASE}${token}`, token };
							},
						},
					}),
		});
		this.state = t.state;
		this.transitions.push(t);
		this.history.push(...t.history);
		if (this.options.persist && t.ignored === null) this.store(t);
		for (const effect of t.effects) this.perform(effect);
		return t;
	}

	private perform(effect: Effect): void {
		switch (effect.kind) {
			case "http_request": {
				this.requests.push(effect);
				const url = effect.request.headers["Stepline-Callback-Url"];
				if (url !== undefined) {
					const { node, item, attempt } = effect;
					this.callbackUrls.push({ node, item, attempt, url });
				}
				const key = effect.item === null ? effect.node : `${effect.node}#${effect.item}`;
				const n = this.calls.get(key) ?? 0;
				this.calls.set(key, n + 1);
				const list = this.options.script?.[key] ?? [{ status: 200, body: { ok: true } }];
				const scripted = list[Math.min(n, list.length - 1)] ?? { status: 200 };
				if (!("lost" in scripted))
					this.inFlight.add(callKey(effect.node, effect.item, effect.attempt));
				this.answer(effect, scripted);
				return;
			}
			case "start_child": {
				this.children.push(effect);
				const key = effect.item === null ? effect.node : `${effect.node}#${effect.item}`;
				const scripted = this.options.children?.[key]?.[effect.attempt - 1];
				this.pending.push({
					at: this.now + 10,
					seq: this.pendingSeq++,
					event: {
						type: "child_answer",
						node: effect.node,
						item: effect.item,
						attempt: effect.attempt,
						answer: scripted ?? { kind: "started", runId: `child_${key}_${effect.attempt}` },
					},
				});
				if (effect.wait && (scripted === undefined || scripted.kind === "started"))
					this.endChild(effect, key, scripted?.runId ?? `child_${key}_${effect.attempt}`);
				return;
			}
			case "cancel_child": {
				this.cancelledChildren.push(effect);
				// The child ends CANCELLED and says so, as a real child run's outbox would.
				const ending = this.pending.find(
					(p) => p.event.type === "child_ended" && p.event.runId === effect.runId,
				);
				const waiting = this.neverEnding.get(effect.runId);
				const event = (ending?.event as ChildEndedEvent | undefined) ?? waiting;
				this.pending = this.pending.filter((p) => p !== ending);
				this.neverEnding.delete(effect.runId);
				if (event)
					this.pending.push({
						at: this.now + 10,
						seq: this.pendingSeq++,
						event: {
							...event,
							result: "CANCELLED",
							outputs: null,
							error: { code: "cancelled", message: effect.reason },
						},
					});
				return;
			}
			case "abandon_request":
				this.inFlight.delete(callKey(effect.node, effect.item, effect.attempt));
				this.pending = this.pending.filter(
					(p) =>
						!(
							p.event.type === "attempt_result" &&
							p.event.node === effect.node &&
							p.event.item === effect.item &&
							p.event.attempt === effect.attempt
						),
				);
				return;
			default: {
				const _exhaustive: never = effect;
				throw new Error(`unknown effect ${JSON.stringify(_exhaustive)}`);
			}
		}
	}

	/** Children that run until cancelled, by run id: what they say when they are. */
	private readonly neverEnding = new Map<string, ChildEndedEvent>();

	/** Schedules a waited-for child's end (DriverOptions.childEnds). */
	private endChild(effect: StartChildEffect, key: string, runId: string): void {
		const ending: ChildEnding = this.options.childEnds?.[key]?.[effect.attempt - 1] ?? {
			afterMs: 100,
			result: "SUCCESS",
			outputs: { child: runId },
		};
		const base: ChildEndedEvent = {
			type: "child_ended",
			node: effect.node,
			item: effect.item,
			attempt: effect.attempt,
			runId,
			result: "SUCCESS",
			outputs: null,
			error: null,
		};
		if ("never" in ending) {
			this.neverEnding.set(runId, base);
			return;
		}
		this.pending.push({
			at: this.now + 10 + ending.afterMs,
			seq: this.pendingSeq++,
			event: {
				...base,
				result: ending.result,
				outputs: ending.outputs ?? null,
				error: ending.error ?? null,
			},
		});
	}

	private answer(effect: HttpRequestEffect, s: Scripted): void {
		if ("callback" in s) {
			const url = effect.request.headers["Stepline-Callback-Url"] ?? "";
			this.pending.push({
				at: this.now + s.callback.afterMs,
				seq: this.pendingSeq++,
				event: this.callbackEvent(url, s.callback.body),
			});
		}
		const scheduled = this.outcomeOf(effect, s);
		if (scheduled === null) return;
		const [at, outcome] = scheduled;
		this.pending.push({
			at,
			seq: this.pendingSeq++,
			event: {
				type: "attempt_result",
				node: effect.node,
				item: effect.item,
				attempt: effect.attempt,
				outcome,
			},
		});
	}

	private outcomeOf(effect: HttpRequestEffect, s: Scripted): [number, AttemptOutcome] | null {
		const at = (latency: number | undefined) => this.now + (latency ?? 10);
		if ("hang" in s || "lost" in s) return null;
		if ("timeout" in s) return [this.now + effect.timeoutMs, { kind: "timeout" }];
		if ("network" in s) {
			return [
				at(s.latencyMs),
				{ kind: "network_error", code: s.network, message: "connection failed" },
			];
		}
		if ("echo" in s) {
			const { url, headers, body } = effect.request;
			const response = {
				status: 200,
				headers: { "content-type": "application/json", ...lowerCased(headers) },
				body: JSON.stringify({ url, headers, body }),
				bodyTruncated: false,
			};
			return [at(undefined), { kind: "response", response }];
		}
		if ("callback" in s) {
			const response = { status: s.status ?? 202, headers: {}, body: "", bodyTruncated: false };
			return [at(s.latencyMs), { kind: "response", response }];
		}
		if ("tooLarge" in s) {
			const response = { status: 200, headers: {}, body: "x", bodyTruncated: true };
			return [at(undefined), { kind: "response", response }];
		}
		const isText = typeof s.body === "string";
		const headers = {
			...(s.body !== undefined && !isText ? { "content-type": "application/json" } : {}),
			...s.headers,
		};
		const body = s.body === undefined ? "" : isText ? (s.body as string) : JSON.stringify(s.body);
		const response = { status: s.status, headers, body, bodyTruncated: false };
		return [at(s.latencyMs), { kind: "response", response }];
	}

	/** The shell's storage: rows as JSON text, updated only through `transitionWrites`. */
	private store(t: Transition): void {
		const stored = this.rows === null ? null : (JSON.parse(this.rows) as RunState);
		// Serialise the writes first: storage must not share objects with the engine's state.
		const writes = JSON.parse(JSON.stringify(transitionWrites(t))) as TransitionWrites;
		this.rows = JSON.stringify(applyWrites(stored, writes));
	}

	private reload(): RunState | null {
		return this.rows === null ? null : (JSON.parse(this.rows) as RunState);
	}

	/** The engine event for a callback to `url` (as the host hashes the token in it). */
	callbackEvent(
		url: string,
		body: JsonValue,
		signature: "valid" | "invalid" | null = null,
	): RunEvent {
		const token = url.slice(CALLBACK_BASE.length);
		return { type: "callback", tokenHash: hashToken(token), body, signature };
	}

	/** Sends a callback to the newest callback URL of `node` (or the one given) now. */
	callback(
		node: string,
		body: JsonValue,
		options: { attempt?: number; signature?: "valid" | "invalid" | null } = {},
	): Transition {
		const sent = this.callbackUrls.filter(
			(c) => c.node === node && (options.attempt === undefined || c.attempt === options.attempt),
		);
		const url = sent.at(-1)?.url;
		if (url === undefined) throw new Error(`driver: ${node} sent no callback URL`);
		return this.send(this.callbackEvent(url, body, options.signature ?? null));
	}

	/** A person answers the INPUT node `node` now (as the host sends it, inputs already valid). */
	respond(
		node: string,
		by: string,
		outlet: string,
		options: {
			role?: "admin" | "member" | "viewer";
			inputs?: JsonObject;
			comment?: string;
			key?: string;
		} = {},
	): Transition {
		return this.send({
			type: "input_response",
			node,
			by,
			role: options.role ?? "member",
			outlet,
			inputs: options.inputs ?? {},
			comment: options.comment ?? null,
			key: options.key ?? null,
		});
	}

	// --- reading the outcome -------------------------------------------------------------

	get run() {
		if (this.state === null) throw new Error("not started");
		return this.state.header;
	}

	result(node: string): string | null {
		return this.state?.nodes[node]?.result ?? null;
	}

	results(): Record<string, string | null> {
		const out: Record<string, string | null> = {};
		for (const [id, n] of Object.entries(this.state?.nodes ?? {})) out[id] = n.result;
		return out;
	}

	taken(): string[] {
		return Object.entries(this.state?.connections ?? {})
			.filter(([, v]) => v === "TAKEN")
			.map(([k]) => k)
			.sort();
	}

	details(type?: string): string[] {
		return this.history.filter((h) => type === undefined || h.type === type).map((h) => h.detail);
	}
}

const lowerCased = (headers: Record<string, string>) =>
	Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));

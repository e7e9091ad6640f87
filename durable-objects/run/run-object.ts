import { DurableObject } from "cloudflare:workers";
import {
	advance,
	type Effect,
	nextWake,
	type Plan,
	prepare,
	type RunEvent,
	type RunState,
	type Transition,
} from "../../engine/run";
import { performHttpCall } from "./http-call";
import type { RunMeta, StartRunInput } from "./run-meta";
import { flushOutbox, queueIndexWrite } from "./run-outbox";
import { type OutboxState, RunStore } from "./run-store";
import { type RunView, runView } from "./run-view";

export type CancelResult =
	| { kind: "cancelled"; run: RunView }
	| { kind: "already_finished"; run: RunView }
	| { kind: "not_found" };

/**
 * One run. A thin shell around the pure engine (DESIGN §3, §4): load → advance → persist the
 * transition in one storage transaction → perform its effects → arm the one alarm. Memory is
 * only a cache: every field below can be dropped at any time and rebuilt from storage.
 */
export class RunObject extends DurableObject<Env> {
	private readonly store: RunStore;
	private meta: RunMeta | null | undefined;
	private plan: Plan | undefined;
	private state: RunState | null | undefined;
	private outbox: OutboxState | undefined;
	private alarmAt: number | null | undefined;
	private readonly inFlight = new Map<string, AbortController>();
	private flushing: Promise<void> | null = null;

	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env);
		this.store = new RunStore(ctx.storage);
	}

	/** Creates the run and takes its first steps. Calling it again returns the same run. */
	async start(input: StartRunInput): Promise<RunView> {
		if (!this.loadMeta()) {
			const meta: RunMeta = {
				...input,
				definition: input.definition as unknown as RunMeta["definition"],
				inputs: input.inputs as RunMeta["inputs"],
				createdAt: Date.now(),
			};
			this.meta = meta;
			this.apply(
				{
					type: "start",
					runId: meta.runId,
					workflow: { identifier: meta.workflow.identifier, version: meta.workflow.version },
					initiator: meta.initiator,
					inputs: meta.inputs,
					...(meta.trigger ? { trigger: meta.trigger } : {}),
				},
				() => this.store.putMeta("run", meta),
			);
		}
		return this.requireView();
	}

	async getRun(): Promise<RunView | null> {
		return this.loadMeta() ? this.requireView() : null;
	}

	async getEvents(after: number, limit: number) {
		return {
			events: this.store.historyAfter(after, limit),
			lastSeq: this.loadState()?.header.lastSeq ?? 0,
		};
	}

	async cancel(by: string | null, reason: string | null): Promise<CancelResult> {
		const state = this.loadMeta() ? this.loadState() : null;
		if (!state) return { kind: "not_found" };
		if (state.header.status === "COMPLETED")
			return { kind: "already_finished", run: this.requireView() };
		this.apply({ type: "cancel", by, reason });
		return { kind: "cancelled", run: this.requireView() };
	}

	/** Alarms are at-least-once: this re-reads state and acts only on what is due. */
	override async alarm(): Promise<void> {
		this.alarmAt = null;
		if (!this.loadMeta()) return;
		this.apply({ type: "timer_due" });
		// Whatever woke us, a pending index write is due by now (its retry time is part of the alarm).
		if (this.loadOutbox().pending) await this.flush();
		this.armAlarm();
	}

	/** The sweeper's nudge for a run whose index looks stuck: act on due timers, rewrite the index. */
	async poke(): Promise<void> {
		const meta = this.loadMeta();
		const state = this.loadState();
		if (!meta || !state) return;
		this.apply({ type: "timer_due" });
		this.setOutbox(
			queueIndexWrite(this.loadOutbox(), meta, state.header, nextWake(state), Date.now(), true),
		);
		await this.flush();
		this.armAlarm();
	}

	// ── the shell ────────────────────────────────────────────────────────────────────────

	private apply(event: RunEvent, alsoWrite?: () => void): Transition | null {
		const meta = this.loadMeta();
		const state = event.type === "start" ? null : this.loadState();
		if (!meta || (event.type !== "start" && !state)) return null;
		const now = Date.now();
		let transition: Transition;
		try {
			transition = advance(this.loadPlan(meta), state, event, {
				now,
				random: Math.random,
				allowLoopbackTargets: this.env.ALLOW_LOOPBACK_TARGETS === "true",
			});
			if (transition.ignored) return transition;
			const outbox = queueIndexWrite(
				this.loadOutbox(),
				meta,
				transition.state.header,
				transition.wakeAt,
				now,
			);
			// One transaction: state rows, history batch and outbox land together or not at all.
			this.ctx.storage.transactionSync(() => {
				alsoWrite?.();
				this.store.persist(transition, outbox);
			});
			this.outbox = outbox;
		} catch (err) {
			// advance updates the state in place; after a failure the cache may be half-changed.
			this.state = undefined;
			this.outbox = undefined;
			throw err;
		}
		this.state = transition.state;
		this.armAlarm();
		for (const effect of transition.effects) this.perform(effect);
		if (this.outbox?.pending) this.ctx.waitUntil(this.flush());
		return transition;
	}

	private perform(effect: Effect): void {
		const key = `${effect.node}:${effect.item ?? ""}:${effect.attempt}`;
		switch (effect.kind) {
			case "http_request": {
				const controller = new AbortController();
				this.inFlight.set(key, controller);
				// "attempt N started" is already committed; a crash from here on is recovered by
				// the attempt's timeout timer, and the receiver dedupes on the stable Idempotency-Key.
				const call = performHttpCall(effect, controller.signal).then((outcome) => {
					this.inFlight.delete(key);
					this.apply({
						type: "attempt_result",
						node: effect.node,
						item: effect.item,
						attempt: effect.attempt,
						outcome,
					});
				});
				this.ctx.waitUntil(call.catch((err) => console.error("run step failed", String(err))));
				return;
			}
			case "abandon_request":
				this.inFlight.get(key)?.abort();
				this.inFlight.delete(key);
				return;
			default: {
				const unknown: never = effect;
				throw new Error(`unknown effect ${JSON.stringify(unknown)}`);
			}
		}
	}

	/** Keeps the one alarm at the earliest of: the engine's next timer, the outbox retry. */
	private armAlarm(): void {
		const state = this.loadState();
		const candidates = [state ? nextWake(state) : null, this.loadOutbox().retryAt].filter(
			(t): t is number => t !== null,
		);
		const due = candidates.length ? Math.max(Math.min(...candidates), Date.now() + 1) : null;
		if (due === this.alarmAt) return;
		this.alarmAt = due;
		if (due === null) void this.ctx.storage.deleteAlarm();
		else void this.ctx.storage.setAlarm(due);
	}

	private flush(): Promise<void> {
		// One flush at a time; a flush that finds a newer pending entry goes round again.
		this.flushing ??= (async () => {
			try {
				while (this.loadOutbox().pending) {
					const result = await flushOutbox(this.env.DB, () => this.loadOutbox(), Date.now);
					this.setOutbox(result.outbox);
					if (result.kind === "failed") {
						console.error("run index flush failed; retrying from the alarm", result.error);
						this.armAlarm();
						return;
					}
				}
			} finally {
				this.flushing = null;
			}
		})();
		return this.flushing;
	}

	private setOutbox(outbox: OutboxState): void {
		this.store.putMeta("outbox", outbox);
		this.outbox = outbox;
	}

	private loadMeta(): RunMeta | null {
		if (this.meta === undefined) this.meta = this.store.runMeta();
		return this.meta;
	}

	private loadPlan(meta: RunMeta): Plan {
		this.plan ??= prepare(meta.definition);
		return this.plan;
	}

	private loadState(): RunState | null {
		if (this.state === undefined) this.state = this.store.loadState();
		return this.state;
	}

	private loadOutbox(): OutboxState {
		this.outbox ??= this.store.outbox();
		return this.outbox;
	}

	private requireView(): RunView {
		const meta = this.loadMeta();
		const state = this.loadState();
		if (!meta || !state) throw new Error("run has no state");
		return runView(meta, state, this.loadPlan(meta));
	}
}

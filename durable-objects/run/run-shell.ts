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
import type { RunHeaderLike } from "./run-index";
import type { RunMeta } from "./run-meta";
import { flushOutbox, queueIndexWrite } from "./run-outbox";
import { type OutboxState, RunStore } from "./run-store";

/**
 * The shell around the pure engine (DESIGN §3, §4): load → advance → persist the transition in
 * one storage transaction → perform its effects → arm the one alarm. Memory is only a cache:
 * every cached field can be dropped at any time and rebuilt from storage.
 */
export class RunShell {
	readonly store: RunStore;
	private meta: RunMeta | null | undefined;
	private plan: Plan | undefined;
	private state: RunState | null | undefined;
	private outbox: OutboxState | undefined;
	private alarmAt: number | null | undefined;
	private readonly inFlight = new Map<string, AbortController>();
	private flushing: Promise<void> | null = null;

	constructor(
		private readonly ctx: DurableObjectState,
		private readonly env: Env,
		/** Called after each committed transition (the object releases its tenant slot there). */
		private readonly afterCommit: (transition: Transition) => void,
		/** Extra times the one alarm must wake for (a retried slot release). */
		private readonly extraWake: () => number | null,
	) {
		this.store = new RunStore(ctx.storage);
	}

	loadMeta(): RunMeta | null {
		if (this.meta === undefined) this.meta = this.store.runMeta();
		return this.meta;
	}

	setMeta(meta: RunMeta): void {
		this.meta = meta;
	}

	loadPlan(meta: RunMeta): Plan {
		this.plan ??= prepare(meta.definition);
		return this.plan;
	}

	loadState(): RunState | null {
		if (this.state === undefined) this.state = this.store.loadState();
		return this.state;
	}

	loadOutbox(): OutboxState {
		this.outbox ??= this.store.outbox();
		return this.outbox;
	}

	/** Is any engine timer due now? (An alarm can also fire for an outbox or slot retry.) */
	timerDue(now: number): boolean {
		const state = this.loadState();
		const wake = state ? nextWake(state) : null;
		return wake !== null && wake <= now;
	}

	apply(event: RunEvent, alsoWrite?: () => void): Transition | null {
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
				this.store.persist(transition, outbox === this.loadOutbox() ? null : outbox);
			});
			this.outbox = outbox;
		} catch (err) {
			// advance updates the state in place; after a failure the cache may be half-changed.
			this.state = undefined;
			this.outbox = undefined;
			throw err;
		}
		this.state = transition.state;
		this.afterCommit(transition);
		this.armAlarm();
		for (const effect of transition.effects) this.perform(effect);
		this.flushSoon();
		return transition;
	}

	/** Records an index entry for a run the engine has not started (queued, or cancelled while queued). */
	writeIndexFor(header: RunHeaderLike, alsoWrite?: () => void, force = false): void {
		const meta = this.loadMeta();
		if (!meta) return;
		const outbox = queueIndexWrite(this.loadOutbox(), meta, header, null, Date.now(), force);
		this.ctx.storage.transactionSync(() => {
			alsoWrite?.();
			this.store.putMeta("outbox", outbox);
		});
		this.outbox = outbox;
		this.flushSoon();
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

	/** Keeps the one alarm at the earliest of: the next engine timer, an outbox or slot retry. */
	armAlarm(): void {
		const state = this.loadState();
		const candidates = [
			state ? nextWake(state) : null,
			this.loadOutbox().retryAt,
			this.extraWake(),
		].filter((t): t is number => t !== null);
		const due = candidates.length ? Math.max(Math.min(...candidates), Date.now() + 1) : null;
		if (due === this.alarmAt) return;
		this.alarmAt = due;
		if (due === null) void this.ctx.storage.deleteAlarm();
		else void this.ctx.storage.setAlarm(due);
	}

	/** The platform deleted the alarm that just fired; the next armAlarm must set one again. */
	alarmFired(): void {
		this.alarmAt = null;
	}

	/** Rewrites the index entry now (the sweeper's poke), whether or not anything changed. */
	forceIndexWrite(): void {
		const meta = this.loadMeta();
		const state = this.loadState();
		if (!meta || !state) return;
		this.setOutbox(
			queueIndexWrite(this.loadOutbox(), meta, state.header, nextWake(state), Date.now(), true),
		);
	}

	flushSoon(): void {
		if (this.loadOutbox().pending) this.ctx.waitUntil(this.flush());
	}

	flush(): Promise<void> {
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
}

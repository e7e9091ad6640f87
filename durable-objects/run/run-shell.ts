import {
	advance,
	callKey,
	type Effect,
	nextWake,
	type Plan,
	prepare,
	type RunEvent,
	type RunState,
	type SecretValues,
	type StartEvent,
	type Transition,
} from "../../engine/run";
import { performHttpCall } from "./http-call";
import type { RunHeaderLike } from "./run-index";
import type { RunMeta } from "./run-meta";
import { flushOutbox, queueIndexWrite } from "./run-outbox";
import { readRunSecrets } from "./run-secrets";
import {
	type ControlName,
	type Controls,
	EMPTY_OUTBOX,
	type LoadedRun,
	type OutboxState,
	RunStore,
} from "./run-store";

/**
 * The shell around the pure engine (docs/ARCHITECTURE.md#a-step): load → advance → persist the transition in
 * one storage transaction → perform its effects → arm the one alarm. Memory is only a cache:
 * every cached field can be dropped at any time and rebuilt from storage.
 */
export class RunShell {
	readonly store: RunStore;
	private meta: RunMeta | null | undefined;
	private plan: Plan | undefined;
	/** The state and control values as committed, plus control changes not written yet. */
	private loaded: LoadedRun | undefined;
	/** Control values as last written; a newer value rides along with the next transition. */
	private storedControls: Controls = {};
	private alarmAt: number | null | undefined;
	private readonly inFlight = new Map<string, AbortController>();
	private flushing: Promise<void> | null = null;
	/** The plan's tenant secrets as last read (readSecrets); memory only, never stored. */
	private secrets: SecretValues | undefined;

	constructor(
		private readonly ctx: DurableObjectState,
		private readonly env: Env,
		/**
		 * Control values a transition changes besides those the caller gave (`given`), decided
		 * once the engine has advanced: they are committed in the transition's own log row.
		 */
		private readonly controlsFor: (transition: Transition, given: Controls) => Controls,
		/** Called after each committed transition (the object releases its tenant slot there). */
		private readonly afterCommit: (transition: Transition) => void,
		/** Extra times the one alarm must wake for (a retried slot release). */
		private readonly extraWake: () => number | null,
	) {
		this.store = new RunStore(ctx.storage);
		// A brand-new object (a run being created) has nothing stored to read.
		if (this.store.fresh) {
			this.meta = null;
			this.loaded = this.store.load();
			this.alarmAt = null;
		}
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

	private load(): LoadedRun {
		if (!this.loaded) {
			this.loaded = this.store.load();
			this.storedControls = { ...this.loaded.controls };
		}
		return this.loaded;
	}

	/** Drops every cached value (after a failed transaction): the next read reloads. */
	private forget(): void {
		this.loaded = undefined;
		this.store.forgetPosition();
	}

	loadState(): RunState | null {
		return this.load().state;
	}

	loadOutbox(): OutboxState {
		return (this.load().controls.outbox as OutboxState | undefined) ?? EMPTY_OUTBOX;
	}

	control<T>(name: ControlName): T | undefined {
		return this.load().controls[name] as T | undefined;
	}

	/** Writes a control value now, in its own transaction (with `alsoWrite`, if given). */
	saveControl(name: ControlName, value: unknown, alsoWrite?: () => void): void {
		this.load();
		this.ctx.storage.transactionSync(() => {
			alsoWrite?.();
			this.store.putControl(name, value);
		});
		this.setControl(name, value, true);
	}

	private setControl(name: ControlName, value: unknown, stored: boolean): void {
		this.load().controls[name] = value;
		if (stored) this.storedControls[name] = value;
	}

	/** Control values changed since they were last written (they go with the next transition). */
	private unstoredControls(): Controls {
		const changed: Controls = {};
		const { controls } = this.load();
		for (const name of Object.keys(controls) as ControlName[]) {
			if (controls[name] !== this.storedControls[name]) changed[name] = controls[name];
		}
		return changed;
	}

	/**
	 * Writes the whole state and control values now, so later loads start from them (tests use
	 * it after editing the cached state, e.g. to make a timer due).
	 */
	snapshotNow(): void {
		const { state, controls } = this.load();
		if (!state) return;
		this.ctx.storage.transactionSync(() => this.store.writeSnapshot(state, controls));
		this.storedControls = { ...controls };
	}

	/** Is any engine timer due now? (An alarm can also fire for an outbox or slot retry.) */
	timerDue(now: number): boolean {
		const state = this.loadState();
		const wake = state ? nextWake(state) : null;
		return wake !== null && wake <= now;
	}

	/** `controls`: values that change with this transition (in its log row), if it applies. */
	apply(given: RunEvent, controls: Controls = {}): Transition | null {
		// Due attempt timeouts of calls this instance does not have were lost with an earlier one.
		const event: RunEvent =
			given.type === "timer_due" ? { ...given, callsInFlight: [...this.inFlight.keys()] } : given;
		const meta = this.loadMeta();
		const state = event.type === "start" ? null : this.loadState();
		if (!meta || (event.type !== "start" && !state)) return null;
		let transition: Transition;
		try {
			transition = this.advanceEngine(meta, state, event);
		} catch (err) {
			// advance updates the state in place; after a failure the cache may be half-changed.
			this.forget();
			throw err;
		}
		return transition.ignored ? transition : this.commit(transition, controls);
	}

	/**
	 * The run's first transition, worked out but not stored: the object asks the tenant for a
	 * slot knowing whether the run will hold it at all, then commits this (or drops it if the
	 * run queues). Only a start can wait like this: it builds new state, where every other event
	 * changes the cached state in place.
	 */
	advanceStart(event: StartEvent): Transition | null {
		const meta = this.loadMeta();
		return meta ? this.advanceEngine(meta, null, event) : null;
	}

	/**
	 * Reads the tenant secrets the plan names for the steps that follow (run-secrets.ts). Called
	 * before each step that may send a request: a start, an answer, an alarm.
	 */
	async readSecrets(): Promise<void> {
		const meta = this.loadMeta();
		this.secrets = meta
			? await readRunSecrets(this.env, meta.tenantId, this.loadPlan(meta))
			: undefined;
	}

	private advanceEngine(meta: RunMeta, state: RunState | null, event: RunEvent): Transition {
		return advance(this.loadPlan(meta), state, event, {
			now: Date.now(),
			random: Math.random,
			allowLoopbackTargets: this.env.ALLOW_LOOPBACK_TARGETS === "true",
			...(this.secrets ? { secrets: this.secrets } : {}),
		});
	}

	/**
	 * Stores one transition in one storage transaction (its log row carries `controls`, the
	 * values that change with it), then tells the object, arms the alarm, performs its effects.
	 */
	commit(transition: Transition, controls: Controls = {}): Transition {
		const meta = this.loadMeta();
		if (!meta) throw new Error("commit before the run's creation record");
		try {
			const outbox = queueIndexWrite(
				this.loadOutbox(),
				meta,
				transition.state.header,
				transition.wakeAt,
				Date.now(),
			);
			const given: Controls = { ...controls, ...this.controlsFor(transition, controls) };
			const all: Controls = { ...this.load().controls, ...given, outbox };
			const changed: Controls = { ...this.unstoredControls(), ...given };
			if (outbox !== this.storedControls.outbox) changed.outbox = outbox;
			// One transaction, one log row: state changes, history batch and controls together.
			this.ctx.storage.transactionSync(() => this.store.persist(transition, changed, all));
			this.load().state = transition.state;
			for (const [name, value] of Object.entries(all) as [ControlName, unknown][])
				this.setControl(name, value, true);
		} catch (err) {
			this.forget();
			throw err;
		}
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
		this.saveControl("outbox", outbox, alsoWrite);
		this.flushSoon();
	}

	private perform(effect: Effect): void {
		const key = callKey(effect.node, effect.item, effect.attempt);
		switch (effect.kind) {
			case "http_request": {
				const controller = new AbortController();
				this.inFlight.set(key, controller);
				// "attempt N started" is already committed; a crash from here on is recovered by
				// the attempt's timeout timer, and the receiver dedupes on the stable Idempotency-Key.
				const call = performHttpCall(effect, controller).then(async (outcome) => {
					this.inFlight.delete(key);
					// The answer is masked with the secrets, and the next call may send one.
					await this.readSecrets();
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

	/**
	 * Keeps the one alarm no later than the earliest of: the next engine timer, an outbox or slot
	 * retry; with none left, deletes it. An alarm already set earlier is left where it is: moving
	 * it later is a storage write (every WEBHOOK attempt's timeout would move it, once per node),
	 * while an early alarm costs one wake-up that finds nothing due and sets the alarm again.
	 */
	armAlarm(): void {
		const state = this.loadState();
		const candidates = [
			state ? nextWake(state) : null,
			this.loadOutbox().retryAt,
			this.extraWake(),
		].filter((t): t is number => t !== null);
		const due = candidates.length ? Math.max(Math.min(...candidates), Date.now() + 1) : null;
		if (due === this.alarmAt) return;
		const armedEarlier = due !== null && this.alarmAt != null && this.alarmAt <= due;
		if (armedEarlier) return;
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
		const outbox = queueIndexWrite(
			this.loadOutbox(),
			meta,
			state.header,
			nextWake(state),
			Date.now(),
			true,
		);
		this.saveControl("outbox", outbox);
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
					if (result.kind === "failed") {
						// Kept at once: the retry schedule must survive an eviction.
						this.saveControl("outbox", result.outbox);
						console.error("run index flush failed; retrying from the alarm", result.error);
						this.armAlarm();
						return;
					}
					// A confirmed write is recorded with the next transition: if it is lost, the
					// entry is written to D1 again, which the guarded upsert ignores.
					this.setControl("outbox", result.outbox, false);
				}
			} finally {
				this.flushing = null;
			}
		})();
		return this.flushing;
	}
}

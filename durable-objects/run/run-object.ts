import { DurableObject } from "cloudflare:workers";
import {
	type Command,
	type ControlName,
	type Controls,
	type Decision,
	decide,
	decideKeyedStart,
	EMPTY_OUTBOX,
	type HostedRun,
	type HostInput,
	type KeyedStartAnswer,
	type LinkEnv,
	type LinkView,
	linkView,
	NEW_ADMISSION,
	NO_LINKS,
	type RetryInput,
	type RunMeta,
	type RunSignal,
	retryInput,
	type SignalAnswer,
	type StartRunInput,
	type StoredControls,
} from "../../engine/control";
import { newToken } from "../../engine/crypto/token";
import {
	callKey,
	type HistoryEvent,
	type Plan,
	prepare,
	type RunState,
	type ValueSealer,
} from "../../engine/run";
import { database } from "../../worker/db/client";
import { writeInputRequests } from "../../worker/db/input-requests.repo";
import { writeRunIndexEntry } from "../../worker/db/runs.repo";
import { tenantObject } from "../stubs";
import { performHttpCall } from "./http-call";
import { inputRequestRows } from "./input-request-rows";
import { callbackMint, checkCallbackSignature } from "./run-callbacks";
import { checkResponseForm } from "./run-input-form";
import { sendMessage } from "./run-outbox";
import { readRunSecrets, runSealer, runSecretNames } from "./run-secrets";
import { RunStore } from "./run-store";
import { RunStreams } from "./run-streams";
import {
	attemptPage,
	itemPage,
	notificationsView,
	queuedView,
	type RunHead,
	type RunSummaryView,
	type RunView,
	runView,
	summaryView,
} from "./run-view";

/** The object's one source of time. Tests set it instead of waiting (see test/worker/run-helpers.ts). */
export interface Clock {
	now(): number;
}

/**
 * One run: a thin host around two pure reducers, the engine's `advance` and the host's
 * `decide` (docs/ARCHITECTURE.md#the-host-loop). Every way in — a start, a signal, the alarm,
 * the answer to something it asked — is a HostInput taking the same loop: load → decide →
 * persist in one storage transaction → carry out the commands. Reads answer from what is loaded.
 * Memory is only a cache: every field below but the clock can be dropped and rebuilt.
 */
export class RunObject extends DurableObject<Env> {
	clock: Clock = { now: () => Date.now() };
	/** Replaced by an empty one when the run is purged (retention). */
	private store: RunStore<StoredControls>;
	private readonly streams = new RunStreams();
	private meta: RunMeta | null | undefined;
	private plan: Plan | undefined;
	/** The state and controls as committed, plus control changes that ride with the next commit. */
	private loaded: { state: RunState | null; controls: Controls } | undefined;
	/** Controls as last written. */
	private stored: StoredControls = {};
	private alarmAt: number | null | undefined;
	private readonly calls = new Map<string, AbortController>();
	/** A start's admission in flight: a concurrent start of the same run waits for it. */
	private admitting: Promise<void> | null = null;
	/** A keyed start is creating this run: a repeat meanwhile is told it is in flight. */
	private creatingKeyed = false;
	/** The index write in flight: a second write joins it, and its answer writes anything newer. */
	private indexWrite: Promise<void> | null = null;
	private sealer: ValueSealer | undefined;

	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env);
		this.store = new RunStore<StoredControls>(ctx.storage);
		// A brand-new object (a run being created) has nothing stored to read.
		if (this.store.fresh) {
			this.meta = null;
			this.loaded = { state: null, controls: controlsOf({}) };
			this.alarmAt = null;
		}
	}

	// ── the ways in ──────────────────────────────────────────────────────────────────────────

	/**
	 * Creates the run, then starts it at once or queues it behind the tenant's limit, and answers
	 * the whole run. Safe to repeat: a run that exists is answered as it stands.
	 */
	async start(input: StartRunInput): Promise<RunView> {
		await this.admit(input);
		return this.view();
	}

	/**
	 * `start` under an Idempotency-Key: this object is named by the key, so it answers the key's
	 * repeats itself (engine/control/keyed-start.ts, docs/ARCHITECTURE.md#a-start). `input` null
	 * only asks: a request that failed its checks before a run could be created still gets the
	 * key's answer if the key has one (`absent` if not).
	 */
	async startKeyed(
		fingerprint: string,
		input: StartRunInput | null,
	): Promise<KeyedStartAnswer<RunView>> {
		const now = this.clock.now();
		const decided = decideKeyedStart(this.loadMeta(), this.creatingKeyed, fingerprint, now);
		switch (decided.kind) {
			case "create":
				if (!input) return { kind: "absent" };
				this.creatingKeyed = true;
				try {
					await this.admit({ ...input, idempotencyFingerprint: fingerprint });
				} finally {
					this.creatingKeyed = false;
				}
				return { kind: "started", run: this.view() };
			case "replay":
				// Repeating the start is safe: a run whose admission was never answered asks again.
				if (input) await this.admit(input);
				return { kind: "replay", run: this.view() };
			case "in_flight":
			case "mismatch":
			case "expired":
				return decided;
			default: {
				const unknown: never = decided;
				throw new Error(`unknown keyed start ${JSON.stringify(unknown)}`);
			}
		}
	}

	/** `start`, answering the run's listing row (a batch start needs no more). */
	async startSummary(input: StartRunInput): Promise<RunSummaryView> {
		await this.admit(input);
		return this.summary();
	}

	/**
	 * The one door for the outside (docs/ARCHITECTURE.md#a-signal): slot grants, cancel, pokes,
	 * callbacks. Answered once the decision is stored, so an answer from outside that is told
	 * 2xx is never lost.
	 */
	async signal(received: RunSignal): Promise<SignalAnswer> {
		const meta = this.loadMeta();
		if (!meta) return { kind: "no_such_run" };
		let signal = received;
		if (received.kind === "callback") {
			signal = await checkCallbackSignature(
				this.env,
				meta,
				this.loadPlan(meta),
				this.load().state,
				received,
				this.clock.now(),
			);
		} else if (received.kind === "input_response") {
			const checked = checkResponseForm(this.loadPlan(meta), this.load().state, received);
			if (checked.kind === "refused") return checked.answer;
			signal = checked.signal;
		}
		const decision = await this.feed({ kind: "signal", signal });
		return decision.answer ?? { kind: "accepted" };
	}

	/** Alarms are at-least-once: `decide` acts only on what is due. */
	override async alarm(): Promise<void> {
		// The platform deleted the alarm that just fired.
		this.alarmAt = null;
		if (!this.loadMeta()) return;
		await this.feed({ kind: "alarm" });
	}

	// ── reads ────────────────────────────────────────────────────────────────────────────────

	async getRun(): Promise<RunView | null> {
		return this.loadMeta() ? this.view() : null;
	}

	/** Who may see the run and how it stands, without building its view. */
	async getHead(): Promise<RunHead | null> {
		const meta = this.loadMeta();
		return meta ? { ...this.summary(), requestedBy: meta.requestedBy } : null;
	}

	/** A forEach node's items with index > after (see itemPage); null: no such node or run. */
	async getItems(node: string, after: number, limit: number) {
		const meta = this.loadMeta();
		const state = meta ? this.load().state : null;
		return meta && state ? itemPage(state, this.loadPlan(meta), node, after, limit) : null;
	}

	/** A node's or item's attempts with number > after (see attemptPage); null: no such task. */
	async getAttempts(node: string, item: number | null, after: number, limit: number) {
		const state = this.loadMeta() ? this.load().state : null;
		return state ? attemptPage(state, node, item, after, limit) : null;
	}

	async getEvents(
		after: number,
		limit: number,
	): Promise<{ events: HistoryEvent[]; lastSeq: number }> {
		return {
			events: this.store.historyAfter(after, limit),
			lastSeq: this.load().state?.header.lastSeq ?? 0,
		};
	}

	/** GET /stream?after=<seq>: the run's events as Server-Sent Events (see RunStreams). */
	override async fetch(request: Request): Promise<Response> {
		const url = new URL(request.url);
		if (url.pathname !== "/stream" || !this.loadMeta())
			return new Response("not found", { status: 404 });
		const after = Math.max(0, Number.parseInt(url.searchParams.get("after") ?? "0", 10) || 0);
		// The tenant's quota of streams per run, passed by the Worker (docs/ARCHITECTURE.md#quotas-and-retention).
		const max = Number.parseInt(url.searchParams.get("max") ?? "", 10);
		if (max > 0 && this.streams.following >= max)
			return new Response("too many streams", { status: 429 });
		return this.streams.open(
			(from) => this.store.historyAfter(from, 500),
			after,
			this.view().status === "COMPLETED",
		);
	}

	/**
	 * What an answer link (its token's hash) opens: the request, its form and its buttons, or why
	 * it does not answer (docs/ARCHITECTURE.md#response-tokens). A read: it changes nothing.
	 */
	async answerLink(tokenHash: string): Promise<LinkView> {
		const meta = this.loadMeta();
		if (!meta) return { kind: "refused", reason: "unknown", message: "no such run" };
		const { state, controls } = this.load();
		return linkView(meta, this.loadPlan(meta), controls.answerLinks, state, tokenHash);
	}

	/** What a retry of this run would start (engine/control/retry-input.ts). */
	async retryInput(fromNode: string | null): Promise<RetryInput> {
		const meta = this.loadMeta();
		if (!meta) return { kind: "refused", reason: "the run does not exist" };
		return retryInput(meta, this.load().state, this.loadPlan(meta), fromNode);
	}

	/**
	 * Links a retry back to this run (`retries` in the view). Repeats add nothing. The one write
	 * outside the loop: the list changes nothing the run decides from.
	 */
	async recordRetry(retryRunId: string): Promise<void> {
		const retries = this.store.getMeta<string[]>("retries") ?? [];
		if (!retries.includes(retryRunId)) this.store.putMeta("retries", [...retries, retryRunId]);
	}

	/**
	 * Retention (docs/ARCHITECTURE.md#quotas-and-retention): deletes everything this run stored,
	 * alarm included, once it has ended and owes nothing (no index write, message or slot
	 * release pending). Afterwards the object is as if the run never existed: every read answers
	 * "no such run", and a repeated purge (the cron resuming after a crash) finds nothing.
	 */
	async purge(): Promise<PurgeAnswer> {
		const meta = this.loadMeta();
		if (!meta) return { kind: "no_such_run" };
		const { state, controls } = this.load();
		const { admission, outbox } = controls;
		const ended =
			state?.header.status === "COMPLETED" ||
			(state === null && admission.cancelledBeforeStart !== null);
		const owes =
			admission.holdsSlot ||
			admission.waitingForSlot !== null ||
			admission.releaseRetryAt !== null ||
			outbox.pending !== null ||
			(outbox.sending ?? []).length > 0;
		if (!ended || owes || this.admitting || this.indexWrite) return { kind: "not_ended" };
		this.streams.closeAll();
		await this.ctx.storage.deleteAlarm();
		await this.ctx.storage.deleteAll();
		this.store = new RunStore<StoredControls>(this.ctx.storage);
		this.meta = null;
		this.plan = undefined;
		this.loaded = { state: null, controls: controlsOf({}) };
		this.stored = {};
		this.alarmAt = null;
		this.sealer = undefined;
		return { kind: "purged" };
	}

	// ── the loop ─────────────────────────────────────────────────────────────────────────────

	private async admit(input: StartRunInput): Promise<void> {
		if (!this.loadMeta()) {
			const meta: RunMeta = { ...input, createdAt: this.clock.now() };
			// Its admission is NEW_ADMISSION (waiting for its first slot) until one is stored. The
			// creation record is stored with the run's first write, once the tenant has answered:
			// if this object dies first, the caller sees the start fail and nothing of the run is
			// left here; a grant for it finds no run and the tenant takes the slot back.
			this.store.stageCreation(meta);
			this.meta = meta;
		}
		// Both tenant calls are safe to repeat: a start retried after the object went away before
		// the tenant's answer was stored asks again (decide skips an answered admission).
		this.admitting ??= this.feed({ kind: "start" })
			.then(() => {})
			.finally(() => {
				this.admitting = null;
			});
		await this.admitting;
	}

	/** load → decide → persist → carry out the commands. */
	private async feed(input: HostInput): Promise<Decision> {
		// Awaited before the run is loaded: from loading to storing the decision nothing awaits,
		// so no other input can slip in between (inputs such as grants can repeat).
		const env = await this.engineEnv(input);
		const run = this.hosted();
		let decision: Decision;
		try {
			// What the run has stored bounds what it may still do (docs/ARCHITECTURE.md#how-a-run-is-stored).
			decision = decide(run, input, { ...env, storedBytes: this.store.storedChars() });
			this.persist(decision);
		} catch (err) {
			// decide advances the loaded state in place: after a failure it may be half-changed.
			this.forget();
			throw err;
		}
		for (const command of decision.background)
			this.ctx.waitUntil(
				this.carryOut(command).catch((err) => console.error("run step failed", String(err))),
			);
		for (const command of decision.commands) await this.carryOut(command);
		return decision;
	}

	/** One storage transaction: the transition's log row, or the controls to write now. */
	private persist(decision: Decision): void {
		const loaded = this.load();
		const { transition, controls } = decision;
		if (transition) {
			const changed: StoredControls = {};
			for (const name of Object.keys(controls) as ControlName[])
				if (controls[name] !== this.stored[name]) setControl(changed, name, controls[name]);
			this.ctx.storage.transactionSync(() => this.store.persist(transition, changed, controls));
			loaded.state = transition.state;
			this.stored = { ...controls };
		} else if (decision.writeNow.length > 0) {
			this.ctx.storage.transactionSync(() => {
				for (const name of decision.writeNow) this.store.putControl(name, controls[name]);
			});
			for (const name of decision.writeNow) setControl(this.stored, name, controls[name]);
		}
		loaded.controls = controls;
	}

	private async carryOut(command: Command): Promise<void> {
		const meta = this.loadMeta();
		if (!meta) return;
		const tenant = tenantObject(this.env, meta.tenantId);
		switch (command.kind) {
			case "admit": {
				const { first, passing } = command;
				const now = this.clock.now();
				const answer = passing
					? await tenant.admitAndRelease(meta.tenantId, meta.runId, now)
					: await tenant.acquireSlot(meta.tenantId, meta.runId, now);
				await this.feed({ kind: "admitted", first, passing, answer });
				return;
			}
			case "acquire_slot": {
				const answer = await tenant.acquireSlot(meta.tenantId, meta.runId, this.clock.now());
				await this.feed({ kind: "slot_answered", answer });
				return;
			}
			case "withdraw":
				await this.feed({
					kind: "withdrawn",
					answer: await tenant.withdraw(meta.tenantId, meta.runId),
				});
				return;
			case "release_slot":
				try {
					await tenant.releaseSlot(meta.tenantId, meta.runId);
				} catch (err) {
					console.error("slot release failed; retrying from the alarm", String(err));
					await this.feed({ kind: "slot_release_failed", error: String(err) });
					return;
				}
				await this.feed({ kind: "slot_released" });
				return;
			case "write_index":
				await this.writeIndex(command.entry);
				return;
			case "send": {
				const { id } = command.sending;
				let answer: HostInput;
				try {
					// Safe to repeat: what a message creates is named by the message (run-outbox.ts).
					answer = {
						kind: "sent",
						id,
						answer: await sendMessage(this.env, meta, command.sending, this.clock.now()),
					};
				} catch (err) {
					console.error("outbox message failed; sending again from the alarm", String(err));
					answer = { kind: "send_failed", id, error: String(err) };
				}
				await this.feed(answer);
				return;
			}
			case "set_alarm":
				this.alarmAt = command.at;
				void this.ctx.storage.setAlarm(command.at);
				return;
			case "delete_alarm":
				this.alarmAt = null;
				void this.ctx.storage.deleteAlarm();
				return;
			case "http_request": {
				const key = callKey(command.node, command.item, command.attempt);
				const controller = new AbortController();
				this.calls.set(key, controller);
				// "attempt N started" is already committed; a crash from here on is recovered by the
				// attempt's timeout timer, and the receiver dedupes on the stable Idempotency-Key.
				const outcome = await performHttpCall(command, controller);
				this.calls.delete(key);
				const { node, item, attempt } = command;
				await this.feed({
					kind: "call_ended",
					result: { type: "attempt_result", node, item, attempt, outcome },
				});
				return;
			}
			case "abandon_request": {
				const key = callKey(command.node, command.item, command.attempt);
				this.calls.get(key)?.abort();
				this.calls.delete(key);
				return;
			}
			case "publish":
				this.streams.publish(command.events, command.ended);
				return;
			case "close_streams":
				this.streams.closeAll();
				return;
			default: {
				const unknown: never = command;
				throw new Error(`unknown command ${JSON.stringify(unknown)}`);
			}
		}
	}

	/** One index write at a time; a write asked for meanwhile joins it (its answer writes anything newer). */
	private writeIndex(entry: Parameters<typeof writeRunIndexEntry>[1]): Promise<void> {
		this.indexWrite ??= (async () => {
			let answer: HostInput;
			try {
				await writeRunIndexEntry(this.env.DB, entry);
				// Only a run that waits on people has input requests (docs/ARCHITECTURE.md#input-requests).
				const meta = this.loadMeta();
				if (meta && entry.inputRequests?.length) {
					const rows = inputRequestRows(this.loadPlan(meta), entry);
					await writeInputRequests(database(this.env.DB), rows);
				}
				answer = { kind: "index_written", entry };
			} catch (err) {
				console.error("run index write failed; retrying from the alarm", String(err));
				answer = { kind: "index_write_failed", error: String(err) };
			}
			this.indexWrite = null;
			await this.feed(answer);
		})();
		return this.indexWrite;
	}

	/**
	 * What the engine gets besides the state: the time, randomness and, for an input that may
	 * advance the run into sending a request, the tenant secrets its plan names, read now so each
	 * attempt carries the value stored at this moment (docs/ARCHITECTURE.md#secrets). They stay
	 * in this call only: nothing stores them.
	 */
	private async engineEnv(input: HostInput): Promise<LinkEnv> {
		const meta = this.loadMeta();
		if (meta) this.sealer ??= runSealer(this.env, meta.tenantId);
		const callbacks = meta ? callbackMint(this.env, meta) : undefined;
		const env: LinkEnv = {
			now: this.clock.now(),
			// Answer links' tokens: 256 bits from the CSPRNG; the run keeps their hashes only.
			newToken,
			random: Math.random,
			allowLoopbackTargets: this.env.ALLOW_LOOPBACK_TARGETS === "true",
			// Seals and opens the values the run keeps sealed (secret inputs, maskOutput outputs).
			sealer: this.sealer,
			...(meta?.signingSecret ? { signingSecret: meta.signingSecret } : {}),
			...(callbacks ? { callbacks } : {}),
		};
		if (!meta || !mayRequest(input) || runSecretNames(meta, this.loadPlan(meta)).length === 0)
			return env;
		const secrets = await readRunSecrets(this.env, meta, this.loadPlan(meta));
		// The time of the step, not of the read.
		return { ...env, now: this.clock.now(), ...(secrets ? { secrets } : {}) };
	}

	// ── what is loaded ───────────────────────────────────────────────────────────────────────

	private hosted(): HostedRun {
		const meta = this.loadMeta();
		if (!meta) throw new Error("the run has no creation record");
		const { state, controls } = this.load();
		return {
			meta,
			plan: this.loadPlan(meta),
			state,
			controls,
			alarmAt: this.alarmAt,
			callsInFlight: [...this.calls.keys()],
		};
	}

	private loadMeta(): RunMeta | null {
		if (this.meta === undefined) this.meta = this.store.runMeta();
		return this.meta;
	}

	private loadPlan(meta: RunMeta): Plan {
		this.plan ??= prepare(meta.definition);
		return this.plan;
	}

	private load(): { state: RunState | null; controls: Controls } {
		if (!this.loaded) {
			const { state, controls } = this.store.load();
			this.loaded = { state, controls: controlsOf(controls) };
			this.stored = { ...controls };
		}
		return this.loaded;
	}

	/** Drops the loaded state and controls (after a failure): the next read reloads them. */
	private forget(): void {
		this.loaded = undefined;
		this.store.forgetPosition();
	}

	private summary(): RunSummaryView {
		const meta = this.loadMeta();
		if (!meta) throw new Error("the run has no creation record");
		const { state, controls } = this.load();
		return summaryView(meta, state?.header ?? null, controls.admission.cancelledBeforeStart);
	}

	private view(): RunView {
		const meta = this.loadMeta();
		if (!meta) throw new Error("the run has no creation record");
		const { state, controls } = this.load();
		const links = {
			retries: this.store.getMeta<string[]>("retries") ?? [],
			errorRun: controls.links.errorRun,
			notifications: notificationsView(controls.notifications),
		};
		if (!state) return { ...queuedView(meta, controls.admission.cancelledBeforeStart), ...links };
		return { ...runView(meta, state, this.loadPlan(meta)), ...links };
	}
}

/** What a purge did: deleted the run, found none, or refused one that has not ended (or owes work). */
export type PurgeAnswer = { kind: "purged" } | { kind: "no_such_run" } | { kind: "not_ended" };

/** Can this input advance the run into sending a request (so its secrets must be at hand)? */
function mayRequest(input: HostInput): boolean {
	switch (input.kind) {
		case "start":
		case "alarm":
		case "slot_answered":
		case "call_ended":
			return true;
		case "signal":
			return input.signal.kind !== "cancel";
		case "admitted":
		case "withdrawn":
		case "slot_released":
		case "slot_release_failed":
		case "sent":
			// A child's start answered moves the run on (its next node may call out).
			return true;
		case "index_written":
		case "index_write_failed":
		case "send_failed":
			return false;
		default: {
			const unknown: never = input;
			throw new Error(`unknown host input ${JSON.stringify(unknown)}`);
		}
	}
}

/** The controls as stored, with the values of a run that has stored none. */
const controlsOf = (stored: StoredControls): Controls => ({
	admission: stored.admission ?? NEW_ADMISSION,
	outbox: stored.outbox ?? EMPTY_OUTBOX,
	links: stored.links ?? NO_LINKS,
	notifications: stored.notifications ?? [],
	answerLinks: stored.answerLinks ?? [],
});

function setControl<K extends ControlName>(to: StoredControls, name: K, value: Controls[K]): void {
	to[name] = value;
}

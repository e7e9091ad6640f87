import { DurableObject } from "cloudflare:workers";
import type { SlotGrantedAnswer } from "../tenant/slot-notifier";
import { admissionUnanswered, tenantSlots } from "./run-admission";
import type { RunMeta, StartRunInput } from "./run-meta";
import { type RetryPlanResult, retryPlanFor } from "./run-retry";
import { RunShell } from "./run-shell";
import { RunSlots } from "./run-slots";
import { RunStreams } from "./run-streams";
import { queuedView, type RunSummaryView, type RunView, runView, summaryView } from "./run-view";

export type { RetryPlanResult };

export type CancelResult =
	| { kind: "cancelled"; run: RunView }
	| { kind: "already_finished"; run: RunView }
	| { kind: "not_found" };

/**
 * One run (docs/ARCHITECTURE.md#a-start, #an-alarm, #signals-from-outside): RPC methods and the alarm over the RunShell; the run's side of
 * tenant admission is RunSlots (run-slots.ts). Every method is safe to call again: start returns the existing
 * run, slotGranted and the alarm act only on what is still pending.
 */
export class RunObject extends DurableObject<Env> {
	private readonly shell: RunShell;
	private readonly slots: RunSlots;
	private readonly streams = new RunStreams();

	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env);
		this.shell = new RunShell(
			ctx,
			env,
			(t, given) => this.slots.admissionAfter(t, given),
			(t) => {
				this.streams.publish(t.history, t.ended);
				this.slots.afterCommit(t);
			},
			() => this.slots.load().releaseRetryAt,
		);
		this.slots = new RunSlots(ctx, env, () => this.shell);
	}

	/**
	 * Creates the run, then starts it at once or queues it behind the tenant's limit. Answers
	 * the whole run, or with `reply: "summary"` its listing row (a batch start needs no more).
	 */
	async start(
		input: StartRunInput,
		reply: "run" | "summary" = "run",
	): Promise<RunView | RunSummaryView> {
		let meta = this.shell.loadMeta();
		if (!meta) {
			meta = {
				...input,
				definition: input.definition as unknown as RunMeta["definition"],
				inputs: input.inputs as RunMeta["inputs"],
				reuse: input.reuse as RunMeta["reuse"],
				createdAt: Date.now(),
			};
			// Its admission is NEW_ADMISSION (waiting for its first slot) until one is stored.
			// The creation record is stored with the run's first write, once the tenant has
			// answered: if this object dies first, the caller sees the start fail and nothing of
			// the run is left here; a grant for it finds no run and the tenant takes the slot back.
			this.shell.store.stageCreation(meta);
			this.shell.setMeta(meta);
			this.slots.admitOnce(meta);
		} else if (
			!this.slots.admitting &&
			admissionUnanswered(this.slots.load(), this.shell.loadState(), this.shell.loadOutbox())
		) {
			// Created, then the object went away before the tenant's answer was stored (the
			// caller saw an error and retried): ask again. Both tenant calls are safe to repeat.
			this.slots.admitOnce(meta);
		}
		if (this.slots.admitting) {
			await this.slots.admitting;
			// The caller may list runs right after starting one: land the first index write first.
			await this.shell.flush();
		}
		return reply === "summary" ? this.summary() : this.view();
	}

	/** The tenant freed a slot for this run. Delivered at least once: repeats do nothing. */
	async slotGranted(): Promise<SlotGrantedAnswer> {
		if (!this.shell.loadMeta()) return { kind: "no_such_run" };
		// Before the checks below, which must not be split by an await (grants can repeat).
		await this.shell.readSecrets();
		const admission = this.slots.load();
		const state = this.shell.loadState();
		if (admission.cancelledBeforeStart || state?.header.status === "COMPLETED") {
			await this.slots.releaseSlot();
		} else if (admission.waitingForSlot !== null) {
			this.slots.proceed(admission.waitingForSlot);
		}
		return { kind: "accepted" };
	}

	async getRun(): Promise<RunView | null> {
		return this.shell.loadMeta() ? this.view() : null;
	}

	/**
	 * What a retry of this run would reuse and rerun, with everything the new run needs to start
	 * on the same pinned version and inputs (see run-retry.ts).
	 */
	async planRetry(fromNode: string | null): Promise<RetryPlanResult> {
		const meta = this.shell.loadMeta();
		const state = this.shell.loadState();
		if (!meta) return { kind: "refused", reason: "the run does not exist" };
		return retryPlanFor(meta, state, state ? this.shell.loadPlan(meta) : null, fromNode);
	}

	/** Links a retry back to this run (`retries` in the view). Repeats add nothing. */
	async recordRetry(retryRunId: string): Promise<void> {
		const retries = this.shell.store.getMeta<string[]>("retries") ?? [];
		if (!retries.includes(retryRunId))
			this.shell.store.putMeta("retries", [...retries, retryRunId]);
	}

	/** GET /stream?after=<seq>: the run's events as Server-Sent Events (see RunStreams). */
	override async fetch(request: Request): Promise<Response> {
		const url = new URL(request.url);
		if (url.pathname !== "/stream" || !this.shell.loadMeta())
			return new Response("not found", { status: 404 });
		const after = Math.max(0, Number.parseInt(url.searchParams.get("after") ?? "0", 10) || 0);
		return this.streams.open(
			(from) => this.shell.store.historyAfter(from, 500),
			after,
			this.view().status === "COMPLETED",
		);
	}

	async getEvents(after: number, limit: number) {
		return {
			events: this.shell.store.historyAfter(after, limit),
			lastSeq: this.shell.loadState()?.header.lastSeq ?? 0,
		};
	}

	async cancel(by: string | null, reason: string | null): Promise<CancelResult> {
		const meta = this.shell.loadMeta();
		if (!meta) return { kind: "not_found" };
		const state = this.shell.loadState();
		if (this.slots.load().cancelledBeforeStart || state?.header.status === "COMPLETED") {
			return { kind: "already_finished", run: this.view() };
		}
		if (!state) {
			// Still queued: it never starts. Give back a slot granted in the meantime.
			const cancelled = {
				...this.slots.load(),
				waitingForSlot: null,
				cancelledBeforeStart: { by, at: Date.now() },
			};
			this.shell.writeIndexFor(
				{
					status: "COMPLETED",
					result: "CANCELLED",
					startedAt: null,
					endedAt: Date.now(),
					version: 1,
				},
				() => this.slots.save(cancelled),
			);
			const withdrawn = await tenantSlots(this.env, meta.tenantId).withdraw(
				meta.tenantId,
				meta.runId,
			);
			if (withdrawn.kind === "holds_slot") await this.slots.releaseSlot();
			// No transition ends a run that never started: end its open streams here.
			this.streams.closeAll();
			return { kind: "cancelled", run: this.view() };
		}
		this.shell.apply({ type: "cancel", by, reason });
		return { kind: "cancelled", run: this.view() };
	}

	/** Alarms are at-least-once: this re-reads state and acts only on what is due. */
	override async alarm(): Promise<void> {
		this.shell.alarmFired();
		if (!this.shell.loadMeta()) return;
		await this.shell.readSecrets();
		const admission = this.slots.load();
		if (admission.releaseRetryAt !== null) await this.slots.releaseSlot();
		await this.slots.wake();
		if (this.shell.loadOutbox().pending) await this.shell.flush();
		this.shell.armAlarm();
	}

	/** The sweeper's nudge for a run whose index looks stuck: act on due timers, rewrite the index. */
	async poke(): Promise<void> {
		if (!this.shell.loadMeta()) return;
		await this.shell.readSecrets();
		await this.slots.wake();
		this.shell.forceIndexWrite();
		await this.shell.flush();
		this.shell.armAlarm();
	}

	private summary(): RunSummaryView {
		const meta = this.shell.loadMeta();
		if (!meta) throw new Error("run has no meta");
		const header = this.shell.loadState()?.header ?? null;
		return summaryView(meta, header, this.slots.load().cancelledBeforeStart);
	}

	private view(): RunView {
		const meta = this.shell.loadMeta();
		if (!meta) throw new Error("run has no meta");
		const state = this.shell.loadState();
		const retries = this.shell.store.getMeta<string[]>("retries") ?? [];
		if (!state) return { ...queuedView(meta, this.slots.load().cancelledBeforeStart), retries };
		return { ...runView(meta, state, this.shell.loadPlan(meta)), retries };
	}
}

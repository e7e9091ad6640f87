import { DurableObject } from "cloudflare:workers";
import type { RunEvent, Transition } from "../../engine/run";
import type { SlotGrantedAnswer } from "../tenant/slot-notifier";
import {
	type Admission,
	admissionUnanswered,
	NEW_ADMISSION,
	needsNoSlot,
	RELEASE_RETRY_MS,
	released,
	stopsWorking,
	tenantSlots,
} from "./run-admission";
import { type RunMeta, type StartRunInput, startEventOf } from "./run-meta";
import { type RetryPlanResult, retryPlanFor } from "./run-retry";
import { RunShell } from "./run-shell";
import type { Controls } from "./run-store";
import { RunStreams } from "./run-streams";
import { queuedView, type RunSummaryView, type RunView, runView, summaryView } from "./run-view";

export type { RetryPlanResult };

export type CancelResult =
	| { kind: "cancelled"; run: RunView }
	| { kind: "already_finished"; run: RunView }
	| { kind: "not_found" };

/**
 * One run (DESIGN §3, §4, §6): RPC methods and the alarm over the RunShell, plus the run's
 * side of tenant admission. Every method is safe to call again: start returns the existing
 * run, slotGranted and the alarm act only on what is still pending.
 */
export class RunObject extends DurableObject<Env> {
	private readonly shell: RunShell;
	private readonly streams = new RunStreams();
	/** The transition being committed releases the slot (see admissionAfter). */
	private releaseDue = false;
	/** A start's admission in flight: a concurrent start of the same run waits for it. */
	private admitting: Promise<void> | null = null;

	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env);
		this.shell = new RunShell(
			ctx,
			env,
			(t, given) => this.admissionAfter(t, given),
			(t) => this.afterCommit(t),
			() => this.loadAdmission().releaseRetryAt,
		);
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
			this.admitOnce(meta);
		} else if (
			!this.admitting &&
			admissionUnanswered(this.loadAdmission(), this.shell.loadState(), this.shell.loadOutbox())
		) {
			// Created, then the object went away before the tenant's answer was stored (the
			// caller saw an error and retried): ask again. Both tenant calls are safe to repeat.
			this.admitOnce(meta);
		}
		if (this.admitting) {
			await this.admitting;
			// The caller may list runs right after starting one: land the first index write first.
			await this.shell.flush();
		}
		return reply === "summary" ? this.summary() : this.view();
	}

	/** The tenant freed a slot for this run. Delivered at least once: repeats do nothing. */
	async slotGranted(): Promise<SlotGrantedAnswer> {
		if (!this.shell.loadMeta()) return { kind: "no_such_run" };
		const admission = this.loadAdmission();
		const state = this.shell.loadState();
		if (admission.cancelledBeforeStart || state?.header.status === "COMPLETED") {
			await this.releaseSlot();
		} else if (admission.waitingForSlot !== null) {
			this.proceed(admission.waitingForSlot);
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
		if (this.loadAdmission().cancelledBeforeStart || state?.header.status === "COMPLETED") {
			return { kind: "already_finished", run: this.view() };
		}
		if (!state) {
			// Still queued: it never starts. Give back a slot granted in the meantime.
			const cancelled = {
				...this.loadAdmission(),
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
				() => this.saveAdmission(cancelled),
			);
			const withdrawn = await tenantSlots(this.env, meta.tenantId).withdraw(
				meta.tenantId,
				meta.runId,
			);
			if (withdrawn.kind === "holds_slot") await this.releaseSlot();
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
		const admission = this.loadAdmission();
		if (admission.releaseRetryAt !== null) await this.releaseSlot();
		await this.wake();
		if (this.shell.loadOutbox().pending) await this.shell.flush();
		this.shell.armAlarm();
	}

	/** The sweeper's nudge for a run whose index looks stuck: act on due timers, rewrite the index. */
	async poke(): Promise<void> {
		if (!this.shell.loadMeta()) return;
		await this.wake();
		this.shell.forceIndexWrite();
		await this.shell.flush();
		this.shell.armAlarm();
	}

	// ── admission ───────────────────────────────────────────────────────────────────────────

	/** Due timers of a waiting run need a slot first; an in-progress run already holds one. */
	private async wake(): Promise<void> {
		const state = this.shell.loadState();
		if (!state || state.header.status === "COMPLETED") return;
		if (!this.shell.timerDue(Date.now())) return;
		if (this.loadAdmission().holdsSlot) {
			this.shell.apply({ type: "timer_due" });
			return;
		}
		this.saveAdmission({ ...this.loadAdmission(), waitingForSlot: "resume" });
		await this.requestSlot();
	}

	/** Starts admitStart; until it settles, other starts of this run wait for it. */
	private admitOnce(meta: RunMeta): void {
		this.admitting = this.admitStart(meta).finally(() => {
			this.admitting = null;
		});
	}

	/**
	 * A new run's first slot. Its first transition is worked out first: one that ends the run or
	 * parks it (a delay, a human input) and calls nothing would give the slot back in the same
	 * commit, so it asks the tenant to admit it without holding one (one call, nothing stored
	 * there). Otherwise it takes a slot; either way a full tenant queues it instead.
	 */
	private async admitStart(meta: RunMeta): Promise<void> {
		const first = this.shell.advanceStart(startEventOf(meta));
		if (!first) return;
		const passing = needsNoSlot(first);
		const tenant = tenantSlots(this.env, meta.tenantId);
		const answer = passing
			? await tenant.admitAndRelease(meta.tenantId, meta.runId, Date.now())
			: await tenant.acquireSlot(meta.tenantId, meta.runId, Date.now());
		const admission = this.loadAdmission();
		if (admission.waitingForSlot !== "start" || this.shell.loadState()) {
			// Cancelled while the tenant answered: a slot taken for it goes back.
			if (answer.kind === "granted" && !passing) await this.releaseSlot();
			return;
		}
		if (answer.kind === "queued") {
			this.shell.writeIndexFor({
				status: "QUEUED",
				result: null,
				startedAt: null,
				endedAt: null,
				version: 0,
			});
			return;
		}
		// The grant is written with the transition it lets through (its log row).
		const granted = { ...admission, holdsSlot: true, waitingForSlot: null };
		this.shell.commit(first, { admission: passing ? released(admission) : granted });
	}

	/** A waiting run's due timer needs a slot before the run resumes. */
	private async requestSlot(): Promise<void> {
		const meta = this.shell.loadMeta();
		const waiting = this.loadAdmission().waitingForSlot;
		if (!meta || waiting === null) return;
		const answer = await tenantSlots(this.env, meta.tenantId).acquireSlot(
			meta.tenantId,
			meta.runId,
			Date.now(),
		);
		if (answer.kind === "granted") this.proceed(waiting);
	}

	private proceed(waiting: "start" | "resume"): void {
		const meta = this.shell.loadMeta();
		if (!meta) return;
		const granted = { ...this.loadAdmission(), holdsSlot: true, waitingForSlot: null };
		const event: RunEvent = waiting === "start" ? startEventOf(meta) : { type: "timer_due" };
		// The grant is written with the transition it lets through (its log row).
		const applied = this.shell.apply(event, { admission: granted });
		// A resume that found nothing due commits nothing; record the slot anyway.
		if (!applied || applied.ignored) {
			this.saveAdmission(granted);
			this.afterCommit(null);
		}
	}

	/**
	 * A transition that stops the run working (it now waits, or ended) gives its slot back: the
	 * release is committed with the transition itself, and the tenant is told after the commit.
	 */
	private admissionAfter(transition: Transition, given: Controls): Controls {
		this.releaseDue = false;
		const admission = (given.admission as Admission | undefined) ?? this.loadAdmission();
		if (!stopsWorking(admission, transition.state.header.status)) return {};
		this.releaseDue = true;
		return { admission: released(admission) };
	}

	/** After each transition: push its events to streams; tell the tenant of a released slot. */
	private afterCommit(transition: Transition | null): void {
		if (transition) this.streams.publish(transition.history, transition.ended);
		if (transition && this.releaseDue) {
			this.releaseDue = false;
			this.ctx.waitUntil(this.tellTenantReleased());
			return;
		}
		// Nothing committed (a resume that found nothing due): release the usual way.
		const status = this.shell.loadState()?.header.status;
		if (!transition && status && stopsWorking(this.loadAdmission(), status)) {
			this.ctx.waitUntil(this.releaseSlot());
		}
	}

	private async releaseSlot(): Promise<void> {
		if (!this.shell.loadMeta()) return;
		this.saveAdmission(released(this.loadAdmission()));
		await this.tellTenantReleased();
	}

	private async tellTenantReleased(): Promise<void> {
		const meta = this.shell.loadMeta();
		if (!meta) return;
		try {
			await tenantSlots(this.env, meta.tenantId).releaseSlot(meta.tenantId, meta.runId);
		} catch (err) {
			console.error("slot release failed; retrying from the alarm", String(err));
			this.saveAdmission({
				...this.loadAdmission(),
				releaseRetryAt: Date.now() + RELEASE_RETRY_MS,
			});
			this.shell.armAlarm();
		}
	}

	private loadAdmission(): Admission {
		return this.shell.control<Admission>("admission") ?? NEW_ADMISSION;
	}

	private saveAdmission(admission: Admission, alsoWrite?: () => void): void {
		this.shell.saveControl("admission", admission, alsoWrite);
	}

	private summary(): RunSummaryView {
		const meta = this.shell.loadMeta();
		if (!meta) throw new Error("run has no meta");
		const header = this.shell.loadState()?.header ?? null;
		return summaryView(meta, header, this.loadAdmission().cancelledBeforeStart);
	}

	private view(): RunView {
		const meta = this.shell.loadMeta();
		if (!meta) throw new Error("run has no meta");
		const state = this.shell.loadState();
		const retries = this.shell.store.getMeta<string[]>("retries") ?? [];
		if (!state) return { ...queuedView(meta, this.loadAdmission().cancelledBeforeStart), retries };
		return { ...runView(meta, state, this.shell.loadPlan(meta)), retries };
	}
}

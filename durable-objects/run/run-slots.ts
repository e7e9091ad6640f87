import type { RunEvent, Transition } from "../../engine/run";
import {
	type Admission,
	NEW_ADMISSION,
	needsNoSlot,
	RELEASE_RETRY_MS,
	released,
	stopsWorking,
	tenantSlots,
} from "./run-admission";
import { type RunMeta, startEventOf } from "./run-meta";
import type { RunShell } from "./run-shell";
import type { Controls } from "./run-store";

/**
 * The run's side of tenant admission, for RunObject: asking for a slot before the run starts or
 * resumes, committing a grant with the transition it lets through, and giving the slot back when
 * the run stops working (retried from the alarm until the tenant has it). Pure helpers and the
 * stored shape are in run-admission.ts.
 */
export class RunSlots {
	/** The transition being committed releases the slot (see admissionAfter). */
	private releaseDue = false;
	/** A start's admission in flight: a concurrent start of the same run waits for it. */
	admitting: Promise<void> | null = null;

	constructor(
		private readonly ctx: DurableObjectState,
		private readonly env: Env,
		/** A getter: the shell is built with callbacks into this object, so after it. */
		private readonly shell: () => RunShell,
	) {}

	/** Due timers of a waiting run need a slot first; an in-progress run already holds one. */
	async wake(): Promise<void> {
		const state = this.shell().loadState();
		if (!state || state.header.status === "COMPLETED") return;
		if (!this.shell().timerDue(Date.now())) return;
		if (this.load().holdsSlot) {
			this.shell().apply({ type: "timer_due" });
			return;
		}
		this.save({ ...this.load(), waitingForSlot: "resume" });
		await this.requestSlot();
	}

	/** Starts admitStart; until it settles, other starts of this run wait for it. */
	admitOnce(meta: RunMeta): void {
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
		await this.shell().readSecrets();
		const first = this.shell().advanceStart(startEventOf(meta));
		if (!first) return;
		const passing = needsNoSlot(first);
		const tenant = tenantSlots(this.env, meta.tenantId);
		const answer = passing
			? await tenant.admitAndRelease(meta.tenantId, meta.runId, Date.now())
			: await tenant.acquireSlot(meta.tenantId, meta.runId, Date.now());
		const admission = this.load();
		if (admission.waitingForSlot !== "start" || this.shell().loadState()) {
			// Cancelled while the tenant answered: a slot taken for it goes back.
			if (answer.kind === "granted" && !passing) await this.releaseSlot();
			return;
		}
		if (answer.kind === "queued") {
			this.shell().writeIndexFor({
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
		this.shell().commit(first, { admission: passing ? released(admission) : granted });
	}

	/** A waiting run's due timer needs a slot before the run resumes. */
	private async requestSlot(): Promise<void> {
		const meta = this.shell().loadMeta();
		const waiting = this.load().waitingForSlot;
		if (!meta || waiting === null) return;
		const answer = await tenantSlots(this.env, meta.tenantId).acquireSlot(
			meta.tenantId,
			meta.runId,
			Date.now(),
		);
		if (answer.kind === "granted") this.proceed(waiting);
	}

	proceed(waiting: "start" | "resume"): void {
		const meta = this.shell().loadMeta();
		if (!meta) return;
		const granted = { ...this.load(), holdsSlot: true, waitingForSlot: null };
		const event: RunEvent = waiting === "start" ? startEventOf(meta) : { type: "timer_due" };
		// The grant is written with the transition it lets through (its log row).
		const applied = this.shell().apply(event, { admission: granted });
		// A resume that found nothing due commits nothing; record the slot anyway.
		if (!applied || applied.ignored) {
			this.save(granted);
			this.afterCommit(null);
		}
	}

	/**
	 * A transition that stops the run working (it now waits, or ended) gives its slot back: the
	 * release is committed with the transition itself, and the tenant is told after the commit.
	 */
	admissionAfter(transition: Transition, given: Controls): Controls {
		this.releaseDue = false;
		const admission = (given.admission as Admission | undefined) ?? this.load();
		if (!stopsWorking(admission, transition.state.header.status)) return {};
		this.releaseDue = true;
		return { admission: released(admission) };
	}

	/** After each transition (null: none committed): tell the tenant of a released slot. */
	afterCommit(transition: Transition | null): void {
		if (transition && this.releaseDue) {
			this.releaseDue = false;
			this.ctx.waitUntil(this.tellTenantReleased());
			return;
		}
		// Nothing committed (a resume that found nothing due): release the usual way.
		const status = this.shell().loadState()?.header.status;
		if (!transition && status && stopsWorking(this.load(), status)) {
			this.ctx.waitUntil(this.releaseSlot());
		}
	}

	async releaseSlot(): Promise<void> {
		if (!this.shell().loadMeta()) return;
		this.save(released(this.load()));
		await this.tellTenantReleased();
	}

	private async tellTenantReleased(): Promise<void> {
		const meta = this.shell().loadMeta();
		if (!meta) return;
		try {
			await tenantSlots(this.env, meta.tenantId).releaseSlot(meta.tenantId, meta.runId);
		} catch (err) {
			console.error("slot release failed; retrying from the alarm", String(err));
			this.save({
				...this.load(),
				releaseRetryAt: Date.now() + RELEASE_RETRY_MS,
			});
			this.shell().armAlarm();
		}
	}

	load(): Admission {
		return this.shell().control<Admission>("admission") ?? NEW_ADMISSION;
	}

	save(admission: Admission, alsoWrite?: () => void): void {
		this.shell().saveControl("admission", admission, alsoWrite);
	}
}

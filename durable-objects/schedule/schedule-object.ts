import { DurableObject } from "cloudflare:workers";
import type { ScheduleTriggerConfig } from "../../engine/definition";
import {
	decideTick,
	type Fire,
	freshState,
	needsPreviousRun,
	reschedules,
	type ScheduleState,
	wakeAt,
	withFire,
} from "../../engine/schedule/plan";
import { database } from "../../worker/db/client";
import { findTrigger, setNextTick } from "../../worker/db/triggers.repo";
import { ApiError } from "../../worker/errors/api-error";
import { findTarget, startRun } from "../../worker/runs/start-run";
import { runObject } from "../stubs";
import { type ScheduleRef, scheduledRunId, specOf } from "./schedule-spec";

/** What `GET …/triggers` shows of a schedule besides its config. */
export interface ScheduleView {
	lastFires: Fire[];
}

/**
 * One SCHEDULE_TRIGGER (docs/ARCHITECTURE.md#schedules): it sleeps on its alarm until the next
 * tick, then starts that tick's run through the same start path as `POST …/runs`. D1's trigger
 * row is the source of truth for the schedule's config and pause (the object re-reads it every
 * time it acts; a row that is gone stops it), the object keeps what it did (engine/schedule's
 * ScheduleState). Every entry point is safe to repeat: a tick's run id is derived from the tick,
 * so starting it again only finds the run.
 */
export class ScheduleObject extends DurableObject<Env> {
	/** The time the schedule acts at. Tests swap it (through runInDurableObject) to move time. */
	clock: () => number = () => Date.now();
	/** One act at a time: the alarm, a save and the sweeper may arrive together. */
	private acting: Promise<unknown> = Promise.resolve();

	/**
	 * Re-reads the trigger row and acts on whatever is due: called after a save (reschedule),
	 * a pause or resume, a delete (stop), and by the sweeper for a schedule whose tick is overdue.
	 */
	async reconcile(ref: ScheduleRef): Promise<ScheduleView | null> {
		await this.ctx.storage.put("ref", ref);
		return this.serially(() => this.act(ref));
	}

	/** The last fires, without acting. */
	async view(): Promise<ScheduleView | null> {
		const state = await this.ctx.storage.get<ScheduleState>("state");
		return state ? { lastFires: state.fires } : null;
	}

	/** Alarms are at-least-once: act() re-reads everything and does only what is due. */
	override async alarm(): Promise<void> {
		const ref = await this.ctx.storage.get<ScheduleRef>("ref");
		if (ref) await this.serially(() => this.act(ref));
	}

	private serially<T>(work: () => Promise<T>): Promise<T> {
		const next = this.acting.then(work, work);
		this.acting = next.catch(() => {});
		return next;
	}

	private async act(ref: ScheduleRef): Promise<ScheduleView | null> {
		const now = this.clock();
		const db = database(this.env.DB);
		const row = await findTrigger(db, ref.tenantId, ref.workflowId, ref.node);
		if (row?.type !== "SCHEDULE_TRIGGER") {
			// Deleted, or the node is no schedule any more: forget everything, sleep for good.
			await this.ctx.storage.deleteAll();
			await this.ctx.storage.deleteAlarm();
			return null;
		}
		const spec = specOf(row.config as ScheduleTriggerConfig, row.paused);
		let state = await this.ctx.storage.get<ScheduleState>("state");
		// A new schedule, a new cron or zone, a pause or a resume: no tick before now is due.
		state =
			!state || reschedules(state.spec, spec)
				? freshState(spec, now, state ?? null)
				: { ...state, spec };
		const inputs = ((row.config as ScheduleTriggerConfig).inputs ?? {}) as Record<string, unknown>;
		const start = (s: ScheduleState, tickAt: number) =>
			this.fire(ref, row.workflowIdentifier, inputs, s, tickAt, now);

		// A fire a restart cut short: start the same tick again (it finds its run if it exists).
		if (state.firing !== null) state = await start(state, state.firing);
		if (state.buffered !== null && !spec.paused && !(await this.previousRunning(ref, state))) {
			const tickAt = state.buffered;
			state = await start({ ...state, buffered: null }, tickAt);
		}
		const running = needsPreviousRun(state, now) && (await this.previousRunning(ref, state));
		const decision = decideTick(state, now, running);
		switch (decision.kind) {
			case "idle":
				break;
			case "fire":
				state = await start({ ...state, doneThrough: decision.tickAt }, decision.tickAt);
				break;
			case "miss":
			case "skip":
				state = withFire(
					{ ...state, doneThrough: decision.tickAt },
					{
						tickAt: decision.tickAt,
						outcome: decision.kind === "miss" ? "missed" : "skipped",
						runId: null,
						at: now,
					},
				);
				break;
			case "buffer":
				state = withFire(
					{ ...state, doneThrough: decision.tickAt, buffered: decision.tickAt },
					{ tickAt: decision.tickAt, outcome: "buffered", runId: null, at: now },
				);
				break;
			default: {
				const unknown: never = decision;
				throw new Error(`unknown tick decision ${JSON.stringify(unknown)}`);
			}
		}
		await this.ctx.storage.put("state", state);
		const wake = wakeAt(state, now);
		if (wake === null) await this.ctx.storage.deleteAlarm();
		else await this.ctx.storage.setAlarm(wake);
		// The sweeper's copy: a schedule whose alarm is lost shows up as overdue there.
		if (row.nextTickAt !== wake)
			await setNextTick(db, ref.tenantId, ref.workflowId, ref.node, wake);
		return { lastFires: state.fires };
	}

	/**
	 * Starts the run of one tick. The tick is stored as firing before the start and cleared after
	 * it, in that order: a restart between the two finds it and starts it again under the same
	 * run id, which only finds the run the first attempt made. A start the API would refuse (the
	 * workflow gone, inputs its form rejects) is recorded as failed and not tried again.
	 */
	private async fire(
		ref: ScheduleRef,
		identifier: string,
		inputs: Record<string, unknown>,
		state: ScheduleState,
		tickAt: number,
		now: number,
	): Promise<ScheduleState> {
		await this.ctx.storage.put("state", { ...state, firing: tickAt });
		await this.ctx.storage.sync();
		const runId = await scheduledRunId(ref, tickAt);
		let fire: Fire;
		try {
			const target = await findTarget(this.env, ref.tenantId, identifier, null);
			if (target.workflow.id !== ref.workflowId)
				throw new ApiError("not_found", `Workflow "${identifier}" was deleted.`);
			const run = await startRun(
				this.env,
				{
					kind: "trigger",
					tenantId: ref.tenantId,
					origin: {
						type: "SCHEDULE_TRIGGER",
						node: ref.node,
						tickAt: new Date(tickAt).toISOString(),
					},
				},
				{ identifier, body: { inputs } },
				runId,
				target,
			);
			fire = { tickAt, outcome: "started", runId: run.id, at: now };
		} catch (err) {
			if (!(err instanceof ApiError) || err.status >= 500) throw err;
			fire = { tickAt, outcome: "failed", runId: null, at: now, detail: err.message };
		}
		const next = withFire(
			{ ...state, firing: null, lastRunId: fire.runId ?? state.lastRunId },
			fire,
		);
		await this.ctx.storage.put("state", next);
		return next;
	}

	private async previousRunning(ref: ScheduleRef, state: ScheduleState): Promise<boolean> {
		if (state.lastRunId === null) return false;
		const run = await runObject(this.env, ref.tenantId, state.lastRunId).getHead();
		return run !== null && run.status !== "COMPLETED";
	}
}

import { latestTickBetween, tickAfter } from "./cron";

/**
 * The pure side of a schedule (docs/ARCHITECTURE.md#schedules): given what the schedule has
 * done so far and the time, which tick to act on and how. The schedule object carries the
 * decisions out (start the run, store the state, arm the alarm); time comes in as `now`.
 */

export type Overlap = "allow" | "skip" | "buffer_one";

export interface ScheduleSpec {
	cron: string;
	timezone: string;
	overlap: Overlap;
	/** How late (ms) a missed tick may still start. */
	catchupMs: number;
	paused: boolean;
}

export type FireOutcome = "started" | "skipped" | "buffered" | "missed" | "failed";

export interface Fire {
	tickAt: number;
	outcome: FireOutcome;
	runId: string | null;
	/** When the schedule acted on the tick. */
	at: number;
	detail?: string;
}

export interface ScheduleState {
	/** The spec the ticks below were computed with; a different one reschedules from now. */
	spec: ScheduleSpec;
	/** Every tick at or before this has been acted on (or deliberately passed over). */
	doneThrough: number;
	/**
	 * The tick whose run is being started: stored before the start and cleared after it, so a
	 * restart in between starts the same tick again (the same run id: the start only finds it).
	 */
	firing: number | null;
	/** buffer_one: the tick held until the previous run completes. */
	buffered: number | null;
	/** The run the schedule started last (overlap looks at it). */
	lastRunId: string | null;
	/** The last fires, newest first. */
	fires: Fire[];
}

export const MAX_FIRES_KEPT = 10;
/** While a tick is buffered, how often the previous run is looked at again. */
export const BUFFER_POLL_MS = 30_000;
export const DEFAULT_CATCHUP_MS = 60 * 60 * 1000;

/** A new schedule, or one whose cron, zone or pause changed: nothing before `now` is due. */
export function freshState(spec: ScheduleSpec, now: number, previous: ScheduleState | null) {
	return {
		spec,
		doneThrough: now,
		firing: previous?.firing ?? null,
		buffered: null,
		lastRunId: previous?.lastRunId ?? null,
		fires: previous?.fires ?? [],
	} satisfies ScheduleState;
}

/** Whether a spec change moves the ticks (overlap and catch-up changes do not). */
export function reschedules(before: ScheduleSpec, after: ScheduleSpec): boolean {
	return (
		before.cron !== after.cron ||
		before.timezone !== after.timezone ||
		before.paused !== after.paused
	);
}

export type TickDecision =
	/** Nothing due now. */
	| { kind: "idle" }
	/** Start the run of `tickAt` (ticks between `doneThrough` and it are passed over). */
	| { kind: "fire"; tickAt: number; passedOver: number | null }
	/** The latest due tick came later than the catch-up window allows. */
	| { kind: "miss"; tickAt: number }
	/** Overlap: the previous run is unfinished. */
	| { kind: "skip"; tickAt: number }
	| { kind: "buffer"; tickAt: number };

/**
 * The due tick, if any: of all ticks in (doneThrough, now] only the latest counts (at most one
 * missed tick runs after downtime), and only when it is at most `catchupMs` late.
 * `previousRunning` says whether the last scheduled run is unfinished (asked only when the
 * spec's overlap needs it).
 */
export function decideTick(
	state: ScheduleState,
	now: number,
	previousRunning: boolean,
): TickDecision {
	const { spec } = state;
	if (spec.paused) return { kind: "idle" };
	const latest = latestTickBetween(spec.cron, spec.timezone, state.doneThrough, now);
	if (latest === null) return { kind: "idle" };
	const first = tickAfter(spec.cron, spec.timezone, state.doneThrough);
	const passedOver = first !== null && first < latest ? first : null;
	if (now - latest > spec.catchupMs) return { kind: "miss", tickAt: latest };
	if (previousRunning && spec.overlap === "skip") return { kind: "skip", tickAt: latest };
	if (previousRunning && spec.overlap === "buffer_one") return { kind: "buffer", tickAt: latest };
	return { kind: "fire", tickAt: latest, passedOver };
}

/** Does the decision depend on the previous run? (Then the object asks the run first.) */
export const needsPreviousRun = (state: ScheduleState, now: number): boolean =>
	state.lastRunId !== null &&
	!state.spec.paused &&
	(state.buffered !== null ||
		(state.spec.overlap !== "allow" &&
			latestTickBetween(state.spec.cron, state.spec.timezone, state.doneThrough, now) !== null));

/** The state after acting on a tick (the run started, skipped, buffered or missed). */
export function withFire(state: ScheduleState, fire: Fire): ScheduleState {
	return { ...state, fires: [fire, ...state.fires].slice(0, MAX_FIRES_KEPT) };
}

/** When the object must act next: the next tick, or sooner while a tick is buffered. */
export function wakeAt(state: ScheduleState, now: number): number | null {
	if (state.spec.paused) return null;
	const next = tickAfter(state.spec.cron, state.spec.timezone, Math.max(now, state.doneThrough));
	const poll = state.buffered !== null || state.firing !== null ? now + BUFFER_POLL_MS : null;
	if (next === null) return poll;
	return poll === null ? next : Math.min(next, poll);
}

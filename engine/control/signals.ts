import type { RunResult } from "../run";

/**
 * What reaches a run from outside its own alarm and calls (docs/ARCHITECTURE.md#a-signal).
 * Every signal enters through one door, `RunObject.signal`, and takes the host's one loop:
 * decide → persist → carry out the commands. A new way for a run to wait on the outside (an
 * input answered, a callback, a child run ended) is a new kind here and its case in decide.ts.
 */
export type RunSignal =
	/** The tenant freed a slot for this queued or waiting run. Delivered at least once. */
	| { kind: "slot_granted" }
	/** Someone cancels the run. */
	| { kind: "cancel"; by: string | null; reason: string | null }
	/** The sweeper found the run's index entry overdue: act on what is due, rewrite the entry. */
	| { kind: "poke" };

/** What a run answers a signal. Every signal may be sent again: a repeat changes nothing. */
export type SignalAnswer =
	/** slot_granted, poke: acted on (or there was nothing left to do). */
	| { kind: "accepted" }
	/** cancel: the run is cancelled now. */
	| { kind: "cancelled" }
	/** cancel: the run had already ended, with this result. */
	| { kind: "already_finished"; result: RunResult | null }
	/** Any signal: no such run (its creation never finished: the object died before storing it). */
	| { kind: "no_such_run" };

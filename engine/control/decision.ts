import type { AttemptResultEvent, Effect, HistoryEvent, Plan, RunState, Transition } from "../run";
import type { AcquireResult, Admission, WithdrawResult } from "./admission";
import type { AnswerLink } from "./answer-links";
import type { RunIndexEntry } from "./index-entry";
import type { RunLinks } from "./links";
import type { NotificationRecord } from "./notices";
import type { OutboxState } from "./outbox";
import type { RunMeta } from "./run-meta";
import type { SendAnswer, Sending } from "./sending";
import type { RunSignal, SignalAnswer } from "./signals";

/** Small values the host keeps beside the engine state and changes with its transitions. */
export interface Controls {
	admission: Admission;
	outbox: OutboxState;
	links: RunLinks;
	/** The run's notifications, each to one endpoint, and how they went (docs/ARCHITECTURE.md#notifications). */
	notifications: NotificationRecord[];
	/** Hashes of the answer links of open input requests (docs/ARCHITECTURE.md#response-tokens). */
	answerLinks: AnswerLink[];
}
export type ControlName = keyof Controls;
/** Controls as storage has them: a run that never changed one has not stored it. */
export type StoredControls = Partial<Controls>;

/** Everything `decide` reads: the run as the host has it loaded. */
export interface HostedRun {
	meta: RunMeta;
	plan: Plan;
	/** The engine state; null until the run's first transition. `decide` advances it in place. */
	state: RunState | null;
	controls: Controls;
	/** The alarm as the host last set it; undefined when this instance does not know it. */
	alarmAt: number | null | undefined;
	/** The outgoing calls this instance is making (engine `callKey`s). */
	callsInFlight: readonly string[];
}

/** What happens to a run: a request, a signal, the alarm, or the answer to a command. */
export type HostInput =
	/** A start request: ask the tenant to admit the run, unless that was already answered. */
	| { kind: "start" }
	| { kind: "signal"; signal: RunSignal }
	/** The object's alarm fired. */
	| { kind: "alarm" }
	/** The tenant answered `admit` (carried back with the first transition it decided on). */
	| { kind: "admitted"; first: Transition; passing: boolean; answer: AcquireResult }
	/** The tenant answered `acquire_slot` (a waiting run's due timer). */
	| { kind: "slot_answered"; answer: AcquireResult }
	/** The tenant answered `withdraw` (a queued run was cancelled). */
	| { kind: "withdrawn"; answer: WithdrawResult }
	| { kind: "slot_released" }
	| { kind: "slot_release_failed"; error: string }
	/** An outgoing call ended (engine `attempt_result`). */
	| { kind: "call_ended"; result: AttemptResultEvent }
	| { kind: "index_written"; entry: RunIndexEntry }
	| { kind: "index_write_failed"; error: string }
	/** An outbox message was answered (→ it leaves the outbox). */
	| { kind: "sent"; id: string; answer: SendAnswer }
	/** Sending an outbox message failed (→ sent again later, from the alarm). */
	| { kind: "send_failed"; id: string; error: string };

/**
 * What the host carries out after persisting a decision. The engine's effects (`http_request`,
 * `abandon_request`) are commands as they are. Each command that asks something of the outside
 * gets its answer fed back as a HostInput (named beside each).
 */
export type Command =
	/** A child start or cancel (`start_child`, `cancel_child`) goes through the outbox instead: see `send`. */
	| Exclude<Effect, { kind: "start_child" | "cancel_child" }>
	/** Ask the tenant for the run's first slot (→ admitted); `passing`: give it straight back. */
	| { kind: "admit"; first: Transition; passing: boolean }
	/** Ask the tenant for a slot to resume (→ slot_answered). */
	| { kind: "acquire_slot" }
	/** Take the queued run out of the tenant's queue (→ withdrawn). */
	| { kind: "withdraw" }
	/** Give the slot back to the tenant (→ slot_released | slot_release_failed). */
	| { kind: "release_slot" }
	/** Send an outbox message (→ sent | send_failed). */
	| { kind: "send"; sending: Sending }
	/** Write the entry to the D1 runs index (→ index_written | index_write_failed). */
	| { kind: "write_index"; entry: RunIndexEntry }
	| { kind: "set_alarm"; at: number }
	| { kind: "delete_alarm" }
	/** Send the history to the run's open event streams (closing them when it ended). */
	| { kind: "publish"; events: HistoryEvent[]; ended: boolean }
	/** The run ended without a transition (cancelled while queued): end its open streams. */
	| { kind: "close_streams" };

export interface Decision {
	/** The engine transition to store; its log row also carries every control that changed. */
	transition: Transition | null;
	/** The controls after this input. */
	controls: Controls;
	/**
	 * Without a transition: the controls to write now, in one storage transaction. A change not
	 * listed here stays in memory and rides along with the next transition's row.
	 */
	writeNow: ControlName[];
	/** Carried out in order, each awaited, before whoever fed the input is answered. */
	commands: Command[];
	/** Started after the commit and not waited for. */
	background: Command[];
	/** For a signal: what the run answers. */
	answer: SignalAnswer | null;
}

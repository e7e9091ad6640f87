/**
 * The working memory of one `advance` call: the state being updated, what changed (so the
 * shell persists O(changed) rows), the new history events and effects, and a work queue so
 * that ready nodes run back to back without recursion.
 */

import type { ContextAccess } from "./context";
import { secretInputValues } from "./context";
import type { AdvanceEnv, Effect, HistoryEvent, HistoryType, StateChanges } from "./events";
import type { JsonValue } from "./json";
import { Masker, NO_MASKING } from "./masking";
import type { Plan } from "./plan";
import type { Reader } from "./sealing";
import type { ErrorInfo, LogEntry, RunState, TaskRef, TaskRun, Timer } from "./state";
import { itemKey, taskKey } from "./state";

/** Work discovered while handling an event, done before `advance` returns. */
export type WorkItem =
	| { kind: "start_node"; node: string }
	| { kind: "skip_node"; node: string; reason: string }
	| { kind: "fail_run"; error: ErrorInfo & { node: string | null } };

export class Step {
	readonly effects: Effect[] = [];
	readonly history: HistoryEvent[] = [];
	readonly queue: WorkItem[] = [];
	private headerChanged = false;
	private readonly nodes = new Set<string>();
	private readonly items = new Set<string>();
	private readonly connections = new Set<string>();
	private readonly timers = new Set<string>();
	private builtMasker: Masker | undefined;

	constructor(
		readonly plan: Plan,
		readonly state: RunState,
		readonly env: AdvanceEnv,
	) {}

	get now(): number {
		return this.env.now;
	}

	/**
	 * Masks the run's secret values (this step's tenant secrets and the run's secret inputs) in
	 * whatever the run is about to store (masking.ts). Built once per step, on first use.
	 */
	get masker(): Masker {
		if (this.builtMasker === undefined) {
			const values = [
				...(this.env.secrets?.values.values() ?? []),
				...secretInputValues(this.state, this.env.sealer).flatMap(stringsOf),
			];
			this.builtMasker = values.length === 0 ? NO_MASKING : new Masker(values);
		}
		return this.builtMasker;
	}

	/** How `reader` sees the run's sealed values (context.ts). */
	access(reader: Reader): ContextAccess {
		return { reader, sealer: this.env.sealer };
	}

	note(type: HistoryType, detail: string, ref: Partial<TaskRef> = {}): void {
		const header = this.state.header;
		header.lastSeq += 1;
		this.headerChanged = true;
		this.history.push({
			seq: header.lastSeq,
			time: this.now,
			type,
			node: ref.node ?? null,
			item: ref.item ?? null,
			detail,
		});
	}

	touchHeader(): void {
		this.headerChanged = true;
	}

	touchNode(node: string): void {
		this.nodes.add(node);
	}

	touchTask(ref: TaskRef): void {
		if (ref.item === null) this.nodes.add(ref.node);
		else this.items.add(itemKey(ref.node, ref.item));
	}

	touchConnection(id: string): void {
		this.connections.add(id);
	}

	setTimer(key: string, timer: Timer): void {
		this.state.timers[key] = timer;
		this.timers.add(key);
	}

	clearTimer(key: string): void {
		if (!(key in this.state.timers)) return;
		delete this.state.timers[key];
		this.timers.add(key);
	}

	task(ref: TaskRef): TaskRun {
		const run =
			ref.item === null
				? this.state.nodes[ref.node]
				: this.state.items[itemKey(ref.node, ref.item)];
		// Refs are built from the state itself or from events checked against it (advance.ts).
		if (run === undefined) throw new Error(`no run for ${taskKey(ref)}`);
		return run;
	}

	log(ref: TaskRef, level: LogEntry["level"], message: string): void {
		this.task(ref).logs.push({ level, message, time: this.now });
		this.touchTask(ref);
	}

	emit(effect: Effect): void {
		this.effects.push(effect);
	}

	enqueue(work: WorkItem): void {
		this.queue.push(work);
	}

	/** For work that must happen before anything already queued (a run failure). */
	enqueueFront(work: WorkItem): void {
		this.queue.unshift(work);
	}

	changes(): StateChanges {
		return {
			header: this.headerChanged,
			nodes: [...this.nodes],
			items: [...this.items],
			connections: [...this.connections],
			timers: [...this.timers],
		};
	}

	changedAnything(): boolean {
		return (
			this.headerChanged ||
			this.nodes.size + this.items.size + this.connections.size + this.timers.size > 0
		);
	}
}

/** The text a secret input's value can turn up as: strings and numbers, at any depth. */
function stringsOf(value: JsonValue): string[] {
	if (typeof value === "string") return [value];
	if (typeof value === "number") return [String(value)];
	if (value === null || typeof value === "boolean") return [];
	return (Array.isArray(value) ? value : Object.values(value)).flatMap(stringsOf);
}

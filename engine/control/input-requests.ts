/**
 * A run's input requests as its index entry carries them to D1
 * (docs/ARCHITECTURE.md#input-requests): what `GET /v1/inputs` lists across runs. Only runs
 * whose plan has INPUT nodes carry any, and an entry carries only what D1 must learn: every
 * request still open, and a request that closed since D1 last saw it open. A closed request
 * D1 already has leaves later entries, so a long run's entries do not grow with its history.
 * Every request enters some entry while open (opening one changes the entry, see
 * `inputRequestsChanged`), and a queued entry is replaced only by one built from it, so a close
 * is never lost between two writes.
 */
import {
	type InputWait,
	type ItemRun,
	itemKey,
	type JsonObject,
	type JsonValue,
	type NodeRun,
	type Plan,
	type RunState,
	shownResponseInputs,
} from "../run";

type TaskRun = NodeRun | ItemRun;

export type InputRequestStatus = "pending" | "answered" | "closed";

export interface InputRequestEntry {
	node: string;
	/** The forEach item it asks about; null for the node itself. */
	item: number | null;
	/** `pending`: open to responses; `answered`: decided by responses (a decisive one or enough
	 * agreeing); `closed`: timed out, or the node or run ended without a decision. */
	status: InputRequestStatus;
	openedAt: number;
	/** The node's title and description as rendered when the request opened. */
	title: string | null;
	description: string | null;
	/** When it times out through `timeout.outlet`; null: it waits for the run's own timeout. */
	dueAt: number | null;
	/** Responses so far, secret inputs redacted. */
	responses: Array<{
		by: string;
		at: number;
		outlet: string;
		inputs: JsonValue;
		comment: string | null;
	}>;
	decided: { outlet: string; by: "responses" | "decisive" | "timeout"; at: number } | null;
	closedAt: number | null;
}

/** The stable key of a request within its run (its task's key: the node, or `node#item`). */
export const inputRequestKey = (r: { node: string; item: number | null }): string =>
	r.item === null ? r.node : itemKey(r.node, r.item);

/**
 * The requests a new index entry carries, given the entry it replaces (`base`, the pending
 * entry if one is queued, else the last one written) and whether that entry was written.
 * Undefined for a run without INPUT nodes: its entries carry nothing extra.
 */
export function inputRequestsOf(
	plan: Plan,
	state: RunState,
	base: { requests: InputRequestEntry[] | undefined; written: boolean },
	now: number,
): InputRequestEntry[] | undefined {
	if (!hasInputNodes(plan)) return undefined;
	const open = new Map<string, InputRequestEntry>();
	for (const task of tasksOf(state)) {
		if (task.run.waitingOn?.kind !== "input") continue;
		const request = openRequest(plan, task.node, task.item, task.run.waitingOn);
		open.set(inputRequestKey(request), request);
	}
	const closed: InputRequestEntry[] = [];
	for (const earlier of base.requests ?? []) {
		const key = inputRequestKey(earlier);
		// D1 already has it as it ended; nothing more will change.
		if (open.has(key) || (base.written && earlier.status !== "pending")) continue;
		closed.push(closedRequest(plan, earlier, taskOf(state, earlier), state, now));
	}
	return [...open.values(), ...closed];
}

/**
 * Whether `next` tells D1 something `previous` did not: a request opened, answered, decided or
 * closed. A closed request dropping out of the entry is not news.
 */
export function inputRequestsChanged(
	previous: InputRequestEntry[] | undefined,
	next: InputRequestEntry[] | undefined,
): boolean {
	if (!next?.length) return false;
	const seen = new Set((previous ?? []).map(fingerprint));
	return next.some((r) => !seen.has(fingerprint(r)));
}

const fingerprint = (r: InputRequestEntry) =>
	`${inputRequestKey(r)}|${r.status}|${r.responses.length}`;

function hasInputNodes(plan: Plan): boolean {
	for (const planned of plan.nodes.values()) if (planned.node.config.type === "INPUT") return true;
	return false;
}

interface Task {
	node: string;
	item: number | null;
	run: TaskRun;
}

function* tasksOf(state: RunState): Generator<Task> {
	for (const run of Object.values(state.nodes)) yield { node: run.node, item: null, run };
	for (const run of Object.values(state.items)) yield { node: run.node, item: run.index, run };
}

function taskOf(state: RunState, r: { node: string; item: number | null }): TaskRun | undefined {
	return r.item === null ? state.nodes[r.node] : state.items[inputRequestKey(r)];
}

const responsesOf = (plan: Plan, node: string, wait: InputWait): InputRequestEntry["responses"] =>
	wait.responses.map((r) => ({
		by: r.by,
		at: r.at,
		outlet: r.outlet,
		inputs: shownResponseInputs(plan, node, r.inputs),
		comment: r.comment,
	}));

function openRequest(
	plan: Plan,
	node: string,
	item: number | null,
	wait: InputWait,
): InputRequestEntry {
	const { decided } = wait;
	return {
		node,
		item,
		// Decided but not finished yet (the run waits for a slot): nobody can answer any more.
		status: decided === null ? "pending" : decided.by === "timeout" ? "closed" : "answered",
		openedAt: wait.since,
		title: wait.title,
		description: wait.description,
		dueAt: wait.dueAt,
		responses: responsesOf(plan, node, wait),
		decided: decided && { outlet: decided.outlet, by: decided.by, at: decided.at },
		closedAt: decided?.at ?? null,
	};
}

/**
 * A request that is no longer open: its node finished (its output holds the decision and the
 * responses) or ended without one (cancelled, failed with the run).
 */
function closedRequest(
	plan: Plan,
	earlier: InputRequestEntry,
	task: TaskRun | undefined,
	state: RunState,
	now: number,
): InputRequestEntry {
	const closedAt = task?.endedAt ?? state.header.endedAt ?? earlier.closedAt ?? now;
	const output = task?.result === "SUCCESS" ? asObject(task.output) : null;
	const outlet = typeof output?.outlet === "string" ? output.outlet : null;
	const by = output?.decidedBy;
	if (
		output === null ||
		outlet === null ||
		(by !== "responses" && by !== "decisive" && by !== "timeout")
	) {
		return { ...earlier, status: earlier.status === "answered" ? "answered" : "closed", closedAt };
	}
	return {
		...earlier,
		status: by === "timeout" ? "closed" : "answered",
		responses: Array.isArray(output.responses)
			? output.responses.flatMap((r) => responseOf(plan, earlier.node, r))
			: earlier.responses,
		decided: earlier.decided ?? { outlet, by, at: closedAt },
		closedAt,
	};
}

function responseOf(plan: Plan, node: string, value: JsonValue): InputRequestEntry["responses"] {
	const r = asObject(value);
	if (r === null || typeof r.by !== "string" || typeof r.outlet !== "string") return [];
	return [
		{
			by: r.by,
			at: typeof r.at === "string" ? Date.parse(r.at) : 0,
			outlet: r.outlet,
			inputs: shownResponseInputs(plan, node, r.inputs ?? {}),
			comment: typeof r.comment === "string" ? r.comment : null,
		},
	];
}

const asObject = (value: JsonValue | undefined): JsonObject | null =>
	value !== null && typeof value === "object" && !Array.isArray(value) ? value : null;

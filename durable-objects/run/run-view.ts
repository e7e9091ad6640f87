import {
	type ErrorRunLink,
	type NoticeEvent,
	type NotificationRecord,
	type RunMeta,
	type RunTrigger,
	triggerOf,
} from "../../engine/control";
import {
	type AttemptRecord,
	type ErrorInfo,
	type ItemRun,
	itemKey,
	type JsonValue,
	type NodeRun,
	type Plan,
	type ResponseExcerpt,
	type RunState,
	redactSealed,
} from "../../engine/run";

import { type WaitingView, waitingView } from "./waiting-view";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * A run is read in pages (docs/ARCHITECTURE.md#how-a-run-is-stored): its view holds each
 * forEach node's first ITEMS_IN_RUN_VIEW items and each task's newest ATTEMPTS_IN_RUN_VIEW
 * attempts; the rest are read with `itemPage` and `attemptPage`.
 */
export const ITEMS_IN_RUN_VIEW = 20;
export const ATTEMPTS_IN_RUN_VIEW = 10;

export type AttemptView = NodeRunView["attempts"][number];
export type ItemRunView = NonNullable<NodeRunView["items"]>[number];

export interface NodeRunView {
	node: string;
	title: string | null;
	type: string;
	status: NodeRun["status"];
	result: NodeRun["result"];
	startedAt: string | null;
	endedAt: string | null;
	/** How many attempts the task made; `attempts` holds the newest ATTEMPTS_IN_RUN_VIEW. */
	attemptCount: number;
	attempts: {
		number: number;
		startedAt: string;
		endedAt: string | null;
		request: { method: string; url: string; headers: Record<string, string>; body: JsonValue };
		responseStatus: number | null;
		/** The start of the answer (masked), null when none came or before runs kept it. */
		response: ResponseExcerpt | null;
		error: ErrorInfo | null;
		/** RUN_WORKFLOW: the child run this attempt started, and how it ended (`wait: true`). */
		child?: {
			runId: string | null;
			ended?: { at: string; result: "SUCCESS" | "FAILED" | "CANCELLED"; error: ErrorInfo | null };
		};
	}[];
	output: JsonValue;
	error: ErrorInfo | null;
	logs: { level: string; message: string; time: string }[];
	/** What this node (or item) waits for, with when it is due: a delay, a retry, a timeout. */
	due: DueView[];
	/**
	 * RUN_WORKFLOW: the child runs its attempts started, in the order they started (a forEach
	 * node's, item by item); each item's own attempts say which is its.
	 */
	children: { runId: string; item: number | null; attempt: number }[];
	/** What it waits on from outside the run: an INPUT's request, an async call's callback. */
	waiting: WaitingView | null;
	/**
	 * A forEach node's first ITEMS_IN_RUN_VIEW items, in list order: each with its place and its
	 * value (null: not a forEach node, or its list was empty or never computed).
	 */
	items:
		| (Omit<
				NodeRunView,
				"title" | "type" | "items" | "node" | "children" | "itemCount" | "itemsNextAfter"
		  > & {
				index: number;
				item: JsonValue;
		  })[]
		| null;
	/** How many items the forEach node has (null when `items` is). */
	itemCount: number | null;
	/** Read the items after this index with the items page; null: `items` holds them all. */
	itemsNextAfter: number | null;
}

export interface RunView {
	id: string;
	status: RunState["header"]["status"];
	result: RunState["header"]["result"];
	/** `id` is the workflow's lifetime: one deleted and created again under its identifier has a new one. */
	workflow: { id: string; identifier: string; title: string; version: number };
	initiator: string;
	/** The user an admin ran this as (`runAs`), else null. */
	runAs: string | null;
	requestedBy: string;
	scope: RunMeta["scope"];
	notificationRecipients: string[];
	retryOf: string | null;
	/** How the run started: its trigger node and the delivery, tick or event. */
	trigger: RunTrigger;
	/** Runs started by retrying this one, oldest first. */
	retries: string[];
	/** On a child run: the parent run and its RUN_WORKFLOW node that started it. */
	parent: { runId: string; node: string } | null;
	/** On an error run: the failed run that started it. */
	errorOf: { runId: string; workflow: string } | null;
	/** On a failed run: the error workflow's run it started, or why none could start. */
	errorRun: ErrorRunLink | null;
	/** The notifications the run sent to the tenant's endpoints, and how each went. */
	notifications: NotificationView[];
	inputs: JsonValue;
	outputs: JsonValue;
	error: RunState["header"]["error"];
	createdAt: string;
	startedAt: string | null;
	endedAt: string | null;
	/** Port's shape: every finished node's output by node identifier. */
	variables: { outputs: Record<string, JsonValue> };
	/** Settled connections: the taken path and the branches not taken. */
	connections: { taken: string[]; notTaken: string[] };
	nodeRuns: NodeRunView[];
	/** Seq of the newest history event (page history with GET …/events?after=). */
	lastEventSeq: number;
}

export interface DueView {
	/** The timer's kind: `delay`, `start_delay`, `retry`, `attempt_timeout` (more may come). */
	kind: string;
	at: string;
	/** The attempt a retry or timeout is about, else null. */
	attempt: number | null;
}

/** The run's pending timers by the task they belong to (`node` or `node#item`). */
function dueByTask(state: RunState): Map<string, DueView[]> {
	const byTask = new Map<string, DueView[]>();
	for (const timer of Object.values(state.timers)) {
		if (!("node" in timer)) continue;
		const item = "item" in timer ? timer.item : null;
		const key = item === null ? timer.node : `${timer.node}#${item}`;
		const list = byTask.get(key) ?? [];
		list.push({
			kind: timer.kind,
			at: iso(timer.at) ?? "",
			attempt: "attempt" in timer ? timer.attempt : null,
		});
		byTask.set(key, list);
	}
	return byTask;
}

/** One attempt as the API shows it. */
export function attemptView({ child, ...a }: AttemptRecord): AttemptView {
	return {
		...a,
		startedAt: iso(a.startedAt) ?? "",
		endedAt: iso(a.endedAt),
		response: a.response ?? null,
		...(child ? { child: childView(child) } : {}),
	};
}

function taskView(
	task: NodeRun | ItemRun,
	due: DueView[] = [],
	waiting: WaitingView | null = null,
) {
	return {
		status: task.status,
		result: task.result,
		startedAt: iso(task.startedAt),
		endedAt: iso(task.endedAt),
		attemptCount: task.attempts.length,
		attempts: task.attempts.slice(-ATTEMPTS_IN_RUN_VIEW).map(attemptView),
		// Sealed values (secret inputs, maskOutput outputs) are never shown: docs/ARCHITECTURE.md#secrets.
		output: redactSealed(task.output),
		error: task.error,
		logs: task.logs.map((l) => ({ level: l.level, message: l.message, time: iso(l.time) ?? "" })),
		due,
		waiting,
	};
}

/** The child's end without its outputs (they are the node's output): when, and how. */
function childView(
	child: NonNullable<AttemptRecord["child"]>,
): NodeRunView["attempts"][number]["child"] {
	const { ended } = child;
	return {
		runId: child.runId,
		...(ended
			? { ended: { at: iso(ended.at) ?? "", result: ended.result, error: ended.error } }
			: {}),
	};
}

function childrenOf(state: RunState, run: NodeRun): NodeRunView["children"] {
	const tasks: { item: number | null; task: NodeRun | ItemRun | undefined }[] = [
		{ item: null, task: run },
	];
	// Only RUN_WORKFLOW items start children: other forEach nodes are not walked item by item.
	if (run.type === "RUN_WORKFLOW")
		for (let i = 0; i < (run.forEach?.total ?? 0); i++)
			tasks.push({ item: i, task: state.items[itemKey(run.node, i)] });
	return tasks.flatMap(({ item, task }) =>
		(task?.attempts ?? []).flatMap((a) =>
			a.child?.runId ? [{ runId: a.child.runId, item, attempt: a.number }] : [],
		),
	);
}

/** How many items a forEach node has in the state (0: none, or not a forEach node). */
const itemTotal = (run: NodeRun) => run.forEach?.total ?? 0;

/**
 * Items of a forEach node with index > after, at most `limit`, read by key (never by walking
 * the run's other items); null when the node has no such items.
 */
export function itemPage(
	state: RunState,
	plan: Plan,
	node: string,
	after: number,
	limit: number,
): { items: ItemRunView[]; nextAfter: number | null; total: number } | null {
	const run = state.nodes[node];
	if (!run) return null;
	const total = itemTotal(run);
	const due = dueByTask(state);
	const items: ItemRunView[] = [];
	for (let index = Math.max(0, after + 1); index < total && items.length < limit; index++) {
		const item = state.items[itemKey(node, index)];
		if (!item) continue;
		items.push({
			index,
			item: item.item,
			...taskView(item, due.get(itemKey(node, index)), waitingView(plan, node, item.waitingOn)),
		});
	}
	const last = items.at(-1)?.index ?? after;
	return { items, nextAfter: last < total - 1 ? last : null, total };
}

/** A task's attempts with number > after, at most `limit`; null when there is no such task. */
export function attemptPage(
	state: RunState,
	node: string,
	item: number | null,
	after: number,
	limit: number,
): { attempts: AttemptView[]; nextAfter: number | null; total: number } | null {
	const task = item === null ? state.nodes[node] : state.items[itemKey(node, item)];
	if (!task) return null;
	const rest = task.attempts.filter((a) => a.number > after);
	const attempts = rest.slice(0, limit).map(attemptView);
	const last = attempts.at(-1)?.number;
	return {
		attempts,
		nextAfter: last !== undefined && rest.length > limit ? last : null,
		total: task.attempts.length,
	};
}

/** What the view takes from the run's creation record, whether or not the engine has started. */
function fromMeta(meta: RunMeta) {
	return {
		workflow: {
			id: meta.workflow.id,
			identifier: meta.workflow.identifier,
			title: meta.workflow.title,
			version: meta.workflow.version,
		},
		initiator: meta.initiator,
		runAs: meta.initiator === meta.requestedBy ? null : meta.initiator,
		requestedBy: meta.requestedBy,
		scope: meta.scope,
		notificationRecipients: meta.notificationRecipients,
		retryOf: meta.retryOf,
		trigger: triggerOf(meta),
		parent: meta.parent ? { runId: meta.parent.runId, node: meta.parent.node } : null,
		errorOf: meta.errorOf ?? null,
	};
}

/** What the host adds to the view from beside the engine state. */
type HostLinks = "retries" | "errorRun" | "notifications";

export interface NotificationView {
	webhookId: string;
	event: NoticeEvent;
	/** The endpoint's origin only: a Slack webhook's path is its credential. */
	url: string;
	status: NotificationRecord["status"];
	failures: number;
	lastError: string | null;
	at: string;
	endedAt: string | null;
}

/** The run's notification records as the API shows them (docs/ARCHITECTURE.md#notifications). */
export const notificationsView = (records: readonly NotificationRecord[]): NotificationView[] =>
	records.map((r) => ({
		webhookId: r.webhookId,
		event: r.event,
		url: r.url,
		status: r.status,
		failures: r.failures,
		lastError: r.lastError,
		at: new Date(r.at).toISOString(),
		endedAt: r.endedAt === null ? null : new Date(r.endedAt).toISOString(),
	}));

/** The API's picture of one run, built from the object's own state (never from D1). */
export function runView(meta: RunMeta, state: RunState, plan: Plan): Omit<RunView, HostLinks> {
	const { header } = state;
	const outputs: Record<string, JsonValue> = {};
	const due = dueByTask(state);
	const nodeRuns = plan.order.flatMap((id): NodeRunView[] => {
		const run = state.nodes[id];
		if (!run) return [];
		if (run.status === "COMPLETED" && run.result === "SUCCESS")
			outputs[id] = redactSealed(run.output);
		const page = itemTotal(run) > 0 ? itemPage(state, plan, id, -1, ITEMS_IN_RUN_VIEW) : null;
		return [
			{
				node: id,
				title: plan.nodes.get(id)?.node.title ?? null,
				type: run.type,
				...taskView(run, due.get(id), waitingView(plan, id, run.waitingOn)),
				children: childrenOf(state, run),
				items: page?.items ?? null,
				itemCount: page?.total ?? null,
				itemsNextAfter: page?.nextAfter ?? null,
			},
		];
	});
	const taken: string[] = [];
	const notTaken: string[] = [];
	for (const [id, settled] of Object.entries(state.connections))
		(settled === "TAKEN" ? taken : notTaken).push(id);
	return {
		id: meta.runId,
		status: header.status,
		result: header.result,
		...fromMeta(meta),
		inputs: redactSealed(header.inputs),
		outputs: header.outputs,
		error: header.error,
		createdAt: iso(meta.createdAt) ?? "",
		startedAt: iso(header.startedAt),
		endedAt: iso(header.endedAt),
		variables: { outputs },
		connections: { taken, notTaken },
		nodeRuns,
		lastEventSeq: header.lastSeq,
	};
}

/** A run as the runs listing shows it: what a batch start answers, without the node runs. */
export interface RunSummaryView {
	id: string;
	status: RunView["status"];
	result: RunView["result"];
	workflow: RunView["workflow"];
	initiator: string;
	entityId: string | null;
	trigger: RunTrigger;
	createdAt: string;
	startedAt: string | null;
	endedAt: string | null;
}

/** The summary straight from the creation record and the run's header (no view built). */
export function summaryView(
	meta: RunMeta,
	header: Pick<RunState["header"], "status" | "result" | "startedAt" | "endedAt"> | null,
	cancelled: { at: number } | null,
): RunSummaryView {
	const { id, identifier, title, version } = meta.workflow;
	return {
		id: meta.runId,
		status: header?.status ?? (cancelled ? "COMPLETED" : "QUEUED"),
		result: header?.result ?? (cancelled ? "CANCELLED" : null),
		workflow: { id, identifier, title, version },
		initiator: meta.initiator,
		entityId: meta.scope.type === "ENTITY" ? meta.scope.entityId : null,
		trigger: triggerOf(meta),
		createdAt: iso(meta.createdAt) ?? "",
		startedAt: iso(header?.startedAt ?? null),
		endedAt: header ? iso(header.endedAt) : cancelled ? iso(cancelled.at) : null,
	};
}

/**
 * What deciding who may see a run, and acting on it, needs: the summary and who asked for it.
 * Small whatever the run's size, so a read of its events or a cancel never loads the whole view.
 */
export type RunHead = RunSummaryView & { requestedBy: string };

/** A run the engine has not started: queued behind the tenant's limit, or cancelled while queued. */
export function queuedView(
	meta: RunMeta,
	cancelled: { by: string | null; at: number } | null,
): Omit<RunView, HostLinks> {
	return {
		id: meta.runId,
		status: cancelled ? "COMPLETED" : "QUEUED",
		result: cancelled ? "CANCELLED" : null,
		...fromMeta(meta),
		inputs: redactSealed(meta.inputs),
		outputs: null,
		error: cancelled
			? {
					code: "cancelled",
					message: `Cancelled while queued${cancelled.by ? ` by ${cancelled.by}` : ""}.`,
					node: null,
				}
			: null,
		createdAt: iso(meta.createdAt) ?? "",
		startedAt: null,
		endedAt: cancelled ? iso(cancelled.at) : null,
		variables: { outputs: {} },
		connections: { taken: [], notTaken: [] },
		nodeRuns: [],
		lastEventSeq: 0,
	};
}

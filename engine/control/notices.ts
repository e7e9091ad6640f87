import type { InputConfig } from "../definition";
import {
	buttonsOf,
	inputConfigOf,
	type JsonValue,
	type Plan,
	type RunHeader,
	type RunState,
} from "../run";
import type { SealedLink } from "./answer-links";
import type { NoticeEvent, NotificationEndpoint } from "./notification-endpoint";
import type { RunMeta } from "./run-meta";

/**
 * Notifications (docs/ARCHITECTURE.md#notifications): what a run tells its tenant's notification
 * endpoints, decided here from the run's transitions and sent through its outbox. Pure: the
 * payload is fixed when the event happens, so every retry sends the same body under the same
 * `webhook-id`; only the host turns paths into URLs and signs.
 */

/** The event's body (Standard Webhooks' `{ type, timestamp, data }`). */
export interface Notice {
	type: NoticeEvent;
	timestamp: string;
	data: NoticeData;
}

export interface NoticeData {
	run: {
		id: string;
		status: string;
		result: string | null;
		error: { code: string; message: string; node: string | null } | null;
		startedAt: string | null;
		endedAt: string | null;
		/** The run in the API, relative to the Stepline it runs on (the host makes it absolute). */
		path: string;
	};
	workflow: { identifier: string; title: string; version: number };
	initiator: string;
	notificationRecipients: string[];
	/** `run.waiting_for_input`: the request, its form, and how to answer it. */
	input?: InputNotice;
}

export interface InputNotice {
	node: string;
	title: string | null;
	description: string | null;
	dueAt: string | null;
	numOfResponders: number;
	/** The form each responder fills in (the node's `userInputs`). */
	form: JsonValue;
	buttons: Array<{ title: string; outlet: string }>;
	/** Where a signed-in responder answers (`POST`), relative to the Stepline it runs on. */
	answerPath: string;
	/**
	 * Answer links for each person the node names (docs/ARCHITECTURE.md#response-tokens), their
	 * tokens sealed: the host opens them into URLs when it sends.
	 */
	responders: SealedLink[];
}

/**
 * A notification to one endpoint, as an outbox message: a signed POST of `notice` under
 * `webhookId`, the same body and id on every retry; the receiver dedupes on the id.
 */
export interface Notify {
	kind: "notify";
	endpoint: Omit<NotificationEndpoint, "events">;
	webhookId: string;
	notice: Notice;
}

/** One notification the run decided on, before it is fanned out to the endpoints. */
export interface DecidedNotice {
	/** Stable within the run: the same event decided twice (a replay) is one notification. */
	key: string;
	notice: Notice;
}

/**
 * A notification on its way to one endpoint, or how that ended: what the run's view shows
 * (`notifications`). `webhookId` is sent on every retry of it.
 */
export interface NotificationRecord {
	/** The outbox message's id. */
	id: string;
	webhookId: string;
	event: NoticeEvent;
	url: string;
	status: "sending" | "delivered" | "failed";
	/** Sends that failed (network error, non-2xx answer). */
	failures: number;
	lastError: string | null;
	/** When it was decided, and when it was delivered or given up. */
	at: number;
	endedAt: number | null;
}

/** A notification not delivered after this many failed sends is given up (about 10 minutes). */
export const NOTIFY_MAX_FAILURES = 14;
/** The run keeps this many newest records; older delivered ones drop out of its view. */
export const MAX_NOTIFICATION_RECORDS = 50;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The Standard Webhooks id of a run's notification: the same for every endpoint and retry. */
export const webhookIdOf = (runId: string, key: string) => `${runId}.${key}`;

/** The outbox id of one notification to one endpoint (its index in the pinned list). */
export const notifyMessageId = (key: string, endpoint: number) => `notify:${key}:${endpoint}`;

/** Which endpoints of the run subscribed to the event. */
export function subscribers(
	meta: Pick<RunMeta, "notifications">,
	event: NoticeEvent,
): Array<{ index: number; endpoint: NotificationEndpoint }> {
	return (meta.notifications ?? []).flatMap((endpoint, index) =>
		endpoint.events.includes(event) ? [{ index, endpoint }] : [],
	);
}

function runData(meta: RunMeta, header: NoticeHeader): NoticeData {
	const error = header.error
		? { code: header.error.code, message: header.error.message, node: header.error.node ?? null }
		: null;
	return {
		run: {
			id: meta.runId,
			status: header.status,
			result: header.result,
			error,
			startedAt: iso(header.startedAt),
			endedAt: iso(header.endedAt),
			path: `/v1/workflows/runs/${meta.runId}`,
		},
		workflow: {
			identifier: meta.workflow.identifier,
			title: meta.workflow.title,
			version: meta.workflow.version,
		},
		initiator: meta.initiator,
		notificationRecipients: meta.notificationRecipients,
	};
}

type NoticeHeader = Pick<RunHeader, "status" | "result" | "startedAt" | "endedAt"> & {
	error: { code: string; message: string; node?: string | null } | null;
};

const ENDED_EVENT = {
	SUCCESS: "run.completed",
	FAILED: "run.failed",
	CANCELLED: "run.cancelled",
} as const satisfies Record<string, NoticeEvent>;

/** The notification of a run that ended, or null when nobody subscribed to it. */
export function endedNotice(
	meta: RunMeta,
	header: NoticeHeader,
	now: number,
): DecidedNotice | null {
	if (header.result === null) return null;
	const type = ENDED_EVENT[header.result];
	if (subscribers(meta, type).length === 0) return null;
	return {
		key: "ended",
		notice: { type, timestamp: iso(now) as string, data: runData(meta, header) },
	};
}

/**
 * The notifications of the input requests this transition opened (`node_waiting` on an INPUT
 * node): one per request, keyed by node and the time it opened, so a request opened again later
 * (a retried run, a forEach item) is a notification of its own.
 */
export function inputNotices(
	meta: RunMeta,
	plan: Plan,
	state: RunState,
	opened: ReadonlyArray<{ node: string | null; item: number | null }>,
	linksFor: (node: string, config: InputConfig, since: number) => SealedLink[],
): DecidedNotice[] {
	if (subscribers(meta, "run.waiting_for_input").length === 0) return [];
	return opened.flatMap(({ node, item }) => {
		if (node === null || item !== null) return [];
		const config = inputConfigOf(plan, node);
		const wait = state.nodes[node]?.waitingOn;
		if (config === null || wait?.kind !== "input") return [];
		const input: InputNotice = {
			node,
			title: wait.title ?? plan.nodes.get(node)?.node.title ?? null,
			description: wait.description,
			dueAt: iso(wait.dueAt),
			numOfResponders: config.numOfResponders,
			form: (config.userInputs ?? null) as JsonValue,
			buttons: buttonsOf(config),
			answerPath: `/v1/runs/${meta.runId}/inputs/${node}`,
			responders: linksFor(node, config, wait.since),
		};
		return [
			{
				key: `input.${node}.${wait.since}`,
				notice: {
					type: "run.waiting_for_input" as const,
					timestamp: iso(wait.since) as string,
					data: { ...runData(meta, state.header), input },
				},
			},
		];
	});
}

/** A new record, newest last, keeping at most MAX_NOTIFICATION_RECORDS (the oldest ended go first). */
export function recordNotification(
	records: readonly NotificationRecord[],
	record: NotificationRecord,
): NotificationRecord[] {
	if (records.some((r) => r.id === record.id)) return [...records];
	const next = [...records, record];
	while (next.length > MAX_NOTIFICATION_RECORDS) {
		const ended = next.findIndex((r) => r.status !== "sending");
		next.splice(ended === -1 ? 0 : ended, 1);
	}
	return next;
}

/** Updates the record of message `id` (a delivery, a failure); unknown ids change nothing. */
export function updateRecord(
	records: readonly NotificationRecord[],
	id: string,
	change: Partial<Pick<NotificationRecord, "status" | "failures" | "lastError" | "endedAt">>,
): NotificationRecord[] {
	return records.map((r) => (r.id === id ? { ...r, ...change } : r));
}

/** A decided notification as one outbox message per subscribed endpoint, each with its record. */
export function fanOut(
	meta: RunMeta,
	decided: DecidedNotice,
	now: number,
): Array<{ id: string; message: Notify; record: NotificationRecord }> {
	const webhookId = webhookIdOf(meta.runId, decided.key);
	return subscribers(meta, decided.notice.type).map(({ index, endpoint }) => {
		const id = notifyMessageId(decided.key, index);
		const { events: _, ...target } = endpoint;
		return {
			id,
			message: { kind: "notify", endpoint: target, webhookId, notice: decided.notice },
			record: {
				id,
				webhookId,
				event: decided.notice.type,
				url: originOf(endpoint.url),
				status: "sending",
				failures: 0,
				lastError: null,
				at: now,
				endedAt: null,
			},
		};
	});
}

/** Only the endpoint's origin is shown on the run: a Slack webhook's path is its credential. */
function originOf(url: string): string {
	try {
		return new URL(url).origin;
	} catch {
		return "(invalid URL)";
	}
}

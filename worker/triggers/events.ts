import type { EventTriggerConfig } from "../../engine/definition";
import { database } from "../db/client";
import { claimEvents, type EventAnswer, storeEventAnswers } from "../db/events.repo";
import type { TriggerRow } from "../db/schema";
import { eventTriggers } from "../db/triggers.repo";
import { ApiError } from "../errors/api-error";
import { findTarget, type StartTarget, startRun } from "../runs/start-run";
import { derivedRunId } from "./derived-run-id";
import { listeningTypes, matchEvent, type TenantEvent } from "./event-match";

/** Runs started at once while answering one POST /v1/events. */
const START_CONCURRENCY = 16;

/**
 * Posts a batch of events for one tenant (docs/ARCHITECTURE.md#events): claims every event id
 * for 24 h (one D1 batch), matches the new ones against the tenant's event triggers of their
 * types only (one indexed read), starts one run per match through the shared start path, and
 * stores each event's answer, which a repeat of the id within 24 h gets back unchanged. A run's
 * id is derived from the event and the trigger, so an event whose first post died part-way is
 * finished by its repeat, and no match ever starts twice.
 */
export async function postEvents(
	env: Env,
	tenantId: string,
	events: TenantEvent[],
	now: number,
): Promise<(EventAnswer & { id: string; duplicate: boolean })[]> {
	const db = database(env.DB);
	const ids = [...new Set(events.map((e) => e.id))];
	const claims = await claimEvents(db, tenantId, ids, now);
	const toMatch = events.filter(
		(e, i) => events.findIndex((o) => o.id === e.id) === i && claims.get(e.id)?.answer === null,
	);
	const types = [...new Set(toMatch.flatMap((e) => listeningTypes(e.type)))];
	const triggers = types.length > 0 ? await eventTriggers(db, tenantId, types) : [];
	const targets = new Map<string, Promise<StartTarget | null>>();
	const targetOf = (row: TriggerRow) => {
		let target = targets.get(row.workflowId);
		if (!target) {
			target = findTarget(env, tenantId, row.workflowIdentifier, null).then(
				(t) => (t.workflow.id === row.workflowId ? t : null),
				() => null,
			);
			targets.set(row.workflowId, target);
		}
		return target;
	};

	const answers = new Map<string, EventAnswer>();
	const work: (() => Promise<void>)[] = [];
	for (const event of toMatch) {
		const answer: EventAnswer = { matched: [] };
		answers.set(event.id, answer);
		for (const row of triggers) {
			const result = matchEvent(row.config as EventTriggerConfig, event);
			if (!result.matches) {
				if (result.error !== undefined)
					answer.matched.push({
						workflow: row.workflowIdentifier,
						node: row.node,
						runId: null,
						error: result.error,
					});
				continue;
			}
			const match = {
				workflow: row.workflowIdentifier,
				node: row.node,
				runId: null as string | null,
				error: null as string | null,
			};
			answer.matched.push(match);
			work.push(async () => {
				const target = await targetOf(row);
				if (!target) {
					match.error = "the workflow was deleted";
					return;
				}
				try {
					const run = await startRun(
						env,
						{
							kind: "trigger",
							tenantId,
							origin: { type: "EVENT_TRIGGER", node: row.node, eventId: event.id },
						},
						{ identifier: row.workflowIdentifier, body: { inputs: event } },
						await derivedRunId([tenantId, "event", event.id, row.workflowId, row.node]),
						target,
					);
					match.runId = run.id;
				} catch (err) {
					if (!(err instanceof ApiError) || err.status >= 500) throw err;
					match.error = err.message;
				}
			});
		}
	}
	await inBatches(work, START_CONCURRENCY);
	// Only the claims this post made store their answer: a repeat racing the first leaves it.
	await storeEventAnswers(
		db,
		tenantId,
		[...answers].filter(([id]) => claims.get(id)?.mine).map(([id, answer]) => ({ id, answer })),
	);
	return events.map((event, i) => {
		const claim = claims.get(event.id);
		const answer = answers.get(event.id) ?? claim?.answer ?? { matched: [] };
		// The same id twice in one post: the second is a repeat of the first.
		const repeated = events.findIndex((o) => o.id === event.id) < i;
		return { id: event.id, duplicate: repeated || !claim?.mine, ...answer };
	});
}

async function inBatches(work: (() => Promise<void>)[], size: number): Promise<void> {
	let next = 0;
	const lanes = Array.from({ length: Math.min(size, work.length) }, async () => {
		while (next < work.length) {
			const job = work[next++];
			if (job) await job();
		}
	});
	await Promise.all(lanes);
}

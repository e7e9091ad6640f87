import { and, eq, sql } from "drizzle-orm";
import type { Database } from "./client";
import { eventClaims } from "./schema";

/** An event id starts nothing new, and answers the same, for this long. */
export const EVENT_DEDUPE_MS = 24 * 60 * 60 * 1000;

/** What posting an event did: each matching trigger, and the run it started or why not. */
export interface EventAnswer {
	matched: { workflow: string; node: string; runId: string | null; error: string | null }[];
}

export interface EventClaim {
	/** This post claimed the id (first in 24 h): it matches the event and stores the answer. */
	mine: boolean;
	/** The answer an earlier post stored; null while it is still being worked out. */
	answer: EventAnswer | null;
}

/**
 * Claims each event id for 24 h: one upsert per id, all in one D1 batch. A claim younger than
 * the window is kept and answered (with its stored answer, once there is one); an older one is
 * taken over. Each claim carries a random token, so of two posts racing on one id exactly one
 * sees its own token come back.
 */
export async function claimEvents(
	db: Database,
	tenantId: string,
	ids: string[],
	now: number,
): Promise<Map<string, EventClaim>> {
	const claims = new Map<string, EventClaim>();
	if (ids.length === 0) return claims;
	const stale = sql`${eventClaims.claimedAt} < ${now - EVENT_DEDUPE_MS}`;
	const tokens = ids.map(() => crypto.randomUUID());
	const statements = ids.map((eventId, i) =>
		db
			.insert(eventClaims)
			.values({ tenantId, eventId, token: tokens[i] as string, claimedAt: now, answer: null })
			.onConflictDoUpdate({
				target: [eventClaims.tenantId, eventClaims.eventId],
				set: {
					token: sql`CASE WHEN ${stale} THEN excluded.token ELSE ${eventClaims.token} END`,
					answer: sql`CASE WHEN ${stale} THEN NULL ELSE ${eventClaims.answer} END`,
					claimedAt: sql`CASE WHEN ${stale} THEN excluded.claimed_at ELSE ${eventClaims.claimedAt} END`,
				},
			})
			.returning({ token: eventClaims.token, answer: eventClaims.answer }),
	);
	const results = await db.batch(statements as [(typeof statements)[number]]);
	ids.forEach((id, i) => {
		const [row] = (results[i] ?? []) as { token: string; answer: EventAnswer | null }[];
		claims.set(id, { mine: row?.token === tokens[i], answer: row?.answer ?? null });
	});
	return claims;
}

/** Stores the answers of the claims this post made (a repeat of the id gets them back). */
export async function storeEventAnswers(
	db: Database,
	tenantId: string,
	answers: { id: string; answer: EventAnswer }[],
): Promise<void> {
	if (answers.length === 0) return;
	const statements = answers.map(({ id, answer }) =>
		db
			.update(eventClaims)
			.set({ answer })
			.where(and(eq(eventClaims.tenantId, tenantId), eq(eventClaims.eventId, id))),
	);
	await db.batch(statements as [(typeof statements)[number]]);
}

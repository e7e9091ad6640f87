import { Cron } from "croner";

/**
 * Cron ticks, computed by croner (https://github.com/hexagon/croner) for both the save-time
 * check and the schedules that fire: what a definition is allowed to say and when it fires come
 * from one parser, so they cannot disagree. Five fields (minute hour day-of-month month
 * day-of-week) in an IANA time zone; day-of-month and day-of-week combine with OR as in classic
 * cron. croner walks wall-clock time in the zone, so a tick in a daylight-saving gap or overlap
 * happens once, at the first valid instant (its fixed-time rule).
 */
const OPTIONS = { mode: "5-part", legacyMode: true } as const;

function cronOf(expression: string, timezone: string): Cron {
	return new Cron(expression, { ...OPTIONS, timezone, paused: true });
}

/** Undefined when croner accepts the expression in this zone, else its reason. */
export function cronProblem(expression: string, timezone = "UTC"): string | undefined {
	const fields = expression.trim().split(/\s+/).length;
	if (fields !== 5) return `cron must have 5 fields (minute hour day month weekday), got ${fields}`;
	try {
		const cron = cronOf(expression, timezone);
		// A pattern such as "0 0 31 2 *" parses but never fires; refuse it at save time.
		if (cron.nextRun(new Date(0)) === null) return `cron "${expression}" never fires`;
		return undefined;
	} catch (err) {
		return `invalid cron "${expression}": ${(err as Error).message}`;
	}
}

/** The next `count` ticks strictly after `after` (epoch ms), oldest first. */
export function ticksAfter(
	expression: string,
	timezone: string,
	after: number,
	count: number,
): number[] {
	const cron = cronOf(expression, timezone);
	const ticks: number[] = [];
	let from = new Date(after);
	while (ticks.length < count) {
		const next = cron.nextRun(from);
		if (next === null) break;
		ticks.push(next.getTime());
		from = next;
	}
	return ticks;
}

/** The first tick strictly after `after`, or null for a pattern that never fires again. */
export function tickAfter(expression: string, timezone: string, after: number): number | null {
	return ticksAfter(expression, timezone, after, 1)[0] ?? null;
}

/** The latest tick at or before `at` and after `after` (both epoch ms), or null if none. */
export function latestTickBetween(
	expression: string,
	timezone: string,
	after: number,
	at: number,
): number | null {
	const cron = cronOf(expression, timezone);
	const [previous] = cron.previousRuns(1, new Date(at + 1));
	if (!previous) return null;
	const time = previous.getTime();
	return time > after && time <= at ? time : null;
}

/**
 * Save-time checks of a schedule: the cron expression is checked by the same parser that
 * computes its ticks (engine/schedule/cron.ts), so a saved schedule always fires.
 */
export { cronProblem } from "../../schedule/cron";

/** IANA zone names known to the runtime's Intl data (Node and workerd share ICU). */
export function isKnownTimeZone(zone: string): boolean {
	try {
		new Intl.DateTimeFormat("en-US", { timeZone: zone });
		return true;
	} catch {
		return false;
	}
}

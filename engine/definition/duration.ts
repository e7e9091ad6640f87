import { MAX_DURATION_MS } from "./constants";

/**
 * Durations in definitions: compact ("500ms", "90s", "2h", "1d", "1h30m",
 * units in descending order, each at most once) or ISO 8601 ("PT1H30M", "P1D",
 * "P2W", "PT0.5S"). ISO years and months are refused: their length depends on
 * the calendar, and a timer must know its length when it is set.
 */
export type DurationResult = { ok: true; ms: number } | { ok: false; reason: string };

const COMPACT_UNITS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 } as const;
type CompactUnit = keyof typeof COMPACT_UNITS;
const COMPACT_ORDER: readonly CompactUnit[] = ["d", "h", "m", "s", "ms"];
const COMPACT = /^(?:\d+(?:ms|[dhms]))+$/;
const COMPACT_PART = /(\d+)(ms|[dhms])/g;
const ISO = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:[.,]\d{1,3})?)S)?)?$/;

export const DURATION_HINT = 'e.g. "500ms", "90s", "2h", "1d", "1h30m", "PT1H30M" or "P1D"';

export function tryParseDuration(input: string): DurationResult {
	const s = input.trim();
	if (s.length === 0 || s.length > 64) return invalid(input);
	const ms = COMPACT.test(s) ? parseCompact(s) : s.startsWith("P") ? parseIso(s) : undefined;
	if (ms === undefined) return invalid(input);
	if (typeof ms === "string") return { ok: false, reason: ms };
	if (!Number.isSafeInteger(ms) || ms > MAX_DURATION_MS) {
		return { ok: false, reason: `duration "${input}" is longer than the cap of 365 days` };
	}
	return { ok: true, ms };
}

/** Milliseconds of a duration; throws on an invalid one (definitions are validated at save time). */
export function parseDuration(input: string): number {
	const result = tryParseDuration(input);
	if (!result.ok) throw new RangeError(result.reason);
	return result.ms;
}

function invalid(input: string): DurationResult {
	return { ok: false, reason: `"${input}" is not a duration (${DURATION_HINT})` };
}

function parseCompact(s: string): number | string | undefined {
	let total = 0;
	let lastRank = -1;
	for (const match of s.matchAll(COMPACT_PART)) {
		const unit = match[2] as CompactUnit;
		const rank = COMPACT_ORDER.indexOf(unit);
		// "30m1h" or "1h1h" is almost certainly a typo; refuse rather than guess.
		if (rank <= lastRank) return `units in "${s}" must appear once each, largest first`;
		lastRank = rank;
		total += Number(match[1]) * COMPACT_UNITS[unit];
	}
	return total;
}

function parseIso(s: string): number | string | undefined {
	if (/^P(?:\d+Y|\d+M)|^P[^T]*[YM]/.test(s)) {
		return `ISO 8601 years and months have no fixed length; use days or weeks in "${s}"`;
	}
	const m = ISO.exec(s);
	// "P" and "PT" alone match the pattern with nothing in it.
	if (!m || s === "P" || s.endsWith("T")) return undefined;
	const [, w, d, h, min, sec] = m;
	const seconds = sec === undefined ? 0 : Number(sec.replace(",", "."));
	return (
		num(w) * 7 * 86_400_000 +
		num(d) * 86_400_000 +
		num(h) * 3_600_000 +
		num(min) * 60_000 +
		Math.round(seconds * 1000)
	);
}

function num(part: string | undefined): number {
	return part === undefined ? 0 : Number(part);
}

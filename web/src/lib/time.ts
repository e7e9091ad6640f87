// Times in the viewer's timezone and locale, with a relative hint ("3 minutes ago").

const absolute = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });
const clock = new Intl.DateTimeFormat(undefined, { timeStyle: "medium" });
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: "auto", style: "long" });
export const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
	["year", 365 * 86_400_000],
	["month", 30 * 86_400_000],
	["day", 86_400_000],
	["hour", 3_600_000],
	["minute", 60_000],
	["second", 1000],
];

export function formatAbsolute(iso: string): string {
	return absolute.format(new Date(iso));
}

/** Time of day only: history rows of one run rarely span days (the title has the date). */
export function formatClock(iso: string): string {
	return clock.format(new Date(iso));
}

export function formatRelative(iso: string, now = Date.now()): string {
	const diff = Date.parse(iso) - now;
	for (const [unit, ms] of UNITS) {
		if (Math.abs(diff) >= ms || unit === "second") {
			return relative.format(Math.round(diff / ms), unit);
		}
	}
	return "";
}

/** "850 ms", "4.2 s", "3 min 5 s", "2 h 10 min". */
export function formatDuration(ms: number): string {
	if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
	if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
	const minutes = Math.floor(ms / 60_000);
	if (minutes < 60) return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
	return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function durationBetween(start: string | null, end: string | null): string {
	if (!start) return "";
	const until = end ? Date.parse(end) : Date.now();
	return formatDuration(until - Date.parse(start));
}

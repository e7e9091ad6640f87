/**
 * Save-time check of 5-field cron expressions ("m h dom mon dow"): numbers,
 * `*`, ranges, steps, lists, and month/day names. The scheduler that fires the
 * ticks lives elsewhere; this only refuses what it could never fire.
 */
const FIELDS = [
	{ name: "minute", min: 0, max: 59 },
	{ name: "hour", min: 0, max: 23 },
	{ name: "day of month", min: 1, max: 31 },
	{ name: "month", min: 1, max: 12 },
	{ name: "day of week", min: 0, max: 7 },
] as const;

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/** Undefined when valid, else a message naming the bad field. */
export function cronProblem(expr: string): string | undefined {
	const parts = expr.trim().split(/\s+/);
	if (parts.length !== 5)
		return `cron must have 5 fields (minute hour day month weekday), got ${parts.length}`;
	for (const [i, field] of FIELDS.entries()) {
		const part = parts[i] ?? "";
		for (const item of part.split(",")) {
			if (!validItem(item, i, field.min, field.max)) {
				return `invalid ${field.name} "${part}" in cron "${expr}" (allowed ${field.min}-${field.max})`;
			}
		}
	}
	return undefined;
}

function validItem(item: string, index: number, min: number, max: number): boolean {
	const [range, step, extra] = item.split("/");
	if (extra !== undefined || range === undefined || range === "") return false;
	if (step !== undefined && !(/^\d+$/.test(step) && Number(step) >= 1 && Number(step) <= max)) {
		return false;
	}
	if (range === "*") return true;
	const [from, to, more] = range.split("-");
	if (more !== undefined) return false;
	const a = value(from, index);
	const b = to === undefined ? a : value(to, index);
	return a !== undefined && b !== undefined && a >= min && b <= max && a <= b;
}

function value(token: string | undefined, index: number): number | undefined {
	if (token === undefined) return undefined;
	if (/^\d{1,2}$/.test(token)) return Number(token);
	const upper = token.toUpperCase();
	if (index === 3 && MONTHS.includes(upper)) return MONTHS.indexOf(upper) + 1;
	if (index === 4 && DAYS.includes(upper)) return DAYS.indexOf(upper);
	return undefined;
}

/** IANA zone names known to the runtime's Intl data (Node and workerd share ICU). */
export function isKnownTimeZone(zone: string): boolean {
	try {
		new Intl.DateTimeFormat("en-US", { timeZone: zone });
		return true;
	} catch {
		return false;
	}
}

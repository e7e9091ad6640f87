import type { Json } from "./ast";
import { fail } from "./runtime";

// Dates in UTC only (Workers have no local time zone). Broken-down time is jq's array
// [year, month0, day, hours, minutes, seconds(with fraction), weekday, yearday].

const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS = [
	"January",
	"February",
	"March",
	"April",
	"May",
	"June",
	"July",
	"August",
	"September",
	"October",
	"November",
	"December",
];

export function gmtime(seconds: Json): Json[] {
	if (typeof seconds !== "number") return fail("gmtime() requires a number");
	const whole = Math.floor(seconds);
	const date = new Date(whole * 1000);
	if (Number.isNaN(date.getTime())) return fail("gmtime() argument out of range");
	const startOfYear = Date.UTC(date.getUTCFullYear(), 0, 1);
	const yday = Math.floor((date.getTime() - startOfYear) / 86_400_000);
	return [
		date.getUTCFullYear(),
		date.getUTCMonth(),
		date.getUTCDate(),
		date.getUTCHours(),
		date.getUTCMinutes(),
		date.getUTCSeconds() + (seconds - whole),
		date.getUTCDay(),
		yday,
	];
}

function requireBrokenDown(value: Json, name: string): number[] {
	if (!Array.isArray(value) || value.length < 6 || !value.every((v) => typeof v === "number")) {
		return fail(`${name} requires parsed datetime inputs`);
	}
	return value as number[];
}

export function mktime(value: Json): number {
	const [year = 0, month = 0, day = 0, hours = 0, minutes = 0, seconds = 0] = requireBrokenDown(
		value,
		"mktime",
	);
	const date = new Date(0);
	date.setUTCFullYear(year, month, day);
	date.setUTCHours(hours, minutes, Math.floor(seconds), 0);
	return Math.floor(date.getTime() / 1000);
}

const pad = (n: number, width = 2, fill = "0") => String(n).padStart(width, fill);

function isoWeek(date: Date): { week: number; year: number } {
	const target = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
	const day = (date.getUTCDay() + 6) % 7;
	target.setUTCDate(target.getUTCDate() - day + 3);
	const firstThursday = new Date(Date.UTC(target.getUTCFullYear(), 0, 4));
	const days = (target.getTime() - firstThursday.getTime()) / 86_400_000;
	const week = 1 + Math.round((days - 3 + ((firstThursday.getUTCDay() + 6) % 7)) / 7);
	return { week, year: target.getUTCFullYear() };
}

export function strftime(value: Json, format: Json): string {
	if (typeof format !== "string") return fail("strftime/1 requires a string format");
	const parts = typeof value === "number" ? gmtime(value) : requireBrokenDown(value, "strftime/1");
	const seconds = mktime(parts);
	const date = new Date(seconds * 1000);
	const [year, month, day, hours, minutes] = [
		date.getUTCFullYear(),
		date.getUTCMonth(),
		date.getUTCDate(),
		date.getUTCHours(),
		date.getUTCMinutes(),
	];
	const secs = date.getUTCSeconds();
	const wday = date.getUTCDay();
	const yday = Math.floor((date.getTime() - Date.UTC(year, 0, 1)) / 86_400_000);
	const hour12 = hours % 12 === 0 ? 12 : hours % 12;
	const directive = (c: string): string => {
		switch (c) {
			case "Y":
				return String(year);
			case "C":
				return pad(Math.floor(year / 100));
			case "y":
				return pad(year % 100);
			case "m":
				return pad(month + 1);
			case "d":
				return pad(day);
			case "e":
				return pad(day, 2, " ");
			case "H":
				return pad(hours);
			case "k":
				return pad(hours, 2, " ");
			case "I":
				return pad(hour12);
			case "l":
				return pad(hour12, 2, " ");
			case "M":
				return pad(minutes);
			case "S":
				return pad(secs);
			case "j":
				return pad(yday + 1, 3);
			case "a":
				return (DAYS[wday] as string).slice(0, 3);
			case "A":
				return DAYS[wday] as string;
			case "b":
			case "h":
				return (MONTHS[month] as string).slice(0, 3);
			case "B":
				return MONTHS[month] as string;
			case "p":
				return hours < 12 ? "AM" : "PM";
			case "P":
				return hours < 12 ? "am" : "pm";
			case "u":
				return String(wday === 0 ? 7 : wday);
			case "w":
				return String(wday);
			case "U":
				return pad(Math.floor((yday + 7 - wday) / 7));
			case "W":
				return pad(Math.floor((yday + 7 - ((wday + 6) % 7)) / 7));
			case "V":
				return pad(isoWeek(date).week);
			case "G":
				return String(isoWeek(date).year);
			case "g":
				return pad(isoWeek(date).year % 100);
			case "s":
				return String(seconds);
			case "Z":
				return "UTC";
			case "z":
				return "+0000";
			case "c":
				return `${directive("a")} ${directive("b")} ${directive("e")} ${directive("T")} ${year}`;
			case "D":
			case "x":
				return `${directive("m")}/${directive("d")}/${directive("y")}`;
			case "F":
				return `${year}-${directive("m")}-${directive("d")}`;
			case "T":
			case "X":
				return `${directive("H")}:${directive("M")}:${directive("S")}`;
			case "R":
				return `${directive("H")}:${directive("M")}`;
			case "r":
				return `${directive("I")}:${directive("M")}:${directive("S")} ${directive("p")}`;
			case "n":
				return "\n";
			case "t":
				return "\t";
			case "%":
				return "%";
			default:
				return fail(`strftime: unsupported conversion %${c}`);
		}
	};
	return format.replace(/%(.)/gs, (_, c: string) => directive(c));
}

/** Parses `text` with a strptime format; unknown directives are errors. */
export function strptime(text: Json, format: Json): Json[] {
	if (typeof text !== "string") return fail(`strptime/1 requires string inputs and arguments`);
	if (typeof format !== "string") return fail("strptime/1 requires string inputs and arguments");
	const fields = {
		year: 1900,
		month: 0,
		day: 1,
		hours: 0,
		minutes: 0,
		seconds: 0,
		pm: null as boolean | null,
		epoch: null as number | null,
		offset: 0,
	};
	let at = 0;
	const mismatch = (): never => fail(`date "${text}" does not match format "${format}"`);
	const number = (maxDigits: number, allowSign = false): number => {
		const match = new RegExp(`^${allowSign ? "[+-]?" : ""}\\d{1,${maxDigits}}`).exec(
			text.slice(at).replace(/^ +/, (sp) => {
				at += sp.length;
				return "";
			}),
		);
		if (!match) return mismatch();
		at += match[0].length;
		return Number(match[0]);
	};
	const name = (names: string[]): number => {
		const rest = text.slice(at).toLowerCase();
		for (let i = 0; i < names.length; i++) {
			const full = (names[i] as string).toLowerCase();
			if (rest.startsWith(full)) {
				at += full.length;
				return i;
			}
			if (rest.startsWith(full.slice(0, 3))) {
				at += 3;
				return i;
			}
		}
		return mismatch();
	};
	for (let i = 0; i < format.length; i++) {
		const c = format[i] as string;
		if (c !== "%") {
			if (/\s/.test(c)) {
				while (/\s/.test(text[at] ?? "")) at++;
				continue;
			}
			if (text[at] !== c) mismatch();
			at++;
			continue;
		}
		const d = format[++i];
		switch (d) {
			case "Y":
				fields.year = number(4, true);
				break;
			case "m":
				fields.month = number(2) - 1;
				break;
			case "d":
			case "e":
				fields.day = number(2);
				break;
			case "H":
				fields.hours = number(2);
				break;
			case "I":
				fields.hours = number(2) % 12;
				break;
			case "M":
				fields.minutes = number(2);
				break;
			case "S":
				fields.seconds = number(2);
				break;
			case "y": {
				const y = number(2);
				fields.year = y < 69 ? 2000 + y : 1900 + y;
				break;
			}
			case "j": {
				const yday = number(3);
				fields.month = 0;
				fields.day = yday;
				break;
			}
			case "b":
			case "B":
			case "h":
				fields.month = name(MONTHS);
				break;
			case "a":
			case "A":
				name(DAYS);
				break;
			case "p": {
				const m = /^(am|pm)/i.exec(text.slice(at));
				if (!m) mismatch();
				fields.pm = (m?.[0] ?? "").toLowerCase() === "pm";
				at += 2;
				break;
			}
			case "s":
				fields.epoch = number(20, true);
				break;
			case "z": {
				const m = /^([+-])(\d\d):?(\d\d)|^Z/.exec(text.slice(at));
				if (!m) mismatch();
				at += m?.[0].length ?? 0;
				break;
			}
			case "Z": {
				const m = /^[A-Za-z]+/.exec(text.slice(at));
				if (m) at += m[0].length;
				break;
			}
			case "T": {
				fields.hours = number(2);
				expect(":");
				fields.minutes = number(2);
				expect(":");
				fields.seconds = number(2);
				break;
			}
			case "F": {
				fields.year = number(4, true);
				expect("-");
				fields.month = number(2) - 1;
				expect("-");
				fields.day = number(2);
				break;
			}
			case "%":
				if (text[at] !== "%") mismatch();
				at++;
				break;
			default:
				return fail(`strptime: unsupported conversion %${d ?? ""}`);
		}
	}
	function expect(ch: string) {
		if ((text as string)[at] !== ch) mismatch();
		at++;
	}
	if (at < text.length) mismatch();
	if (fields.epoch !== null) return gmtime(fields.epoch);
	if (fields.pm !== null) fields.hours = (fields.hours % 12) + (fields.pm ? 12 : 0);
	const date = new Date(0);
	date.setUTCFullYear(fields.year, fields.month, fields.day);
	date.setUTCHours(fields.hours, fields.minutes, fields.seconds, 0);
	return gmtime(Math.floor(date.getTime() / 1000));
}

import type { Json } from "./ast";
import { fail } from "./runtime";

// Dates in UTC only (Workers have no local time zone). Broken-down time is jq's array
// [year, month0, day, hours, minutes, seconds(with fraction), weekday, yearday].

export const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
export const MONTHS = [
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

export function requireBrokenDown(value: Json, name: string): number[] {
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

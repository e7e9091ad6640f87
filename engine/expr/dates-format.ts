import type { Json } from "./ast";
import { DAYS, gmtime, MONTHS, mktime, requireBrokenDown } from "./dates";
import { fail } from "./runtime";

// strftime for UTC broken-down times (glibc's conversions that jq users rely on).

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

import type { Json } from "./ast";
import { DAYS, gmtime, MONTHS } from "./dates";
import { fail } from "./runtime";
import { preview } from "./values";

// strptime: a glibc-compatible subset; the result is normalised through gmtime so the
// weekday and day of year are filled in, as jq 1.6 does.

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
	const mismatch = (): never =>
		fail(`date ${preview(text)} does not match format ${preview(format)}`);
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

import type { Budget } from "./limits";

// Strings by code point, as jq counts them, at the price of a native scan when (as usual)
// the text has no surrogate pairs, and a charged walk one code point at a time when it has.

const SURROGATE = /[\ud800-\udfff]/;

/** True when the text holds a character outside the BMP (or a lone surrogate). */
export function hasSurrogates(text: string, budget: Budget): boolean {
	budget.chars(text.length);
	return SURROGATE.test(text);
}

/** The number of code points in `text` (jq's string `length`). */
export function codePointLength(text: string, budget: Budget): number {
	if (!hasSurrogates(text, budget)) return text.length;
	budget.codePoints(text.length);
	let count = 0;
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		// A low surrogate right after a high one finishes a pair counted already.
		if (code >= 0xdc00 && code <= 0xdfff && i > 0) {
			const previous = text.charCodeAt(i - 1);
			if (previous >= 0xd800 && previous <= 0xdbff) continue;
		}
		count++;
	}
	return count;
}

/** The code points of `text` as strings, each charged. */
export function codePointsOf(text: string, budget: Budget): string[] {
	budget.codePoints(text.length);
	return Array.from(text);
}

/** `text` from code point `start` to `end` (already resolved and clamped by the caller). */
export function sliceCodePoints(text: string, start: number, end: number, budget: Budget): string {
	if (!hasSurrogates(text, budget)) {
		budget.chars(end - start);
		return text.slice(start, end);
	}
	return codePointsOf(text, budget).slice(start, end).join("");
}

/** UTF-8 bytes without encoding: 1 to 4 per code point, by range. */
export function utf8ByteLength(text: string, budget: Budget): number {
	budget.chars(text.length);
	let bytes = 0;
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		if (code < 0x80) bytes += 1;
		else if (code < 0x800) bytes += 2;
		else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
			const next = text.charCodeAt(i + 1);
			if (next >= 0xdc00 && next <= 0xdfff) {
				bytes += 4;
				i++;
			} else bytes += 3;
		} else bytes += 3;
	}
	return bytes;
}

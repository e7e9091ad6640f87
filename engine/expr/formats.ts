import type { Json } from "./ast";
import type { Budget } from "./limits";
import { fail } from "./runtime";
import { utf8ByteLength } from "./text";
import { describeValue, formatNumber, toJson, toText } from "./values";

// The `@name` formats. Each turns one value into a string (inside "\(...)" they apply to
// each interpolated value).

const FORMATS = ["text", "json", "html", "uri", "csv", "tsv", "sh", "base64", "base64d"] as const;
export type FormatName = (typeof FORMATS)[number];

export function isFormat(name: string): name is FormatName {
	return (FORMATS as readonly string[]).includes(name);
}

export function applyFormat(name: FormatName, value: Json, budget: Budget): string {
	budget.step();
	switch (name) {
		case "text":
			return toText(value, budget);
		case "json":
			return toJson(value, budget);
		case "html": {
			const text = toText(value, budget);
			planEscape(text, htmlWidth, budget);
			return text.replace(/[<>&'"]/g, (c) => HTML_ESCAPES[c] ?? c);
		}
		case "uri": {
			const text = toText(value, budget);
			planEscape(text, uriWidth, budget);
			return encodeUri(text);
		}
		case "csv":
			return row(value, "csv", budget, (cell) => {
				if (typeof cell !== "string") return scalar(cell, "csv");
				planEscape(cell, csvWidth, budget);
				return `"${cell.replace(/"/g, '""')}"`;
			});
		case "tsv":
			return row(
				value,
				"tsv",
				budget,
				(cell) => {
					if (typeof cell !== "string") return scalar(cell, "tsv");
					planEscape(cell, tsvWidth, budget);
					return escapeTsv(cell);
				},
				"\t",
			);
		case "sh":
			return shell(value, budget);
		case "base64": {
			const text = toText(value, budget);
			const bytes = utf8ByteLength(text, budget);
			budget.checkStringLength(Math.ceil(bytes / 3) * 4);
			budget.chars(bytes * 4);
			return encodeBase64(text);
		}
		case "base64d": {
			const text = toText(value, budget);
			budget.codePoints(text.length);
			return decodeBase64(text);
		}
	}
}

/** Characters an escape writes for the UTF-16 unit at `at` (1 when it is kept as it is). */
type Width = (text: string, at: number) => number;

/**
 * Before an escaping pass: one cheap scan works out the exact length of the result, which is
 * checked against the string limit (so a huge result is refused before it is built), and
 * charges a step for each character the pass rewrites (rewriting costs far more than copying).
 */
function planEscape(text: string, widthOf: Width, budget: Budget): number {
	budget.chars(text.length);
	let length = 0;
	let rewritten = 0;
	for (let i = 0; i < text.length; i++) {
		const width = widthOf(text, i);
		length += width;
		if (width !== 1) rewritten++;
	}
	budget.checkStringLength(length);
	budget.values(rewritten);
	return length;
}

const htmlWidth: Width = (text, at) => {
	const code = text.charCodeAt(at);
	if (code === 0x3c || code === 0x3e) return 4; // &lt; &gt;
	if (code === 0x26) return 5; // &amp;
	return code === 0x27 || code === 0x22 ? 6 : 1; // &apos; &quot;
};

const isHigh = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLow = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/** `%XX` per UTF-8 byte; a pair writes its 4 bytes for its high half (12) and none for its low. */
const uriWidth: Width = (text, at) => {
	const code = text.charCodeAt(at);
	if (code < 0x80) return URI_SAFE_ASCII[code] === 1 ? 1 : 3;
	if (code < 0x800) return 6;
	if (isHigh(code) && isLow(text.charCodeAt(at + 1))) return 12;
	if (isLow(code) && at > 0 && isHigh(text.charCodeAt(at - 1))) return 0;
	return 9;
};

const shellWidth: Width = (text, at) => (text.charCodeAt(at) === 0x27 ? 4 : 1); // '\''
const csvWidth: Width = (text, at) => (text.charCodeAt(at) === 0x22 ? 2 : 1); // ""
const tsvWidth: Width = (text, at) => {
	const code = text.charCodeAt(at);
	return code === 0x5c || code === 0x09 || code === 0x0a || code === 0x0d ? 2 : 1;
};

const HTML_ESCAPES: Record<string, string> = {
	"<": "&lt;",
	">": "&gt;",
	"&": "&amp;",
	"'": "&apos;",
	'"': "&quot;",
};

// jq 1.6 leaves RFC 3986 unreserved characters (and `!*'()`) as they are.
const URI_SAFE = /[A-Za-z0-9\-_.~!*'()]/;
const URI_SAFE_ASCII = Uint8Array.from({ length: 128 }, (_, code) =>
	URI_SAFE.test(String.fromCharCode(code)) ? 1 : 0,
);

// encodeURIComponent keeps exactly jq's set (A-Z a-z 0-9 - _ . ~ ! * ' ( )) and prints
// uppercase hex; only a lone surrogate, which it refuses, needs the slow path.
function encodeUri(text: string): string {
	try {
		return encodeURIComponent(text);
	} catch {
		return encodeUriSlowly(text);
	}
}

/** jq's @uri one character at a time; a lone surrogate becomes U+FFFD as in TextEncoder. */
function encodeUriSlowly(text: string): string {
	let out = "";
	for (const char of text) {
		if (URI_SAFE.test(char)) {
			out += char;
			continue;
		}
		for (const byte of new TextEncoder().encode(char))
			out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
	}
	return out;
}

function scalar(cell: Json, format: string): string {
	if (cell === null) return "";
	if (typeof cell === "number") return formatNumber(cell);
	if (typeof cell === "boolean") return cell ? "true" : "false";
	return fail(`${describeValue(cell)} is not valid in a ${format} row`);
}

function row(
	value: Json,
	format: string,
	budget: Budget,
	cell: (item: Json) => string,
	separator = ",",
): string {
	if (!Array.isArray(value))
		return fail(`${describeValue(value)} cannot be ${format}-formatted, only an array can be`);
	let length = 0;
	const cells = value.map((item) => {
		budget.values(1);
		const text = cell(item);
		length += text.length + 1;
		budget.checkStringLength(length);
		return text;
	});
	return cells.join(separator);
}

function escapeTsv(text: string): string {
	return text.replace(/[\\\t\n\r]/g, (c) =>
		c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r",
	);
}

function shell(value: Json, budget: Budget): string {
	let length = 0;
	const quote = (item: Json): string => {
		budget.values(1);
		let text: string;
		if (typeof item === "string") {
			budget.checkStringLength(length + planEscape(item, shellWidth, budget) + 2);
			text = `'${item.replace(/'/g, "'\\''")}'`;
		} else if (item === null || typeof item !== "object") text = toJson(item, budget);
		else return fail(`${describeValue(item)} can not be escaped for shell`);
		length += text.length + 1;
		budget.checkStringLength(length);
		return text;
	};
	return Array.isArray(value) ? value.map(quote).join(" ") : quote(value);
}

function encodeBase64(text: string): string {
	const bytes = new TextEncoder().encode(text);
	let binary = "";
	// Chunks keep String.fromCharCode's argument list well inside the engine's limits.
	for (let at = 0; at < bytes.length; at += 0x2000)
		binary += String.fromCharCode(...bytes.subarray(at, at + 0x2000));
	return btoa(binary);
}

const BASE64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Decodes base64 (padding optional, as jq accepts); invalid input is an error. */
function decodeBase64(text: string): string {
	const trimmed = text.replace(/=+$/, "");
	const bytes: number[] = [];
	let buffer = 0;
	let bits = 0;
	for (const char of trimmed) {
		const sextet = BASE64_ALPHABET.indexOf(char);
		if (sextet < 0) return fail(`${describeValue(text)} is not valid base64 data`);
		buffer = (buffer << 6) | sextet;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			bytes.push((buffer >> bits) & 0xff);
		}
	}
	if (trimmed.length % 4 === 1) return fail(`${describeValue(text)} trailing base64 byte found`);
	return new TextDecoder().decode(new Uint8Array(bytes));
}

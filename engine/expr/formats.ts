import type { Json } from "./ast";
import type { Budget } from "./limits";
import { fail } from "./runtime";
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
			return toText(value);
		case "json":
			return toJson(value);
		case "html":
			return toText(value).replace(/[<>&'"]/g, (c) => HTML_ESCAPES[c] ?? c);
		case "uri":
			return encodeUri(toText(value));
		case "csv":
			return row(value, "csv", (cell) =>
				typeof cell === "string" ? `"${cell.replace(/"/g, '""')}"` : scalar(cell, "csv"),
			);
		case "tsv":
			return row(
				value,
				"tsv",
				(cell) => (typeof cell === "string" ? escapeTsv(cell) : scalar(cell, "tsv")),
				"\t",
			);
		case "sh":
			return shell(value);
		case "base64":
			return encodeBase64(toText(value));
		case "base64d":
			return decodeBase64(toText(value));
	}
}

const HTML_ESCAPES: Record<string, string> = {
	"<": "&lt;",
	">": "&gt;",
	"&": "&amp;",
	"'": "&apos;",
	'"': "&quot;",
};

// jq 1.6 leaves RFC 3986 unreserved characters (and `!*'()`) as they are.
const URI_SAFE = /[A-Za-z0-9\-_.~!*'()]/;

function encodeUri(text: string): string {
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

function row(value: Json, format: string, cell: (item: Json) => string, separator = ","): string {
	if (!Array.isArray(value))
		return fail(`${describeValue(value)} cannot be ${format}-formatted, only an array can be`);
	return value.map(cell).join(separator);
}

function escapeTsv(text: string): string {
	return text.replace(/[\\\t\n\r]/g, (c) =>
		c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r",
	);
}

function shell(value: Json): string {
	const quote = (item: Json): string => {
		if (typeof item === "string") return `'${item.replace(/'/g, "'\\''")}'`;
		if (item === null || typeof item !== "object") return toJson(item);
		return fail(`${describeValue(item)} can not be escaped for shell`);
	};
	return Array.isArray(value) ? value.map(quote).join(" ") : quote(value);
}

function encodeBase64(text: string): string {
	let binary = "";
	for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
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

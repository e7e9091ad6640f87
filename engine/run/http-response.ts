/**
 * The HTTP response model. The shell performs the call (redirects not followed, body read
 * up to RESPONSE_BODY_LIMIT_BYTES + 1 so it can tell "exactly 1 MiB" from "more") and hands
 * the raw result to the engine; the engine decides what it means.
 */
import type { JsonValue } from "./json";

export const RESPONSE_BODY_LIMIT_BYTES = 1024 * 1024;

/** What the shell reports for a call that produced a response (any status). */
export interface RawHttpResponse {
	status: number;
	/** Header names lower-cased; repeated headers joined with ", " (what `Headers` gives). */
	headers: Record<string, string>;
	/** The body decoded as UTF-8 text, at most the limit (the rest is not read). */
	body: string;
	/** True when the body was longer than RESPONSE_BODY_LIMIT_BYTES (reading stopped). */
	bodyTruncated: boolean;
}

/** `.response` in templates and the default node output. */
export interface HttpResponse {
	status: number;
	headers: Record<string, string>;
	/** Parsed JSON when the content type says JSON, the text otherwise, null when empty. */
	data: JsonValue;
}

export type ResponseReading =
	| { kind: "response"; response: HttpResponse; warning: string | null }
	| { kind: "too_large"; message: string };

export function readResponse(raw: RawHttpResponse): ResponseReading {
	if (raw.bodyTruncated) {
		return {
			kind: "too_large",
			message: `the response body is larger than ${RESPONSE_BODY_LIMIT_BYTES} bytes (1 MiB), the most a step reads`,
		};
	}
	const headers: Record<string, string> = {};
	for (const [name, value] of Object.entries(raw.headers)) headers[name.toLowerCase()] = value;
	const base = { status: raw.status, headers };
	if (raw.body === "")
		return { kind: "response", response: { ...base, data: null }, warning: null };
	if (!isJsonContentType(headers["content-type"])) {
		return { kind: "response", response: { ...base, data: raw.body }, warning: null };
	}
	try {
		return {
			kind: "response",
			response: { ...base, data: JSON.parse(raw.body) as JsonValue },
			warning: null,
		};
	} catch {
		return {
			kind: "response",
			response: { ...base, data: raw.body },
			warning: "the response says it is JSON but does not parse; .response.data is the raw text",
		};
	}
}

/** application/json, application/problem+json, text/json, …; with or without parameters. */
export function isJsonContentType(contentType: string | undefined): boolean {
	if (contentType === undefined) return false;
	const mediaType = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
	return /^[a-z]+\/([a-z0-9.+-]*\+)?json$/.test(mediaType);
}

/**
 * How much of each answer a run keeps beside the attempt (body and headers, each), so a
 * failed call explains itself without the run growing with every byte a receiver sends.
 * The run-size bounds build on this one number.
 */
export const RESPONSE_EXCERPT_BYTES = 4 * 1024;

/** The start of an answer as the attempt record keeps it (already masked by the caller). */
export interface ResponseExcerpt {
	/** Header names lower-cased, in the order received, until RESPONSE_EXCERPT_BYTES. */
	headers: Record<string, string>;
	headersTruncated: boolean;
	/** The body's first RESPONSE_EXCERPT_BYTES bytes of UTF-8, never a split character. */
	body: string;
	/** The body's size in bytes as read (a body over the read limit stops there). */
	bodyBytes: number;
	bodyTruncated: boolean;
}

const utf8 = new TextEncoder();

/** The first `limit` bytes of `text` in UTF-8, cut before a character that would not fit. */
function utf8Prefix(text: string, limit: number): { text: string; bytes: number; cut: boolean } {
	const bytes = utf8.encode(text);
	if (bytes.length <= limit) return { text, bytes: bytes.length, cut: false };
	let end = limit;
	// A continuation byte (10xxxxxx) belongs to the character before: back off to its start.
	while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
	return { text: new TextDecoder().decode(bytes.subarray(0, end)), bytes: bytes.length, cut: true };
}

/** What a run keeps of an answer: the first RESPONSE_EXCERPT_BYTES of its headers and body. */
export function responseExcerpt(raw: RawHttpResponse): ResponseExcerpt {
	const headers: Record<string, string> = {};
	let used = 0;
	let headersTruncated = false;
	for (const [name, value] of Object.entries(raw.headers)) {
		const size = utf8.encode(name).length + utf8.encode(value).length + 4; // ": " and CRLF
		if (used + size > RESPONSE_EXCERPT_BYTES) {
			headersTruncated = true;
			break;
		}
		used += size;
		headers[name.toLowerCase()] = value;
	}
	const body = utf8Prefix(raw.body, RESPONSE_EXCERPT_BYTES);
	return {
		headers,
		headersTruncated,
		body: body.text,
		bodyBytes: body.bytes,
		bodyTruncated: body.cut || raw.bodyTruncated,
	};
}

export function isSuccessStatus(status: number): boolean {
	return status >= 200 && status <= 299;
}

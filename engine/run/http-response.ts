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

export function isSuccessStatus(status: number): boolean {
	return status >= 200 && status <= 299;
}

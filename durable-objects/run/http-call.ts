import type { AttemptOutcome, HttpRequestEffect } from "../../engine/run";
import { RESPONSE_BODY_LIMIT_BYTES } from "../../engine/run";

/**
 * Performs one outgoing call for the engine and reports how it ended. Redirects are not
 * followed (a 3xx is the response), the body is read up to the limit + 1 byte so the engine
 * can tell "too large", and the call is aborted after the attempt's timeout.
 */
export async function performHttpCall(
	effect: HttpRequestEffect,
	abort: AbortSignal,
): Promise<AttemptOutcome> {
	// A timer we clear ourselves (not AbortSignal.timeout): a timer left pending after the call
	// keeps the object busy for the whole attempt timeout.
	const timeout = new AbortController();
	const timer = setTimeout(() => timeout.abort(), effect.timeoutMs);
	const signal = AbortSignal.any([abort, timeout.signal]);
	try {
		const response = await fetch(effect.request.url, {
			method: effect.request.method,
			headers: effect.request.headers,
			body: effect.request.body,
			redirect: "manual",
			signal,
		});
		const { body, truncated } = await readLimited(response, RESPONSE_BODY_LIMIT_BYTES);
		const headers: Record<string, string> = {};
		response.headers.forEach((value, name) => {
			headers[name.toLowerCase()] = value;
		});
		return {
			kind: "response",
			response: { status: response.status, headers, body, bodyTruncated: truncated },
		};
	} catch (err) {
		if (timeout.signal.aborted) return { kind: "timeout" };
		if (abort.aborted)
			return { kind: "network_error", code: "abandoned", message: "The call was abandoned." };
		return { kind: "network_error", code: "network_error", message: describe(err) };
	} finally {
		clearTimeout(timer);
	}
}

async function readLimited(
	response: Response,
	limit: number,
): Promise<{ body: string; truncated: boolean }> {
	if (!response.body) return { body: "", truncated: false };
	const reader = response.body.getReader();
	const chunks: Uint8Array[] = [];
	let size = 0;
	let truncated = false;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		size += value.byteLength;
		if (size > limit) {
			truncated = true;
			await reader.cancel();
			break;
		}
		chunks.push(value);
	}
	const joined = new Uint8Array(Math.min(size, limit));
	let offset = 0;
	for (const chunk of chunks) {
		joined.set(chunk, offset);
		offset += chunk.byteLength;
	}
	return { body: new TextDecoder().decode(joined), truncated };
}

function describe(err: unknown): string {
	const message = err instanceof Error ? err.message : String(err);
	// workerd's messages are precise enough for authors; keep them short.
	return message.length > 300 ? `${message.slice(0, 300)}…` : message;
}

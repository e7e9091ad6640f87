import { HEADER_SIGNATURE, sign } from "../../engine/crypto/standard-webhooks";
import type { AttemptOutcome, HttpRequestEffect } from "../../engine/run";
import { RESPONSE_BODY_LIMIT_BYTES } from "../../engine/run";

/** The reason a call is aborted with when its attempt's time is up (abandoning uses another). */
const TIMED_OUT = new DOMException("The attempt timed out.", "TimeoutError");

/**
 * Performs one outgoing call for the engine and reports how it ended. Redirects are not
 * followed (a 3xx is the response), the body is read up to the limit + 1 byte so the engine
 * can tell "too large", and the call is aborted after the attempt's timeout. `control` is the
 * caller's handle to abandon the call; the timeout aborts it too, with its own reason.
 */
export async function performHttpCall(
	effect: HttpRequestEffect,
	control: AbortController,
): Promise<AttemptOutcome> {
	// A timer we clear ourselves (not AbortSignal.timeout): a timer left pending after the call
	// keeps the object busy for the whole attempt timeout.
	let sent: Record<string, string>;
	try {
		sent = await signed(effect);
	} catch (err) {
		return { kind: "network_error", code: "signing_failed", message: describe(err) };
	}
	const timer = setTimeout(() => control.abort(TIMED_OUT), effect.timeoutMs);
	try {
		const response = await fetch(effect.request.url, {
			method: effect.request.method,
			headers: sent,
			body: effect.request.body,
			redirect: "manual",
			signal: control.signal,
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
		if (control.signal.reason === TIMED_OUT) return { kind: "timeout" };
		if (control.signal.aborted)
			return { kind: "network_error", code: "abandoned", message: "The call was abandoned." };
		return { kind: "network_error", code: "network_error", message: describe(err) };
	} finally {
		clearTimeout(timer);
	}
}

/**
 * The request's headers, with `webhook-signature` when the engine asked for a Standard Webhooks
 * signature (docs/ARCHITECTURE.md#secrets): made here, at send time, because HMAC in Web Crypto
 * is asynchronous and the engine is not. The body signed is exactly the body sent.
 */
async function signed(effect: HttpRequestEffect): Promise<Record<string, string>> {
	const signature = effect.signature;
	if (signature === undefined) return effect.request.headers;
	const { secret, id, timestamp } = signature;
	const value = await sign(secret, { id, timestamp, payload: effect.request.body ?? "" });
	return { ...effect.request.headers, [HEADER_SIGNATURE]: value };
}

async function readLimited(
	response: Response,
	limit: number,
): Promise<{ body: string; truncated: boolean }> {
	if (!response.body) return { body: "", truncated: false };
	// A declared length within the limit is read in one go (workerd holds an HTTP/1.1 body to
	// its Content-Length); anything else is streamed and cut at the limit.
	const declared = Number(response.headers.get("content-length") ?? Number.NaN);
	if (Number.isSafeInteger(declared) && declared <= limit) {
		const bytes = new Uint8Array(await response.arrayBuffer());
		const truncated = bytes.byteLength > limit;
		return { body: decoder.decode(truncated ? bytes.subarray(0, limit) : bytes), truncated };
	}
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
	return { body: decoder.decode(joined), truncated };
}

const decoder = new TextDecoder();

function describe(err: unknown): string {
	const message = err instanceof Error ? err.message : String(err);
	// workerd's messages are precise enough for authors; keep them short.
	return message.length > 300 ? `${message.slice(0, 300)}…` : message;
}

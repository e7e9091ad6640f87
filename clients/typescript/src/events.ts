import { EventSourceParserStream } from "eventsource-parser/stream";
import type { components } from "../generated/schema";
import { problemFrom, StepLineUnreachable } from "./problem";

/** One event of a run's history (`event:` is its `type`, `id:` its `seq`). */
export type RunEvent = components["schemas"]["RunEvent"];

export interface FollowOptions {
	/** Resume after this event (`Last-Event-ID`); default: from the first event. */
	after?: number;
	signal?: AbortSignal;
	/** Consecutive failed connections before giving up (a connection that delivers resets it). */
	maxReconnects?: number;
	/** Called before each reconnect, e.g. to tell a person the stream is being resumed. */
	onReconnect?: (info: { attempt: number; after: number; reason: string }) => void;
}

interface StreamContext {
	baseUrl: string;
	headers: () => Record<string, string>;
	fetch: typeof fetch;
}

const DEFAULT_RETRY_MS = 1_000;

/**
 * A run's history as it happens: the events after `after`, then each new one, until the run
 * ends (the server's `end` event). A dropped connection is resumed after the server's `retry`
 * delay with `Last-Event-ID`, so no event is lost or repeated; an error answer (401, 404) is
 * thrown as a StepLineProblem, not retried.
 */
export async function* followRunEvents(
	context: StreamContext,
	runId: string,
	options: FollowOptions = {},
): AsyncGenerator<RunEvent, void, undefined> {
	const url = `${context.baseUrl}/v1/workflows/runs/${encodeURIComponent(runId)}/stream`;
	const maxReconnects = options.maxReconnects ?? 5;
	let after = options.after ?? 0;
	let retryMs = DEFAULT_RETRY_MS;
	let failures = 0;
	for (;;) {
		let reason: string;
		try {
			const response = await context.fetch(url, {
				headers: {
					...context.headers(),
					accept: "text/event-stream",
					...(after > 0 ? { "last-event-id": String(after) } : {}),
				},
				signal: options.signal,
			});
			if (!response.ok) {
				const body = await response.text();
				let parsed: unknown = body;
				try {
					parsed = JSON.parse(body);
				} catch {}
				const problem = problemFrom(parsed, response);
				if (response.status < 500) throw problem;
				reason = problem.message;
			} else if (response.body === null) {
				reason = "the answer had no body";
			} else {
				const messages = response.body.pipeThrough(new TextDecoderStream()).pipeThrough(
					new EventSourceParserStream({
						onRetry: (ms) => {
							retryMs = ms;
						},
					}),
				);
				for await (const message of messages) {
					if (message.event === "end") return;
					const event = JSON.parse(message.data) as RunEvent;
					after = event.seq;
					failures = 0;
					yield event;
				}
				reason = "the connection closed before the run ended";
			}
		} catch (error) {
			if (options.signal?.aborted) throw error;
			if (error instanceof Error && error.name === "StepLineProblem") throw error;
			reason = error instanceof Error ? error.message : String(error);
		}
		failures += 1;
		if (failures > maxReconnects) throw new StepLineUnreachable(url, new Error(reason));
		options.onReconnect?.({ attempt: failures, after, reason });
		await sleep(retryMs * Math.min(failures, 5), options.signal);
	}
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(resolve, ms);
		signal?.addEventListener(
			"abort",
			() => {
				clearTimeout(timer);
				reject(signal.reason);
			},
			{ once: true },
		);
	});
}

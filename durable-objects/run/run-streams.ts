import type { HistoryEvent } from "../../engine/run";

const KEEP_ALIVE_MS = 15_000;
const encoder = new TextEncoder();

interface Subscriber {
	writer: WritableStreamDefaultWriter<Uint8Array>;
	lastSeq: number;
}

/** One history event as the API shows it (the events page uses the same shape). */
export const publicEvent = (e: HistoryEvent) => ({ ...e, time: new Date(e.time).toISOString() });

/**
 * Server-Sent Events of a run's history, pushed by the object as it commits transitions: a
 * subscriber gets the history after its Last-Event-ID first, then every new event, and the
 * stream closes after the run completes. A subscriber that went away is dropped on its next
 * failed write; `lastSeq` makes a replayed event impossible to send twice.
 */
export class RunStreams {
	private readonly subscribers = new Set<Subscriber>();
	private keepAlive: ReturnType<typeof setInterval> | null = null;

	/** Streams following the run now (a finished run's streams end at once and are not counted). */
	get following(): number {
		return this.subscribers.size;
	}

	open(replay: (after: number) => HistoryEvent[], after: number, finished: boolean): Response {
		const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
		const subscriber: Subscriber = { writer: writable.getWriter(), lastSeq: after };
		// Ask the client to reconnect after 1 s if the connection drops; Last-Event-ID resumes it.
		this.write(subscriber, "retry: 1000\n\n");
		for (let page = replay(after); page.length > 0; page = replay(subscriber.lastSeq))
			this.send(subscriber, page);
		if (finished) this.end(subscriber);
		else this.subscribers.add(subscriber);
		this.tickKeepAlive();
		return new Response(readable, {
			headers: {
				"content-type": "text/event-stream",
				"cache-control": "no-cache",
				"x-accel-buffering": "no",
			},
		});
	}

	publish(events: HistoryEvent[], ended: boolean): void {
		for (const subscriber of this.subscribers) {
			this.send(subscriber, events);
			if (ended) this.end(subscriber);
		}
		if (ended) this.subscribers.clear();
		this.tickKeepAlive();
	}

	/** The run ended without a transition (cancelled while queued). */
	closeAll(): void {
		for (const subscriber of this.subscribers) this.end(subscriber);
		this.subscribers.clear();
		this.tickKeepAlive();
	}

	private send(subscriber: Subscriber, events: HistoryEvent[]): void {
		for (const event of events) {
			if (event.seq <= subscriber.lastSeq) continue;
			subscriber.lastSeq = event.seq;
			this.write(
				subscriber,
				`id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(publicEvent(event))}\n\n`,
			);
		}
	}

	private end(subscriber: Subscriber): void {
		this.write(subscriber, "event: end\ndata: {}\n\n");
		subscriber.writer.close().catch(() => {});
	}

	private write(subscriber: Subscriber, text: string): void {
		subscriber.writer.write(encoder.encode(text)).catch(() => this.subscribers.delete(subscriber));
	}

	/** Comments keep idle connections open through proxies; no timer runs without subscribers. */
	private tickKeepAlive(): void {
		if (this.subscribers.size > 0 && this.keepAlive === null) {
			this.keepAlive = setInterval(() => {
				for (const subscriber of this.subscribers) this.write(subscriber, ": keep-alive\n\n");
			}, KEEP_ALIVE_MS);
		} else if (this.subscribers.size === 0 && this.keepAlive !== null) {
			clearInterval(this.keepAlive);
			this.keepAlive = null;
		}
	}
}

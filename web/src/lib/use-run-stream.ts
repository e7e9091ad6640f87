// Follows a run's events over SSE (fetch + reader, so the bearer token can be sent). Replays
// history first, then live events; reconnects with Last-Event-ID after a dropped connection
// (the server resumes after that seq, so nothing is missed or repeated) and stops at "end".
import { useEffect, useRef, useState } from "preact/hooks";
import { authHeaders, toProblem } from "../api/client";
import { readSse } from "../api/sse";
import type { RunEvent } from "../api/types";

export type StreamState = "connecting" | "live" | "reconnecting" | "ended" | "unavailable";

const sleep = (ms: number, signal: AbortSignal) =>
	new Promise<void>((resolve) => {
		const timer = setTimeout(resolve, ms);
		signal.addEventListener("abort", () => {
			clearTimeout(timer);
			resolve();
		});
	});

export function useRunStream(runId: string, onEvent: () => void) {
	const [state, setState] = useState<StreamState>("connecting");
	const [events, setEvents] = useState<RunEvent[]>([]);
	const latest = useRef(onEvent);
	latest.current = onEvent;

	useEffect(() => {
		const controller = new AbortController();
		const { signal } = controller;
		let lastEventId: string | null = null;
		let ended = false;
		setEvents([]);
		setState("connecting");

		const follow = async () => {
			let backoff = 1000;
			while (!signal.aborted && !ended) {
				try {
					const headers: Record<string, string> = { ...authHeaders(), accept: "text/event-stream" };
					if (lastEventId) headers["last-event-id"] = lastEventId;
					const res = await fetch(`/v1/workflows/runs/${runId}/stream`, { headers, signal });
					if (!res.ok) {
						await toProblem(res); // a 401 signs out
						if (res.status < 500) return setState("unavailable");
						throw new Error(`stream answered ${res.status}`);
					}
					setState("live");
					backoff = 1000;
					await readSse(res, (message) => {
						if (message.id) lastEventId = message.id;
						if (message.event === "end") {
							ended = true;
							return;
						}
						const event = JSON.parse(message.data) as RunEvent;
						setEvents((previous) =>
							previous.some((e) => e.seq === event.seq) ? previous : [...previous, event],
						);
						latest.current();
					});
				} catch {
					// Dropped connection or network error: try again below unless we are leaving.
				}
				if (signal.aborted) return;
				if (ended) break;
				setState("reconnecting");
				await sleep(backoff, signal);
				backoff = Math.min(backoff * 2, 10_000);
			}
			if (ended) {
				setState("ended");
				latest.current(); // the final state, after the last event
			}
		};
		follow();
		return () => controller.abort();
	}, [runId]);

	return { state, events };
}

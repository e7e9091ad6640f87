// Runs end to end: start over HTTP, follow the run's Server-Sent Events from a real
// `wrangler dev` (real alarms, real Durable Object storage), resume with Last-Event-ID.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DevServer } from "./harness";
import { startDevServer } from "./harness";

let server: DevServer;
let token: string;

beforeAll(async () => {
	server = await startDevServer();
	token = await server.token({ tenant: "e2e-runs", sub: "alice@e2e", role: "member" });
});
afterAll(async () => {
	await server?.stop();
});

const api = (path: string, init: RequestInit = {}) =>
	fetch(`${server.baseUrl}${path}`, {
		...init,
		headers: {
			authorization: `Bearer ${token}`,
			"content-type": "application/json",
			...init.headers,
		},
	});

interface SseEvent {
	id: string | null;
	event: string;
	data: string;
}

/** Reads an SSE response until the server ends it (or the deadline passes). */
async function readEvents(res: Response, deadlineMs = 20_000): Promise<SseEvent[]> {
	const events: SseEvent[] = [];
	const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
	const deadline = setTimeout(() => reader.cancel(), deadlineMs);
	let buffer = "";
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		buffer += value;
		let end = buffer.indexOf("\n\n");
		while (end >= 0) {
			const block = buffer.slice(0, end);
			buffer = buffer.slice(end + 2);
			end = buffer.indexOf("\n\n");
			const fields = Object.fromEntries(
				block
					.split("\n")
					.filter((line) => line && !line.startsWith(":"))
					.map((line) => [
						line.slice(0, line.indexOf(":")),
						line.slice(line.indexOf(":") + 1).trim(),
					]),
			);
			if (fields.event || fields.data)
				events.push({
					id: fields.id ?? null,
					event: fields.event ?? "message",
					data: fields.data ?? "",
				});
		}
	}
	clearTimeout(deadline);
	return events;
}

describe("runs over real HTTP", () => {
	it("streams a run's events live until it completes, and resumes from Last-Event-ID", async () => {
		const created = await api("/v1/workflows", {
			method: "POST",
			body: JSON.stringify({
				identifier: "sse_demo",
				title: "SSE demo",
				nodes: [
					{ identifier: "trigger", config: { type: "SELF_SERVE_TRIGGER" } },
					{ identifier: "pause", config: { type: "DELAY", duration: "2s" } },
					{
						identifier: "check",
						config: { type: "CONDITION", options: [{ identifier: "yes", expression: "true" }] },
					},
				],
				connections: [
					{ identifier: "c1", sourceIdentifier: "trigger", targetIdentifier: "pause" },
					{ identifier: "c2", sourceIdentifier: "pause", targetIdentifier: "check" },
				],
			}),
		});
		expect(created.status).toBe(201);
		const started = await api("/v1/workflows/sse_demo/runs", {
			method: "POST",
			body: "{}",
			headers: { "idempotency-key": "sse-1" },
		});
		expect(started.status).toBe(202);
		const run = (await started.json()) as { id: string; status: string };
		expect(run.status).toBe("WAITING");

		const stream = await api(`/v1/workflows/runs/${run.id}/stream`);
		expect(stream.headers.get("content-type")).toContain("text/event-stream");
		const events = await readEvents(stream);
		const types = events.map((e) => e.event);
		expect(types[0]).toBe("run_started");
		expect(types).toContain("timer_fired");
		expect(types.at(-2)).toBe("run_succeeded");
		expect(types.at(-1)).toBe("end");
		const seqs = events.filter((e) => e.id).map((e) => Number(e.id));
		expect(seqs).toEqual(seqs.map((_, i) => i + 1));

		const resumed = await readEvents(
			await api(`/v1/workflows/runs/${run.id}/stream`, { headers: { "last-event-id": "3" } }),
		);
		expect(resumed.filter((e) => e.id).map((e) => Number(e.id))).toEqual(seqs.slice(3));
		expect(resumed.at(-1)?.event).toBe("end");

		const final = (await (await api(`/v1/workflows/runs/${run.id}`)).json()) as {
			status: string;
			result: string;
		};
		expect(final).toMatchObject({ status: "COMPLETED", result: "SUCCESS" });
		const listed = (await (
			await api("/v1/workflows/runs?workflowIdentifiers=sse_demo")
		).json()) as { data: { id: string; status: string }[] };
		expect(listed.data).toEqual([expect.objectContaining({ id: run.id, status: "COMPLETED" })]);
	});
});

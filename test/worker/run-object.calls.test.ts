import { describe, expect, it } from "vitest";
import {
	definition,
	finished,
	fireAlarm,
	hook,
	link,
	makeTimersDue,
	nodeRun,
	type Stub,
	startRun,
	trigger,
	waitForRun,
} from "./run-helpers";

const oneCall = (url: string, extra: Record<string, unknown> = {}) =>
	definition({
		identifier: "one_call",
		nodes: [
			trigger(),
			{ identifier: "call", config: { type: "WEBHOOK", url, method: "POST" }, ...extra },
		],
		connections: [link("c1", "trigger", "call")],
	});

/** Fires alarms until the run ends (retry backoff in these tests is a few ms). */
async function untilFinished(stub: Stub) {
	for (let i = 0; i < 30; i++) {
		const run = await waitForRun(stub, (r) => r.status !== "IN_PROGRESS");
		if (run.status === "COMPLETED") return run;
		await fireAlarm(stub);
	}
	throw new Error("run did not finish");
}

describe("RunObject: outgoing calls", () => {
	it("retries 5xx with backoff and sends one idempotency key on every attempt", async () => {
		const receiver = await hook([
			{ status: 503 },
			{ status: 500 },
			{ status: 200, body: { ok: 1 } },
		]);
		const { runId, stub } = await startRun(
			oneCall(receiver.url, {
				retry: { maxAttempts: 5, backoff: "exponential", initialDelay: "1ms", maxDelay: "5ms" },
			}),
		);
		const run = await untilFinished(stub);
		expect(run.result).toBe("SUCCESS");
		expect(nodeRun(run, "call").attempts.map((a) => a.responseStatus)).toEqual([503, 500, 200]);
		const keys = (await receiver.deliveries()).map((d) => d.headers["idempotency-key"]);
		expect(keys).toEqual([`${runId}:call`, `${runId}:call`, `${runId}:call`]);
	});

	it("keeps the start of every answer, failed or not, with credential headers hidden", async () => {
		const receiver = await hook([
			{
				status: 503,
				body: { error: "database is down", retryIn: "later" },
				headers: { "set-cookie": "session=abc", "x-request-id": "req-7" },
			},
			{ status: 200, body: { ok: 1 } },
		]);
		const { stub } = await startRun(
			oneCall(receiver.url, { retry: { maxAttempts: 2, initialDelay: "1ms" } }),
		);
		const run = await untilFinished(stub);
		const [failed, succeeded] = nodeRun(run, "call").attempts;
		expect(JSON.parse(failed?.response?.body ?? "null")).toEqual({
			error: "database is down",
			retryIn: "later",
		});
		expect(failed?.response?.headers["x-request-id"]).toBe("req-7");
		expect(failed?.response?.headers["set-cookie"]).toBe("********");
		expect(JSON.parse(succeeded?.response?.body ?? "null")).toEqual({ ok: 1 });
	});

	it("says what a node waits for and until when: the next attempt, then the delay", async () => {
		const receiver = await hook([{ status: 503 }, { status: 200 }]);
		const started = Date.now();
		const { stub } = await startRun(
			definition({
				identifier: "waits",
				nodes: [
					trigger(),
					{
						identifier: "call",
						config: { type: "WEBHOOK", url: receiver.url, method: "POST" },
						retry: { maxAttempts: 2, backoff: "constant", initialDelay: "1h" },
					},
					{ identifier: "sleep", config: { type: "DELAY", duration: "2h" } },
				],
				connections: [link("c1", "trigger", "call"), link("c2", "call", "sleep")],
			}),
		);
		const retrying = await waitForRun(stub, (r) => nodeRun(r, "call").status === "WAITING");
		const [retry] = nodeRun(retrying, "call").due;
		expect(retry).toMatchObject({ kind: "retry", attempt: 2 });
		// An hour, give or take the retry's jitter.
		expect(Date.parse(retry?.at ?? "") - started).toBeGreaterThan(0.7 * 3_600_000);
		await makeTimersDue(stub);
		await fireAlarm(stub);
		const sleeping = await waitForRun(stub, (r) => nodeRun(r, "sleep").status === "WAITING");
		expect(nodeRun(sleeping, "call").due).toEqual([]);
		expect(nodeRun(sleeping, "sleep").due).toMatchObject([{ kind: "delay", attempt: null }]);
	});

	it("retry.until polls a job until its answer says done, then maps that answer", async () => {
		const job = await hook([
			{ status: 200, body: { state: "queued" } },
			{ status: 200, body: { state: "running" } },
			{ status: 200, body: { state: "done", url: "https://files.example/r.csv" } },
		]);
		const { stub } = await startRun(
			oneCall(job.url, {
				retry: {
					maxAttempts: 5,
					backoff: "constant",
					initialDelay: "1ms",
					until: '.response.data.state == "done"',
				},
				variables: { report: "{{ .response.data.url }}" },
			}),
		);
		const run = await untilFinished(stub);
		expect(run.result).toBe("SUCCESS");
		const call = nodeRun(run, "call");
		expect(call.output).toEqual({ report: "https://files.example/r.csv" });
		expect(call.attempts.map((a) => [a.responseStatus, a.error?.code ?? null])).toEqual([
			[200, "until_not_met"],
			[200, "until_not_met"],
			[200, null],
		]);
		expect(await job.deliveries()).toHaveLength(3);
	});

	it("does not follow redirects: a 3xx is the response", async () => {
		const receiver = await hook([
			{ status: 302, headers: { location: "http://127.0.0.1:9/elsewhere" } },
		]);
		const run = await untilFinished((await startRun(oneCall(receiver.url))).stub);
		expect(run.result).toBe("FAILED");
		expect(nodeRun(run, "call").attempts[0]?.responseStatus).toBe(302);
	});

	it("fails a response over 1 MiB with response_too_large", async () => {
		const receiver = await hook([{ status: 200, bodyBytes: 1024 * 1024 + 10 }]);
		const run = await untilFinished((await startRun(oneCall(receiver.url))).stub);
		expect(nodeRun(run, "call").error?.code).toBe("response_too_large");
		// Only its first 4 KiB is kept beside the attempt.
		const excerpt = nodeRun(run, "call").attempts[0]?.response;
		expect(excerpt?.body.length).toBe(4096);
		expect(excerpt?.bodyTruncated).toBe(true);
	});

	it("reads a body of declared length, and still fails one over 1 MiB (declared or chunked)", async () => {
		const body = { ok: true, note: "é" };
		const bytes = String(new TextEncoder().encode(JSON.stringify(body)).byteLength);
		const declared = await hook([{ status: 200, body, headers: { "content-length": bytes } }]);
		const run = await untilFinished((await startRun(oneCall(declared.url))).stub);
		expect(run.result).toBe("SUCCESS");
		expect(nodeRun(run, "call").output).toMatchObject({ status: 200, data: body });

		const size = 1024 * 1024 + 10;
		const tooLarge = await hook([
			{ status: 200, bodyBytes: size, headers: { "content-length": String(size) } },
		]);
		const failed = await untilFinished((await startRun(oneCall(tooLarge.url))).stub);
		expect(nodeRun(failed, "call").error?.code).toBe("response_too_large");
	});

	it("times out an attempt that takes too long", async () => {
		const receiver = await hook([{ status: 200, delayMs: 2000 }]);
		const { stub } = await startRun(oneCall(receiver.url, { timeout: "100ms" }));
		const run = await untilFinished(stub);
		expect(run.result).toBe("FAILED");
		expect(nodeRun(run, "call").error?.code).toBe("timeout");
	});

	it("refuses private and metadata targets before calling", async () => {
		for (const url of [
			"http://169.254.169.254/latest/meta-data",
			"http://10.0.0.8/",
			"http://[::ffff:a00:8]/",
		]) {
			const { stub } = await startRun(oneCall(url));
			const run = await waitForRun(stub, finished);
			expect(nodeRun(run, "call").error?.code, url).toBe("url_refused");
			expect(nodeRun(run, "call").attempts, url).toHaveLength(0);
		}
	});
});

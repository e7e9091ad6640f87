/**
 * Async WEBHOOK calls inside workerd (docs/ARCHITECTURE.md#waiting-on-the-outside): the callback
 * URL goes out with the request, the run waits without a slot, POST /callbacks/{token} is
 * answered only once the run object stored it, and repeats, stale and forged callbacks change
 * nothing. Time is the object's clock, moved by the test.
 */
import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { tenantObject } from "../../durable-objects";
import { signatureHeaders } from "../../engine/crypto/standard-webhooks";
import { BASE, call, tokenFor } from "./helpers";
import {
	cancelRun,
	definition,
	fireAlarm,
	history,
	hook,
	link,
	makeTimersDue,
	nodeRun,
	readRun,
	startRun,
	trigger,
	waitForRun,
} from "./run-helpers";

const asyncCall = (url: string, extra: Record<string, unknown> = {}, config = {}) =>
	definition({
		identifier: "long_job",
		nodes: [
			trigger(),
			{
				identifier: "deploy",
				config: {
					type: "WEBHOOK",
					url,
					synchronized: false,
					body: { callback: "{{ .callback.url }}" },
					...config,
				},
				...extra,
			},
			{ identifier: "after", config: { type: "DELAY", duration: "1ms" } },
		],
		connections: [link("c1", "trigger", "deploy"), link("c2", "deploy", "after")],
	});

/** The callback URL the receiver got, and a way to call it like the receiver would. */
async function callbackOf(receiver: Awaited<ReturnType<typeof hook>>, index = 0) {
	const delivery = (await receiver.deliveries())[index];
	const url = delivery?.headers["stepline-callback-url"] ?? "";
	return {
		url,
		body: JSON.parse(delivery?.body ?? "{}") as { callback?: string },
		post: (body: unknown, headers: Record<string, string> = {}) =>
			SELF.fetch(url, {
				method: "POST",
				headers: { "content-type": "application/json", ...headers },
				body: typeof body === "string" ? body : JSON.stringify(body),
			}),
	};
}

const waiting = (run: { status: string }) => run.status === "WAITING";

describe("async WEBHOOK: the callback door", () => {
	it("waits for the callback, takes it once, then goes on; a repeat changes nothing", async () => {
		const receiver = await hook([{ status: 202 }]);
		const { stub } = await startRun(asyncCall(receiver.url));
		await waitForRun(stub, waiting);
		const callback = await callbackOf(receiver);
		expect(callback.url).toMatch(/^https:\/\/stepline\.test\/callbacks\/[\w-]+\.[\w-]{43}$/);
		expect(callback.body.callback).toBe(callback.url);
		// The URL is a credential: what the run shows has it hidden.
		const token = callback.url.split(".").at(-1) ?? "";
		expect(JSON.stringify(await readRun(stub))).not.toContain(token);
		expect(JSON.stringify(await history(stub))).not.toContain(token);
		expect(nodeRun((await readRun(stub))!, "deploy").waiting).toMatchObject({
			kind: "callback",
			attempt: 1,
			receivedAt: null,
		});

		const first = await callback.post({ status: "SUCCESS", output: { version: 42 } });
		expect(first.status).toBe(200);
		expect(await first.json()).toEqual({ outcome: "accepted" });
		// Answered after the commit: the callback is in the run's history at once.
		expect((await history(stub)).map((e) => e.detail)).toContain(
			"the callback for attempt 1 arrived: SUCCESS",
		);
		const run = await waitForRun(stub, (r) => r.status === "COMPLETED");
		expect(run.result).toBe("SUCCESS");
		expect(nodeRun(run, "deploy").output).toEqual({ version: 42 });

		const again = await callback.post({ status: "FAILED" });
		expect(again.status).toBe(200);
		expect(await again.json()).toEqual({ outcome: "already_received" });
		expect(nodeRun((await readRun(stub))!, "deploy").result).toBe("SUCCESS");
	});

	it("holds no slot while waiting; a callback while the tenant is full is stored and acted on after", async () => {
		const tenantId = `t${crypto.randomUUID().slice(0, 8)}`;
		await tenantObject(env, tenantId).updateSettings(tenantId, { maxConcurrentRuns: 1 });
		const receiver = await hook([{ status: 202 }]);
		const waiter = await startRun(asyncCall(receiver.url), {}, tenantId);
		await waitForRun(waiter.stub, waiting);
		// The waiting run holds nothing: a second run gets the only slot and keeps it 1.5 s.
		const slow = await hook([{ status: 200, delayMs: 1500 }]);
		const busy = await startRun(
			definition({
				identifier: "busy",
				nodes: [trigger(), { identifier: "call", config: { type: "WEBHOOK", url: slow.url } }],
				connections: [link("c1", "trigger", "call")],
			}),
			{},
			tenantId,
		);
		expect(busy.view.status).toBe("IN_PROGRESS");
		const callback = await callbackOf(receiver);
		expect((await callback.post({ done: true })).status).toBe(200);
		// Stored, but the run needs a slot to go on: it waits for the busy run to give one back.
		const stored = await readRun(waiter.stub);
		expect(stored?.status).toBe("WAITING");
		expect(nodeRun(stored!, "deploy").status).toBe("WAITING");
		await waitForRun(busy.stub, (r) => r.status === "COMPLETED");
		const done = await waitForRun(waiter.stub, (r) => r.status === "COMPLETED");
		expect(done.result).toBe("SUCCESS");
		expect(nodeRun(done, "deploy").output).toEqual({ done: true });
	});

	it("times out at the node's timeout and retries with a new URL; the old one is then refused", async () => {
		const receiver = await hook([{ status: 202 }]);
		const { stub } = await startRun(
			asyncCall(receiver.url, {
				timeout: "1h",
				retry: { maxAttempts: 2, initialDelay: "1ms", maxDelay: "1ms" },
			}),
		);
		await waitForRun(stub, waiting);
		// The timeout, then the retry's backoff: both on the object's clock, fired by the alarm.
		for (let i = 0; i < 10 && (await receiver.deliveries()).length < 2; i++) {
			await makeTimersDue(stub);
			await fireAlarm(stub);
		}
		await waitForRun(stub, (r) => nodeRun(r, "deploy").attempts.length === 2 && waiting(r));
		const first = await callbackOf(receiver, 0);
		const second = await callbackOf(receiver, 1);
		expect(second.url).not.toBe(first.url);
		const stale = await first.post({ status: "SUCCESS" });
		expect(stale.status).toBe(409);
		expect(stale.headers.get("content-type")).toMatch(/problem\+json/);
		expect(nodeRun((await readRun(stub))!, "deploy").attempts[0]?.error?.code).toBe("timeout");
		expect((await second.post({ status: "SUCCESS" })).status).toBe(200);
		// Its clock is an hour ahead of the platform's now: only the deploy node is awaited here.
		const done = await waitForRun(stub, (r) => nodeRun(r, "deploy").result !== null);
		expect(nodeRun(done, "deploy").result).toBe("SUCCESS");
	}, 30_000);

	it("a cancelled run refuses its callback with 409 and stays cancelled", async () => {
		const receiver = await hook([{ status: 202 }]);
		const { stub } = await startRun(asyncCall(receiver.url));
		await waitForRun(stub, waiting);
		await cancelRun(stub, "bob");
		const callback = await callbackOf(receiver);
		const answer = await callback.post({ status: "SUCCESS" });
		expect(answer.status).toBe(409);
		expect((await readRun(stub))?.result).toBe("CANCELLED");
	});

	it("forged, malformed and oversized callbacks are clear problems and change nothing", async () => {
		const receiver = await hook([{ status: 202 }]);
		const { stub } = await startRun(asyncCall(receiver.url));
		await waitForRun(stub, waiting);
		const callback = await callbackOf(receiver);
		const forged = callback.url.replace(/\.[\w-]{43}$/, `.${"A".repeat(43)}`);
		const cases: Array<[string, RequestInit, number, string]> = [
			[forged, { method: "POST", body: "{}" }, 404, "not_found"],
			[`${BASE}/callbacks/not-a-token`, { method: "POST", body: "{}" }, 404, "not_found"],
			[
				callback.url,
				{ method: "POST", body: "{nope", headers: { "content-type": "application/json" } },
				400,
				"malformed_json",
			],
			[
				callback.url,
				{
					method: "POST",
					body: '{"status":"SUCCESS","status":"FAILED"}',
					headers: { "content-type": "application/json" },
				},
				422,
				"validation_failed",
			],
			[
				callback.url,
				{
					method: "POST",
					body: "x".repeat(1024 * 1024 + 1),
					headers: { "content-type": "text/plain" },
				},
				413,
				"payload_too_large",
			],
			[callback.url, { method: "GET" }, 405, "method_not_allowed"],
		];
		for (const [url, init, status, code] of cases) {
			const res = await SELF.fetch(url, init);
			expect(res.status, `${init.method} ${url.slice(-20)}`).toBe(status);
			expect(((await res.json()) as { code: string }).code).toBe(code);
		}
		const run = await readRun(stub);
		expect(run?.status).toBe("WAITING");
		expect(nodeRun(run!, "deploy").status).toBe("WAITING");
		// The real callback still works afterwards.
		expect(
			(await callback.post("plain text result", { "content-type": "text/plain" })).status,
		).toBe(200);
		const done = await waitForRun(stub, (r) => r.status === "COMPLETED");
		expect(nodeRun(done, "deploy").output).toBe("plain text result");
	});

	it("a node that asks for a Standard Webhooks signature refuses an unsigned callback with 401", async () => {
		const tenantId = `t${crypto.randomUUID().slice(0, 8)}`;
		const admin = await tokenFor({ tenant: tenantId, role: "admin" });
		const secret = `whsec_${btoa("a callback signing key, 32 bytes")}`;
		const put = await call("/v1/secrets/CI_KEY", {
			method: "PUT",
			token: admin,
			body: { value: secret },
		});
		expect(put.status).toBeLessThan(300);
		const receiver = await hook([{ status: 202 }]);
		const { stub } = await startRun(
			asyncCall(
				receiver.url,
				{},
				{
					callback: { signature: { type: "STANDARD_WEBHOOKS", secret: "CI_KEY" } },
				},
			),
			{},
			tenantId,
		);
		await waitForRun(stub, waiting);
		const callback = await callbackOf(receiver);
		const payload = JSON.stringify({ status: "SUCCESS", output: "signed" });
		const unsigned = await callback.post(payload);
		expect(unsigned.status).toBe(401);
		const wrong = await callback.post(
			payload,
			await signatureHeaders(`whsec_${btoa("some other key of thirty-two b")}`, {
				id: "msg_1",
				timestamp: Math.floor(Date.now() / 1000),
				payload,
			}),
		);
		expect(wrong.status).toBe(401);
		expect((await readRun(stub))?.status).toBe("WAITING");
		const signed = await callback.post(
			payload,
			await signatureHeaders(secret, {
				id: "msg_2",
				timestamp: Math.floor(Date.now() / 1000),
				payload,
			}),
		);
		expect(signed.status).toBe(200);
		const done = await waitForRun(stub, (r) => r.status === "COMPLETED");
		expect(nodeRun(done, "deploy").output).toBe("signed");
	});
});

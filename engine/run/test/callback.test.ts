/**
 * Async WEBHOOK calls (synchronized: false): the attempt ends with a callback
 * (docs/ARCHITECTURE.md#waiting-on-the-outside). Each test plays a run through the driver, in
 * memory and rebuilt from stored rows before every event.
 */
import { describe, expect, it } from "vitest";
import { checkCallback } from "../index";
import { chain, webhook, workflow } from "./defs";
import { CALLBACK_BASE, Driver, T0 } from "./driver";

const asyncHook = (extra: Record<string, unknown> = {}, config: Record<string, unknown> = {}) =>
	webhook("deploy", extra, {
		synchronized: false,
		body: { service: "api", callback: "{{ .callback.url }}" },
		...config,
	});

const HOUR = 3_600_000;

describe.each([false, true])("async WEBHOOK (rebuilt from rows: %s)", (persist) => {
	const drive = (definition: unknown, script = {}, options = {}) =>
		new Driver(definition, { persist, script, ...options }).start();

	it("sends the callback URL in a header and in .callback.url, then waits without working", () => {
		const d = drive(chain(asyncHook()), { deploy: [{ status: 202 }] }).runToEnd();
		const [sent] = d.requests;
		const url = sent?.request.headers["Stepline-Callback-Url"];
		expect(url).toMatch(new RegExp(`^${CALLBACK_BASE}`));
		expect(JSON.parse(sent?.request.body ?? "{}")).toEqual({ service: "api", callback: url });
		expect(d.run.status).toBe("WAITING");
		expect(d.state?.nodes.deploy?.status).toBe("WAITING");
		expect(d.state?.nodes.deploy?.waitingOn).toMatchObject({ kind: "callback", attempt: 1 });
		expect(d.details("node_waiting").join("\n")).toMatch(
			/answered 202; waiting for its callback, no timeout/,
		);
		// The token is a credential: the run keeps its hash, never the token, in any form.
		const token = url?.slice(CALLBACK_BASE.length) ?? "";
		expect(JSON.stringify([d.state, d.history])).not.toContain(token);
	});

	it("finishes from the callback: its output, .response.data in variables, the run goes on", () => {
		const d = drive(
			chain(asyncHook({ variables: { version: "{{ .response.data.output.version }}" } }), {
				identifier: "after",
				config: { type: "WEBHOOK", url: "https://api.example.com/after" },
			}),
			{
				deploy: [
					{
						callback: { afterMs: 5 * 60_000, body: { status: "SUCCESS", output: { version: 7 } } },
					},
				],
			},
		).runToEnd();
		expect(d.run.result).toBe("SUCCESS");
		expect(d.state?.nodes.deploy?.output).toEqual({ version: 7 });
		expect(d.result("after")).toBe("SUCCESS");
		expect(d.details("signal_received")).toEqual(["the callback for attempt 1 arrived: SUCCESS"]);
		expect(d.state?.nodes.deploy?.attempts[0]).toMatchObject({ responseStatus: 202, error: null });
		expect(d.state?.nodes.deploy?.waitingOn ?? null).toBeNull();
	});

	it("takes any other body as the output", () => {
		const d = drive(chain(asyncHook()), {
			deploy: [{ callback: { afterMs: 1000, body: { build: 12, ok: true } } }],
		}).runToEnd();
		expect(d.run.result).toBe("SUCCESS");
		expect(d.state?.nodes.deploy?.output).toEqual({ build: 12, ok: true });
	});

	it("a callback that arrives before the answer to the request counts", () => {
		const d = drive(chain(asyncHook()), {
			deploy: [
				{ latencyMs: 2000, callback: { afterMs: 500, body: { status: "SUCCESS", output: 1 } } },
			],
		}).runToEnd();
		expect(d.run.result).toBe("SUCCESS");
		expect(d.state?.nodes.deploy?.output).toBe(1);
		// Taken once; the attempt ended with the request's answer.
		expect(d.details("signal_received")).toHaveLength(1);
		expect(d.run.endedAt).toBe(T0 + 2000);
	});

	it("FAILED fails the node (the job's own verdict, not retried)", () => {
		const d = drive(chain(asyncHook({ retry: { maxAttempts: 3 } })), {
			deploy: [
				{
					callback: { afterMs: 1000, body: { status: "FAILED", output: { reason: "tests red" } } },
				},
			],
		}).runToEnd();
		expect(d.run.result).toBe("FAILED");
		expect(d.run.error).toMatchObject({ code: "callback_failed", node: "deploy" });
		expect(d.run.error?.message).toMatch(/tests red/);
		expect(d.requests).toHaveLength(1);
	});

	it("no callback within timeout: retried like a timed-out call, and the old URL is dead", () => {
		const d = drive(
			chain(asyncHook({ timeout: "1h", retry: { maxAttempts: 2, initialDelay: "1m" } })),
			{
				deploy: [
					{ status: 202 },
					{ callback: { afterMs: 1000, body: { status: "SUCCESS", output: 2 } } },
				],
			},
		);
		d.runToEnd();
		expect(d.run.result).toBe("SUCCESS");
		expect(d.requests).toHaveLength(2);
		expect(d.state?.nodes.deploy?.attempts[0]?.error?.code).toBe("timeout");
		expect(d.details("attempt_failed").join("\n")).toMatch(/\(callback\): no response within 1h/);
		// The first attempt's callback, late: refused, nothing changes.
		const late = d.callbackEvent(d.callbackUrls[0]?.url ?? "", { status: "SUCCESS" });
		expect(checkCallback(d.plan, d.state!, late as never)).toMatchObject({
			kind: "refuse",
			reason: "closed",
		});
		expect(d.send(late).ignored).not.toBeNull();
	});

	it("no callback and no retries left: the node fails with timeout at its deadline", () => {
		const d = drive(chain(asyncHook({ timeout: "2h" })), { deploy: [{ status: 202 }] }).runToEnd();
		expect(d.run.result).toBe("FAILED");
		expect(d.run.error?.code).toBe("timeout");
		expect(d.run.endedAt).toBe(T0 + 2 * HOUR);
	});

	it("without a timeout it waits until the run's own timeout", () => {
		const d = drive(
			workflow(
				[...(chain(asyncHook()).nodes as never[])],
				chain(asyncHook()).connections as never[],
				{ timeout: "1d" },
			),
			{
				deploy: [{ status: 202 }],
			},
		).runToEnd();
		expect(d.run.error?.code).toBe("workflow_timeout");
		expect(d.result("deploy")).toBe("CANCELLED");
	});

	it("a second callback for the same attempt changes nothing; one after the run ended is refused", () => {
		const d = drive(chain(asyncHook()), { deploy: [{ status: 202 }] }).runToEnd();
		const first = d.callback("deploy", { status: "SUCCESS", output: "a" });
		expect(first.ignored).toBeNull();
		const again = d.callbackEvent(d.callbackUrls[0]?.url ?? "", { status: "SUCCESS", output: "b" });
		expect(checkCallback(d.plan, d.state!, again as never)).toEqual({ kind: "repeat" });
		expect(d.send(again).ignored).not.toBeNull();
		d.runToEnd();
		expect(d.state?.nodes.deploy?.output).toBe("a");
		expect(checkCallback(d.plan, d.state!, again as never)).toEqual({ kind: "repeat" });
	});

	it("a cancel while waiting closes the wait: a callback after it is refused", () => {
		const d = drive(chain(asyncHook({ timeout: "1h" })), { deploy: [{ status: 202 }] });
		d.step(); // the request's answer: now it waits, with its timeout armed
		expect(Object.keys(d.state?.timers ?? {})).toContain("wait_timeout:deploy");
		d.send({ type: "cancel", by: "bob", reason: null });
		expect(d.run.result).toBe("CANCELLED");
		expect(d.state?.timers).toEqual({});
		const late = d.callbackEvent(d.callbackUrls[0]?.url ?? "", {});
		expect(checkCallback(d.plan, d.state!, late as never)).toMatchObject({
			kind: "refuse",
			reason: "closed",
		});
	});

	it("an unknown token is refused as unknown", () => {
		const d = drive(chain(asyncHook()), { deploy: [{ status: 202 }] }).runToEnd();
		const forged = d.callbackEvent(`${CALLBACK_BASE}tok1_${"y".repeat(40)}`, {});
		expect(checkCallback(d.plan, d.state!, forged as never)).toMatchObject({
			kind: "refuse",
			reason: "unknown",
		});
		expect(d.send(forged).ignored).not.toBeNull();
	});

	it("a node that asks for a signature takes only a valid one", () => {
		const signed = asyncHook(
			{},
			{ callback: { signature: { type: "STANDARD_WEBHOOKS", secret: "CI_KEY" } } },
		);
		const d = drive(chain(signed), { deploy: [{ status: 202 }] }).runToEnd();
		const url = d.callbackUrls[0]?.url ?? "";
		for (const signature of [null, "invalid"] as const) {
			const event = d.callbackEvent(url, {}, signature);
			expect(checkCallback(d.plan, d.state!, event as never)).toMatchObject({
				kind: "refuse",
				reason: "unsigned",
			});
			expect(d.send(event).ignored).not.toBeNull();
		}
		expect(d.callback("deploy", { status: "SUCCESS" }, { signature: "valid" }).ignored).toBeNull();
		d.runToEnd();
		expect(d.run.result).toBe("SUCCESS");
	});

	it("a call cut off by a restart is sent again, and the callback to the first URL still counts", () => {
		const d = drive(chain(asyncHook()), { deploy: [{ lost: true }, { status: 202 }] }).runToEnd();
		expect(d.requests).toHaveLength(2);
		expect(d.run.status).toBe("WAITING");
		d.callback("deploy", { status: "SUCCESS", output: "from the first" }, { attempt: 1 });
		d.runToEnd();
		expect(d.run.result).toBe("SUCCESS");
		expect(d.state?.nodes.deploy?.output).toBe("from the first");
	});

	it("forEach items each wait for their own callback", () => {
		const each = asyncHook({ forEach: "[1, 2, 3]" });
		const d = drive(chain(each), {}).runToEnd();
		expect(d.callbackUrls).toHaveLength(3);
		expect(d.run.status).toBe("WAITING");
		for (const [i, sent] of d.callbackUrls.entries()) {
			d.send(d.callbackEvent(sent.url, { status: "SUCCESS", output: i * 10 }));
		}
		d.runToEnd();
		expect(d.run.result).toBe("SUCCESS");
		expect(d.state?.nodes.deploy?.output).toEqual([0, 10, 20]);
	});

	it("without a public URL for callbacks the node fails with callback_unavailable", () => {
		const d = new Driver(chain(asyncHook()), { persist, callbacks: false }).start().runToEnd();
		expect(d.run.error?.code).toBe("callback_unavailable");
		expect(d.requests).toHaveLength(0);
	});
});

import { describe, expect, it } from "vitest";
import { chain, conn, delay, trigger, webhook, workflow } from "./defs";
import { Driver, T0 } from "./driver";

const hangingPair = () =>
	workflow(
		[
			trigger(),
			webhook("done"),
			webhook("hang"),
			delay("wait", { duration: "1h" }),
			webhook("later"),
		],
		[
			conn("trigger", "done"),
			conn("trigger", "hang"),
			conn("trigger", "wait"),
			conn("wait", "later"),
		],
	);

describe("cancel", () => {
	it.each([false, true])(
		"cancels open nodes, keeps finished ones, drops timers (persist: %s)",
		(persist) => {
			const d = new Driver(hangingPair(), { script: { hang: [{ hang: true }] }, persist }).start();
			d.step(); // "done" answers
			expect(d.result("done")).toBe("SUCCESS");
			d.advanceClock(1_000);
			const t = d.send({ type: "cancel", by: "bob", reason: "wrong service" });
			expect(t.ended).toBe(true);
			expect(t.wakeAt).toBeNull();
			expect(t.effects).toEqual([
				{ kind: "abandon_request", node: "hang", item: null, attempt: 1 },
			]);
			expect(d.run).toMatchObject({
				status: "COMPLETED",
				result: "CANCELLED",
				endedAt: T0 + 1_010,
			});
			expect(d.run.error?.message).toBe("the run was cancelled by bob: wrong service");
			expect(d.results()).toEqual({
				trigger: "SUCCESS",
				done: "SUCCESS",
				hang: "CANCELLED",
				wait: "CANCELLED",
				later: "CANCELLED",
			});
			expect(d.state?.nodes.hang?.attempts[0]?.endedAt).toBe(T0 + 1_010);
			expect(d.state?.timers).toEqual({});
			expect(t.history.map((h) => h.type)).toEqual([
				"node_cancelled",
				"node_cancelled",
				"node_cancelled",
				"run_cancelled",
			]);
		},
	);

	it("exactly one terminal transition: later cancels, results and alarms are no-ops", () => {
		const d = new Driver(hangingPair(), { script: { hang: [{ hang: true }] } }).start();
		d.send({ type: "cancel", by: null, reason: null });
		const before = JSON.stringify(d.state);
		const seq = d.history.length;
		for (const event of [
			{ type: "cancel", by: "x", reason: null } as const,
			{ type: "timer_due" } as const,
			{
				type: "attempt_result",
				node: "hang",
				item: null,
				attempt: 1,
				outcome: {
					kind: "response",
					response: { status: 200, headers: {}, body: "", bodyTruncated: false },
				},
			} as const,
		]) {
			const t = d.send(event);
			expect(t.ignored).toMatch(/already ended \(CANCELLED\)/);
			expect(t).toMatchObject({ ended: false, effects: [], history: [] });
			expect(t.changes).toEqual({
				header: false,
				nodes: [],
				items: [],
				connections: [],
				timers: [],
			});
		}
		expect(JSON.stringify(d.state)).toBe(before);
		expect(d.history).toHaveLength(seq);
	});

	it("a response racing the cancel (cancel first) is ignored; result first then cancel also ends once", () => {
		const a = new Driver(chain(webhook("a")), {}).start();
		a.send({ type: "cancel", by: null, reason: null });
		expect(a.step()).toBe(false); // the driver dropped the abandoned call
		expect(a.run.result).toBe("CANCELLED");
		const b = new Driver(chain(webhook("a")), {}).start().runToEnd();
		expect(b.run.result).toBe("SUCCESS");
		expect(b.send({ type: "cancel", by: null, reason: null }).ignored).toMatch(
			/already ended \(SUCCESS\)/,
		);
	});
});

describe("idempotency", () => {
	it("timer_due twice at the same instant acts once", () => {
		const d = new Driver(chain(delay("wait", { duration: "1m" }), webhook("after"))).start();
		d.advanceClock(60_000);
		const first = d.send({ type: "timer_due" });
		expect(first.ignored).toBeNull();
		expect(first.effects).toHaveLength(1);
		const second = d.send({ type: "timer_due" });
		expect(second.ignored).toBe("no timer is due");
		expect(second.effects).toEqual([]);
	});

	it("an early alarm does nothing", () => {
		const d = new Driver(chain(delay("wait", { duration: "1m" }))).start();
		d.advanceClock(59_999);
		expect(d.send({ type: "timer_due" }).ignored).toBe("no timer is due");
		expect(d.result("wait")).toBeNull();
	});

	it("a duplicated or stale attempt result is noted and ignored", () => {
		const d = new Driver(chain(webhook("a", { retry: { maxAttempts: 2 } })), {
			script: { a: [{ status: 500 }, { hang: true }] },
		}).start();
		d.step(); // 500 → retry scheduled
		const result = {
			type: "attempt_result",
			node: "a",
			item: null,
			attempt: 1,
			outcome: {
				kind: "response",
				response: { status: 200, headers: {}, body: "", bodyTruncated: false },
			},
		} as const;
		const t = d.send(result);
		expect(t.history.map((h) => h.detail)).toEqual([
			"result of attempt 1 ignored: attempt 1 of a already ended",
		]);
		expect(t.effects).toEqual([]);
		expect(d.state?.nodes.a?.status).toBe("WAITING");
		const unknown = d.send({ ...result, node: "ghost" });
		expect(unknown.history[0]?.detail).toMatch(/ghost is not a node of this run/);
	});

	it("start is only applied once", () => {
		const d = new Driver(chain(webhook("a"))).start();
		const again = d.send({
			type: "start",
			runId: "run_1",
			workflow: { identifier: "wf", version: 3 },
			initiator: "x",
			inputs: {},
		});
		expect(again.ignored).toBe("the run has already started");
	});
});

describe("what a transition reports", () => {
	it("start creates every node PENDING and writes every row; the run is IN_PROGRESS while calling", () => {
		const d = new Driver(chain(webhook("a"), webhook("b"))).start();
		const t = d.transitions[0];
		expect(t?.changes.nodes.sort()).toEqual(["a", "b", "trigger"]);
		expect(d.run.status).toBe("IN_PROGRESS");
		expect(d.state?.nodes.b?.status).toBe("PENDING");
		expect(d.state?.nodes.a?.status).toBe("IN_PROGRESS");
		expect(d.state?.nodes.a?.attempts[0]).toMatchObject({
			number: 1,
			startedAt: T0,
			endedAt: null,
		});
		expect(t?.wakeAt).toBe(T0 + 30_000); // the default attempt timeout
	});

	it("the run is WAITING when only timers are pending", () => {
		const d = new Driver(chain(delay("wait", { duration: "1m" }))).start();
		expect(d.run.status).toBe("WAITING");
		expect(d.state?.nodes.wait?.status).toBe("WAITING");
	});

	it("per-step cost does not grow with the number of nodes", () => {
		const many = Array.from({ length: 150 }, (_, i) => webhook(`n${i}`));
		const d = new Driver(chain(...many)).start().runToEnd();
		expect(d.run.result).toBe("SUCCESS");
		const steps = d.transitions.slice(1);
		expect(steps).toHaveLength(150);
		for (const t of steps) {
			expect(t.changes.nodes.length).toBeLessThanOrEqual(2);
			expect(t.changes.connections.length).toBeLessThanOrEqual(1);
			expect(t.changes.timers.length).toBeLessThanOrEqual(2); // one timeout cleared, one set
			expect(t.history.length).toBeLessThanOrEqual(5);
		}
		expect(d.run.version).toBe(151);
	});

	it("logs on node runs record each attempt", () => {
		const d = new Driver(chain(webhook("a", { retry: { maxAttempts: 2, initialDelay: "1s" } })), {
			script: { a: [{ status: 503 }, { status: 200 }] },
		})
			.start()
			.runToEnd();
		expect(d.state?.nodes.a?.logs.map((l) => [l.level, l.message])).toEqual([
			[
				"warn",
				expect.stringMatching(
					/^POST https:\/\/api.example.com\/hook\/a: the server answered 503; attempt 2 of 2 in 1s/,
				),
			],
			["info", "POST https://api.example.com/hook/a answered 200 in 10ms"],
		]);
	});

	describe("a call lost with the object (a restart mid-call)", () => {
		it("is sent again at its timeout, with the same key, and not counted as an attempt of the policy", () => {
			// No retry block: before, the lost call failed the node as a timeout.
			const d = new Driver(chain(webhook("a", { timeout: "5s" })), {
				script: { a: [{ lost: true }, { status: 200, body: { ok: true } }] },
			})
				.start()
				.runToEnd();
			expect(d.state?.header.result).toBe("SUCCESS");
			expect(d.requests.map((r) => r.attempt)).toEqual([1, 2]);
			expect(new Set(d.requests.map((r) => r.request.headers["Idempotency-Key"])).size).toBe(1);
			expect(d.state?.nodes.a?.attempts.map((a) => a.error?.code ?? "ok")).toEqual([
				"interrupted",
				"ok",
			]);
			expect(d.details("attempt_failed")[0]).toMatch(/cut off when the run's object restarted/);
			expect(d.now - T0).toBe(5_000 + 10);
		});

		it("keeps the whole retry budget for real failures", () => {
			const d = new Driver(chain(webhook("a", { retry: { maxAttempts: 2 } })), {
				script: { a: [{ lost: true }, { status: 503 }, { status: 503 }] },
			})
				.start()
				.runToEnd();
			expect(d.state?.header.result).toBe("FAILED");
			// 1 interrupted + the 2 attempts the policy allows.
			expect(d.requests).toHaveLength(3);
			expect(d.details("attempt_failed").at(-1)).toMatch(/all 2 attempts used/);
		});

		it("is judged a timeout once it has been sent again MAX_INTERRUPTED_RESENDS times", () => {
			const d = new Driver(chain(webhook("a")), { script: { a: [{ lost: true }] } })
				.start()
				.runToEnd();
			expect(d.state?.header.result).toBe("FAILED");
			expect(d.requests).toHaveLength(4);
			expect(d.state?.nodes.a?.attempts.at(-1)?.error?.code).toBe("timeout");
		});

		it("is still a timeout when the shell has the call running (a slow receiver)", () => {
			const d = new Driver(chain(webhook("a")), { script: { a: [{ hang: true }] } })
				.start()
				.runToEnd();
			expect(d.state?.header.result).toBe("FAILED");
			expect(d.requests).toHaveLength(1);
		});
	});
});

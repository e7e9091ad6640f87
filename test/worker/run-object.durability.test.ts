import { env, evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { newRunId, type RunObject } from "../../durable-objects";
import { RunStore } from "../../durable-objects/run/run-store";
import type { OutboxState } from "../../engine/control";
import { sweepStuckRuns } from "../../worker/sweeper";
import {
	definition,
	finished,
	fireAlarm,
	history,
	hook,
	link,
	makeTimersDue,
	readRun,
	runStub,
	type Stub,
	startInput,
	startRun,
	trigger,
	waitForIndex,
	waitForRun,
} from "./run-helpers";

/** trigger → check → wait (1 h) → call → wait2 (1 h): every step after the first waits on a timer. */
function timerDriven(url: string) {
	return definition({
		identifier: "timer_driven",
		nodes: [
			trigger({ n: { type: "number" } }),
			{
				identifier: "check",
				config: {
					type: "CONDITION",
					options: [{ identifier: "big", expression: ".inputs.n > 1" }],
				},
			},
			{ identifier: "wait", config: { type: "DELAY", duration: "1h" } },
			{
				identifier: "call",
				config: { type: "WEBHOOK", url, method: "POST", body: { n: "{{ .inputs.n }}" } },
			},
			{ identifier: "wait2", config: { type: "DELAY", duration: "1h" } },
		],
		connections: [
			link("c1", "trigger", "check"),
			link("c2", "check", "wait", { sourceOptionIdentifier: "big" }),
			link("c3", "wait", "call"),
			link("c4", "call", "wait2"),
		],
	});
}

/** trigger → call: one WEBHOOK POST to `url`. */
function oneCall(identifier: string, url: string) {
	return definition({
		identifier,
		nodes: [trigger(), { identifier: "call", config: { type: "WEBHOOK", url, method: "POST" } }],
		connections: [link("c1", "trigger", "call")],
	});
}

/** History without times, durations and run-specific strings, to compare two runs. */
function shape(
	events: { type: string; node: string | null; detail: string }[],
	runId: string,
	url: string,
) {
	return events.map((e) => {
		const detail = e.detail
			.replaceAll(runId, "RUN")
			.replaceAll(url, "URL")
			.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, "T")
			.replace(/\d+ms/g, "Nms");
		return `${e.type}|${e.node}|${detail}`;
	});
}

/** Each round: wait for the run to settle, do `between`, make its timers due, fire the alarm. */
async function driveToEnd(stub: Stub, between: () => Promise<void>) {
	for (let round = 0; round < 10; round++) {
		const run = await waitForRun(stub, (r) => r.status !== "IN_PROGRESS");
		if (run.status === "COMPLETED") return run;
		await between();
		await makeTimersDue(stub);
		await fireAlarm(stub);
	}
	throw new Error(`run did not finish: ${(await readRun(stub))?.status}`);
}

describe("RunObject: durable execution", () => {
	it("gives the same history when evicted between every pair of events", async () => {
		const plainHook = await hook();
		const plain = await startRun(timerDriven(plainHook.url), { n: 2 });
		const plainRun = await driveToEnd(plain.stub, async () => {});
		const evictedHook = await hook();
		const evicted = await startRun(timerDriven(evictedHook.url), { n: 2 });
		const evictedRun = await driveToEnd(evicted.stub, () => evictDurableObject(evicted.stub));

		expect(plainRun.result).toBe("SUCCESS");
		expect(evictedRun.result).toBe("SUCCESS");
		const plainHistory = shape(await history(plain.stub), plain.runId, plainHook.url);
		expect(plainHistory.length).toBeGreaterThan(15);
		expect(shape(await history(evicted.stub), evicted.runId, evictedHook.url)).toEqual(
			plainHistory,
		);
		expect(await evictedHook.deliveries()).toHaveLength(1);
	});

	it("sets the one alarm for a real wait, at its due time", async () => {
		const def = definition({
			identifier: "long_delay",
			nodes: [trigger(), { identifier: "wait", config: { type: "DELAY", duration: "1h" } }],
			connections: [link("c1", "trigger", "wait")],
		});
		const before = Date.now();
		const { stub } = await startRun(def);
		const run = await readRun(stub);
		expect(run?.status).toBe("WAITING");
		const alarm = await runInDurableObject(stub, (_: RunObject, state) => state.storage.getAlarm());
		expect(alarm).toBeGreaterThanOrEqual(before + 3_600_000);
		expect(alarm).toBeLessThanOrEqual(Date.now() + 3_600_000 + 1_000);
	});

	it("keeps an alarm that is earlier than the next timer, and an early alarm only sets it again", async () => {
		const fast = await hook([{ status: 200 }]);
		const slow = await hook([{ status: 200, delayMs: 1500 }]);
		const def = definition({
			identifier: "fast_then_slow",
			nodes: [
				trigger(),
				{ identifier: "fast", config: { type: "WEBHOOK", url: fast.url, method: "POST" } },
				{ identifier: "slow", config: { type: "WEBHOOK", url: slow.url, method: "POST" } },
			],
			connections: [link("c1", "trigger", "fast"), link("c2", "fast", "slow")],
		});
		const { stub } = await startRun(def);
		const stored = () =>
			runInDurableObject(stub, (_: RunObject, state) => ({
				alarm: state.storage.getAlarm(),
				timers: new RunStore(state.storage).load().state?.timers ?? {},
			}));
		await waitForRun(stub, (r) => r.nodeRuns.some((n) => n.node === "slow"));
		const during = await stored();
		const slowTimeout = during.timers["attempt_timeout:slow"]?.at as number;
		expect(Object.keys(during.timers)).toEqual(["attempt_timeout:slow"]);
		// Still set for the first call's timeout: earlier than the only timer left, never later.
		expect(await during.alarm).toBeLessThan(slowTimeout);

		// It fires early: nothing is due, the call goes on, and the alarm moves to its timeout.
		await fireAlarm(stub);
		expect(await (await stored()).alarm).toBe(slowTimeout);
		const run = await waitForRun(stub, finished);
		expect(run.result).toBe("SUCCESS");
		expect(run.nodeRuns.find((n) => n.node === "slow")?.attempts).toHaveLength(1);
		expect(await slow.deliveries()).toHaveLength(1);
		// Nothing left to wait for: no alarm.
		expect(await (await stored()).alarm).toBeNull();
	});

	it("starts a run whose object went away before the tenant answered, when the start is retried", async () => {
		const receiver = await hook();
		const def = definition({
			identifier: "after_crash",
			nodes: [
				trigger(),
				{ identifier: "call", config: { type: "WEBHOOK", url: receiver.url, method: "POST" } },
			],
			connections: [link("c1", "trigger", "call")],
		});
		const runId = newRunId();
		const stub = runStub("acme", runId);
		const input = startInput(def, runId);
		// What an earlier version left after a crash right after the creation record (it stored
		// that record before asking the tenant): the record, nothing else.
		await runInDurableObject(stub, (_: RunObject, state) => {
			new RunStore(state.storage).putMeta("run", { ...input, createdAt: Date.now() });
		});
		await evictDurableObject(stub);
		// Started this time (the receiver may already have answered), not left QUEUED as before.
		expect(["IN_PROGRESS", "COMPLETED"]).toContain((await stub.start(input)).status);
		const run = await waitForRun(stub, finished);
		expect(run.result).toBe("SUCCESS");
		// Retrying again changes nothing: one start, one call.
		expect((await stub.start(input)).status).toBe("COMPLETED");
		const events = await history(stub);
		expect(events.filter((e) => e.type === "run_started")).toHaveLength(1);
		expect(await receiver.deliveries()).toHaveLength(1);
		await waitForIndex(runId, "COMPLETED");
	});

	it("writes nothing for a run id that was never started", async () => {
		const stub = runStub("acme", newRunId());
		expect(await readRun(stub)).toBeNull();
		expect(await stub.getEvents(0, 10)).toEqual({ events: [], lastSeq: 0 });
		expect(await stub.signal({ kind: "slot_granted" })).toEqual({ kind: "no_such_run" });
		const tables = await runInDurableObject(stub, (_: RunObject, state) =>
			state.storage.sql
				.exec<{ name: string }>(
					"SELECT name FROM sqlite_master WHERE type = 'table' AND substr(name, 1, 4) != '_cf_'",
				)
				.toArray(),
		);
		expect(tables).toEqual([]);
	});

	it("treats a repeated alarm as one: the second firing changes nothing", async () => {
		const def = definition({
			identifier: "two_delays",
			nodes: [
				trigger(),
				{ identifier: "first", config: { type: "DELAY", duration: "1h" } },
				{ identifier: "second", config: { type: "DELAY", duration: "2h" } },
			],
			connections: [link("c1", "trigger", "first"), link("c2", "first", "second")],
		});
		const { stub } = await startRun(def);
		await makeTimersDue(stub);
		// Alarms are at-least-once: call the handler twice, as a duplicate delivery would.
		await runInDurableObject(stub, async (instance: RunObject) => {
			await instance.alarm();
			await instance.alarm();
		});
		const events = await history(stub);
		expect(events.filter((e) => e.type === "timer_fired")).toHaveLength(1);
		expect(events.filter((e) => e.type === "node_succeeded" && e.node === "first")).toHaveLength(1);
		const run = await readRun(stub);
		expect(run?.status).toBe("WAITING");
		expect(run?.nodeRuns.find((n) => n.node === "second")?.status).toBe("WAITING");
	});

	it("commits 'attempt started' before the call is answered", async () => {
		const slow = await hook([{ status: 200, delayMs: 400 }]);
		const { stub } = await startRun(oneCall("slow", slow.url));
		// Read straight from storage, not from the object's memory.
		const call = await runInDurableObject(stub, (_: RunObject, state) => {
			const stored = new RunStore(state.storage).load().state?.nodes.call;
			if (!stored) throw new Error("no stored node run for call");
			return stored;
		});
		expect(call.status).toBe("IN_PROGRESS");
		expect(call.attempts).toHaveLength(1);
		expect(call.attempts[0]?.endedAt).toBeNull();
		await waitForRun(stub, finished);
	});

	it("sends a call cut off by a restart again at its timeout, not failing a node without retries", async () => {
		const slow = await hook([{ status: 200, delayMs: 1_500 }, { status: 200 }]);
		const started = await startRun(oneCall("cut_off", slow.url));
		expect((await readRun(started.stub))?.status).toBe("IN_PROGRESS");
		// A restart mid-call: the attempt is open, and the new instance runs no call for it.
		// (evictDurableObject waits for the call to end; abort resets the object at once.)
		await runInDurableObject(started.stub, (_: RunObject, state) => state.abort("restart")).catch(
			() => {},
		);
		const stub = runStub(started.tenantId, started.runId);
		await makeTimersDue(stub);
		await fireAlarm(stub);
		const run = await waitForRun(stub, finished);
		expect(run.result).toBe("SUCCESS");
		const call = run.nodeRuns.find((n) => n.node === "call");
		expect(call?.attempts.map((a) => a.error?.code ?? null)).toEqual(["interrupted", null]);
		const keys = (await slow.deliveries()).map((d) => d.headers["idempotency-key"]);
		expect(keys.length).toBeLessThanOrEqual(2);
		expect(new Set(keys).size).toBe(1);
	});

	it("wakes a run whose alarm was lost, from the sweeper", async () => {
		const def = definition({
			identifier: "lost_alarm",
			nodes: [trigger(), { identifier: "wait", config: { type: "DELAY", duration: "1h" } }],
			connections: [link("c1", "trigger", "wait")],
		});
		const { runId, stub } = await startRun(def);
		await waitForIndex(runId, "WAITING");
		await runInDurableObject(stub, (_: RunObject, state) => state.storage.deleteAlarm());
		await makeTimersDue(stub);
		// The index says it should have woken three minutes ago.
		await env.DB.prepare("UPDATE runs SET wake_at = ? WHERE id = ?")
			.bind(Date.now() - 180_000, runId)
			.run();
		const poked = await sweepStuckRuns(env, Date.now());
		expect(poked).toBeGreaterThanOrEqual(1);
		expect((await readRun(stub))?.result).toBe("SUCCESS");
		await waitForIndex(runId, "COMPLETED");
	});

	it("retries a failed index write from the alarm", async () => {
		await env.DB.exec("ALTER TABLE runs RENAME TO runs_offline");
		let runId = "";
		try {
			const def = definition({
				identifier: "flaky_index",
				nodes: [trigger(), { identifier: "wait", config: { type: "DELAY", duration: "1h" } }],
				connections: [link("c1", "trigger", "wait")],
			});
			const started = await startRun(def);
			runId = started.runId;
			const outbox = await runInDurableObject(started.stub, async (_: RunObject, state) => {
				for (let i = 0; i < 100; i++) {
					const value = new RunStore(state.storage).load().controls.outbox as
						| OutboxState
						| undefined;
					if (value && value.failures > 0) return value;
					await new Promise((r) => setTimeout(r, 10));
				}
				throw new Error("flush never failed");
			});
			expect(outbox.pending?.status).toBe("WAITING");
			expect(outbox.retryAt).toBeGreaterThan(Date.now() - 1000);
		} finally {
			await env.DB.exec("ALTER TABLE runs_offline RENAME TO runs");
		}
		await fireAlarm(env.RUN_OBJECT.get(env.RUN_OBJECT.idFromName(`acme:${runId}`)));
		await waitForIndex(runId, "WAITING");
	});
});

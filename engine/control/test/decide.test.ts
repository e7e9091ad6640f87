import { describe, expect, it } from "vitest";
import { RELEASE_RETRY_MS, RESUME_ASK_AGAIN_MS } from "../index";
import { callWaitCall, instant, kinds, oneCall, T0, TestHost, waitThenCall } from "./host";

const HOUR = 3_600_000;

/**
 * One row: a run brought to some point (`given`), one input (`when`), and what the decision
 * must hold. Kinds are listed in order; `writeNow` and `transition` say what is stored.
 */
interface Row {
	name: string;
	given: () => TestHost;
	when: (host: TestHost) => ReturnType<TestHost["feed"]>;
	expect: {
		transition: boolean;
		writeNow?: string[];
		commands?: string[];
		background?: string[];
		answer?: unknown;
		admission?: Record<string, unknown>;
		outbox?: Record<string, unknown>;
		status?: string;
		alarm?: number | null;
	};
}

const admission = {
	working: { holdsSlot: true, waitingForSlot: null },
	idle: { holdsSlot: false, waitingForSlot: null },
};

const rows: Row[] = [
	// ── admission of a new run ──
	{
		name: "a start asks the tenant to admit the run, storing nothing yet",
		given: () => new TestHost(oneCall()),
		when: (h) => h.feed({ kind: "start" }),
		expect: { transition: false, writeNow: [], commands: ["admit"], background: [] },
	},
	{
		name: "a run that ends in its first step is admitted without holding a slot",
		given: () => new TestHost(instant()),
		when: (h) => h.admit("granted"),
		expect: {
			transition: true,
			commands: ["write_index"],
			background: ["publish"],
			admission: admission.idle,
			status: "COMPLETED",
		},
	},
	{
		name: "a granted run that calls out holds its slot, calls, and arms the attempt's timeout",
		given: () => new TestHost(oneCall()),
		when: (h) => h.admit("granted"),
		expect: {
			transition: true,
			commands: ["write_index", "set_alarm"],
			background: ["publish", "http_request"],
			admission: admission.working,
			status: "IN_PROGRESS",
		},
	},
	{
		name: "a queued run stores only its QUEUED index entry, and the start waits for its write",
		given: () => new TestHost(oneCall()),
		when: (h) => h.admit("queued"),
		expect: {
			transition: false,
			writeNow: ["outbox"],
			commands: ["write_index"],
			admission: { holdsSlot: false, waitingForSlot: "start" },
			outbox: { pending: expect.objectContaining({ status: "QUEUED", wakeAt: null }) },
		},
	},
	{
		name: "a start repeated after the admission was answered asks nothing",
		given: () => {
			const h = new TestHost(oneCall());
			h.admit("queued");
			return h;
		},
		when: (h) => h.feed({ kind: "start" }),
		expect: { transition: false, writeNow: [], commands: [], background: [] },
	},
	// ── slot grants ──
	{
		name: "a grant starts a queued run with the slot it was given",
		given: () => {
			const h = new TestHost(oneCall());
			h.admit("queued");
			return h;
		},
		when: (h) => h.feed({ kind: "signal", signal: { kind: "slot_granted" } }),
		expect: {
			transition: true,
			answer: { kind: "accepted" },
			background: ["publish", "http_request", "write_index"],
			admission: admission.working,
			status: "IN_PROGRESS",
		},
	},
	{
		name: "a grant delivered again changes nothing",
		given: () => {
			const h = new TestHost(oneCall());
			h.admit("queued");
			h.feed({ kind: "signal", signal: { kind: "slot_granted" } });
			return h;
		},
		when: (h) => h.feed({ kind: "signal", signal: { kind: "slot_granted" } }),
		expect: { transition: false, writeNow: [], commands: [], answer: { kind: "accepted" } },
	},
	{
		name: "a grant for a run cancelled while queued goes straight back",
		given: () => {
			const h = new TestHost(oneCall());
			h.admit("queued");
			h.feed({ kind: "signal", signal: { kind: "cancel", by: "bob", reason: null } });
			return h;
		},
		when: (h) => h.feed({ kind: "signal", signal: { kind: "slot_granted" } }),
		expect: {
			transition: false,
			writeNow: ["admission"],
			commands: ["release_slot"],
			answer: { kind: "accepted" },
		},
	},
	// ── cancel ──
	{
		name: "cancelling a queued run stores the cancellation with its index entry and withdraws it",
		given: () => {
			const h = new TestHost(oneCall());
			h.admit("queued");
			return h;
		},
		when: (h) => h.feed({ kind: "signal", signal: { kind: "cancel", by: "bob", reason: null } }),
		expect: {
			transition: false,
			writeNow: ["admission", "outbox"],
			commands: ["close_streams", "withdraw"],
			background: ["write_index"],
			answer: { kind: "cancelled" },
			admission: { waitingForSlot: null, cancelledBeforeStart: { by: "bob", at: T0 } },
			outbox: { pending: expect.objectContaining({ status: "COMPLETED", result: "CANCELLED" }) },
		},
	},
	{
		name: "a withdrawal that finds the slot already granted gives it back",
		given: () => {
			const h = new TestHost(oneCall());
			h.admit("queued");
			h.feed({ kind: "signal", signal: { kind: "cancel", by: "bob", reason: null } });
			return h;
		},
		when: (h) => h.feed({ kind: "withdrawn", answer: { kind: "holds_slot" } }),
		expect: { transition: false, writeNow: ["admission"], commands: ["release_slot"] },
	},
	{
		name: "cancelling a working run ends it, aborts its call and gives the slot back",
		given: () => {
			const h = new TestHost(oneCall());
			h.admit("granted");
			return h;
		},
		when: (h) => h.feed({ kind: "signal", signal: { kind: "cancel", by: "bob", reason: null } }),
		expect: {
			transition: true,
			answer: { kind: "cancelled" },
			background: ["publish", "release_slot", "abandon_request", "write_index"],
			commands: ["delete_alarm"],
			admission: admission.idle,
			status: "COMPLETED",
		},
	},
	{
		name: "cancelling a finished run answers with its result",
		given: () => {
			const h = new TestHost(instant());
			h.admit("granted");
			return h;
		},
		when: (h) => h.feed({ kind: "signal", signal: { kind: "cancel", by: "bob", reason: null } }),
		expect: {
			transition: false,
			writeNow: [],
			commands: [],
			answer: { kind: "already_finished", result: "SUCCESS" },
		},
	},
	// ── steps, waits and the alarm ──
	{
		name: "a run that starts waiting gives its slot back in the same row, and is indexed WAITING",
		given: () => {
			const h = new TestHost(callWaitCall());
			h.admit("granted");
			return h;
		},
		when: (h) => h.answerCall(),
		expect: {
			transition: true,
			background: ["publish", "release_slot", "write_index"],
			admission: admission.idle,
			status: "WAITING",
			outbox: { pending: expect.objectContaining({ status: "WAITING", wakeAt: T0 + HOUR }) },
		},
	},
	{
		name: "a waiting run's due timer asks for a slot first, and arms only the alarm that asks again",
		given: () => {
			const h = new TestHost(waitThenCall());
			h.admit("granted");
			h.run.alarmAt = null; // the alarm fired
			return h.wait(HOUR);
		},
		when: (h) => h.feed({ kind: "alarm" }),
		expect: {
			transition: false,
			writeNow: ["admission"],
			commands: ["acquire_slot", "set_alarm"],
			admission: { holdsSlot: false, waitingForSlot: "resume" },
			alarm: T0 + HOUR + RESUME_ASK_AGAIN_MS,
		},
	},
	{
		name: "the granted slot lets the due timer fire, in the grant's row",
		given: () => {
			const h = new TestHost(waitThenCall());
			h.admit("granted");
			h.run.alarmAt = null;
			h.wait(HOUR).feed({ kind: "alarm" });
			return h;
		},
		when: (h) => h.feed({ kind: "slot_answered", answer: { kind: "granted" } }),
		expect: {
			transition: true,
			background: ["publish", "http_request"],
			commands: ["write_index", "set_alarm"],
			admission: admission.working,
			status: "IN_PROGRESS",
		},
	},
	{
		name: "a resume that is queued waits for the tenant's grant",
		given: () => {
			const h = new TestHost(waitThenCall());
			h.admit("granted");
			h.run.alarmAt = null;
			h.wait(HOUR).feed({ kind: "alarm" });
			return h;
		},
		when: (h) => h.feed({ kind: "slot_answered", answer: { kind: "queued", position: 2 } }),
		expect: { transition: false, writeNow: [], commands: [], background: [] },
	},
	{
		name: "an alarm with nothing due changes nothing and sets the alarm again",
		given: () => {
			const h = new TestHost(waitThenCall());
			h.admit("granted");
			h.run.alarmAt = null;
			return h;
		},
		when: (h) => h.feed({ kind: "alarm" }),
		expect: { transition: false, writeNow: [], commands: ["set_alarm"], alarm: T0 + HOUR },
	},
	{
		name: "an alarm set earlier than needed is left where it is",
		given: () => {
			const h = new TestHost(callWaitCall());
			h.admit("granted");
			h.run.alarmAt = T0 + 5;
			return h;
		},
		when: (h) => h.answerCall(),
		expect: { transition: true, commands: [], alarm: T0 + 5 },
	},
	// ── retries of the host's own calls ──
	{
		name: "a failed slot release is kept and retried from the alarm",
		given: () => {
			const h = new TestHost(callWaitCall());
			h.admit("granted");
			h.answerCall();
			return h;
		},
		when: (h) => h.feed({ kind: "slot_release_failed", error: "unreachable" }),
		expect: {
			transition: false,
			writeNow: ["admission"],
			commands: ["set_alarm"],
			admission: { releaseRetryAt: T0 + RELEASE_RETRY_MS },
			alarm: T0 + RELEASE_RETRY_MS,
		},
	},
	{
		name: "the alarm gives a slot back before anything else",
		given: () => {
			const h = new TestHost(callWaitCall());
			h.admit("granted");
			h.answerCall();
			h.feed({ kind: "slot_release_failed", error: "unreachable" });
			h.run.alarmAt = null;
			return h.wait(RELEASE_RETRY_MS);
		},
		when: (h) => h.feed({ kind: "alarm" }),
		expect: {
			transition: false,
			writeNow: ["admission"],
			commands: ["release_slot", "set_alarm"],
			admission: { releaseRetryAt: null, holdsSlot: false },
			alarm: T0 + HOUR,
		},
	},
	{
		name: "a failed index write is kept with its backoff and retried from the alarm",
		given: () => {
			const h = new TestHost(waitThenCall(), { confirmIndexWrites: false });
			h.admit("granted");
			return h;
		},
		when: (h) => h.feed({ kind: "index_write_failed", error: "D1 down" }),
		expect: {
			transition: false,
			writeNow: ["outbox"],
			commands: ["set_alarm"],
			outbox: { failures: 1, retryAt: T0 + 1000 },
			alarm: T0 + 1000,
		},
	},
	{
		name: "a confirmed index write is not stored on its own: it rides with the next transition",
		given: () => new TestHost(waitThenCall(), { confirmIndexWrites: false }),
		when: (h) => {
			const admitted = h.admit("granted");
			const write = admitted.commands.find((c) => c.kind === "write_index");
			if (write?.kind !== "write_index") throw new Error("no index write");
			return h.feed({ kind: "index_written", entry: write.entry });
		},
		expect: {
			transition: false,
			writeNow: [],
			commands: [],
			outbox: {
				pending: null,
				failures: 0,
				flushed: expect.objectContaining({ status: "WAITING" }),
			},
		},
	},
	{
		name: "the sweeper's poke rewrites the index entry of a run with nothing due",
		given: () => {
			const h = new TestHost(waitThenCall());
			h.admit("granted");
			return h;
		},
		when: (h) => h.feed({ kind: "signal", signal: { kind: "poke" } }),
		expect: {
			transition: false,
			writeNow: ["outbox"],
			commands: ["write_index"],
			answer: { kind: "accepted" },
		},
	},
];

describe("decide: the run host's decisions", () => {
	for (const row of rows) {
		it(row.name, () => {
			const host = row.given();
			const decision = row.when(host);
			const { expect: want } = row;
			expect(decision.transition !== null).toBe(want.transition);
			if (want.writeNow) expect(decision.writeNow).toEqual(want.writeNow);
			if (want.commands) expect(kinds(decision.commands)).toEqual(want.commands);
			if (want.background) expect(kinds(decision.background)).toEqual(want.background);
			if (want.answer) expect(decision.answer).toEqual(want.answer);
			if (want.admission) expect(decision.controls.admission).toMatchObject(want.admission);
			if (want.outbox) expect(decision.controls.outbox).toMatchObject(want.outbox);
			if (want.status) expect(host.run.state?.header.status).toBe(want.status);
			if (want.alarm !== undefined) expect(host.run.alarmAt).toBe(want.alarm);
		});
	}

	it("stores every admission change at once: only index confirmations wait for the next row", () => {
		const host = new TestHost(callWaitCall());
		host.admit("granted");
		host.answerCall();
		host.wait(HOUR);
		host.run.alarmAt = null;
		host.feed({ kind: "alarm" });
		host.feed({ kind: "slot_answered", answer: { kind: "granted" } });
		host.answerCall();
		expect(host.run.state?.header.result).toBe("SUCCESS");
		// A reload after any of these decisions finds the admission the host decided on.
		expect(host.stored.admission).toEqual(host.run.controls.admission);
		expect(host.run.controls.admission).toMatchObject(admission.idle);
		// The last index write was confirmed in memory only; a reload writes it again, which the
		// guarded upsert ignores.
		expect(host.run.controls.outbox.pending).toBeNull();
		expect(host.stored.outbox?.pending).toMatchObject({ status: "COMPLETED" });
	});
});

describe("decide: a repeated start", () => {
	it("writes an index entry a restart cut off before it answers", () => {
		const host = new TestHost(instant(), { confirmIndexWrites: false });
		host.admit("granted");
		expect(host.run.state?.header.status).toBe("COMPLETED");
		// The restart: the object reloads what was stored, the write to D1 never happened.
		host.run.controls = { ...host.run.controls, ...host.stored };
		const repeated = host.feed({ kind: "start" });
		expect(kinds(repeated.commands)).toEqual(["write_index"]);
		const write = repeated.commands.find((c) => c.kind === "write_index");
		expect(write?.kind === "write_index" && write.entry.status).toBe("COMPLETED");
	});

	it("writes nothing when the index already holds the run", () => {
		const host = new TestHost(instant());
		host.admit("granted");
		expect(kinds(host.feed({ kind: "start" }).commands)).toEqual([]);
	});
});

describe("decide: the outbox starts a failed run's error workflow", () => {
	const failing = () => ({ ...oneCall(), errorWorkflow: "on_failure" });
	const serverError = {
		kind: "response" as const,
		response: { status: 500, headers: {}, body: "{}", bodyTruncated: false },
	};
	const sends = (decision: ReturnType<TestHost["feed"]>) =>
		decision.background.flatMap((c) => (c.kind === "send" ? [c.sending] : []));

	it("stores the message with the transition that failed the run, and sends it after", () => {
		const host = new TestHost(failing());
		host.admit("granted");
		const failed = host.wait(10).answerCall(serverError);
		expect(failed.transition?.state.header.result).toBe("FAILED");
		const [message] = sends(failed);
		expect(message).toMatchObject({
			id: "error-workflow",
			message: {
				kind: "start_error_workflow",
				errorWorkflow: "on_failure",
				failedRun: {
					id: "run_1",
					workflow: "wf",
					version: 1,
					error: { code: "http_error" },
					failedNode: "call",
					inputs: {},
					initiator: "alice",
					url: "/v1/workflows/runs/run_1",
				},
			},
		});
		// In the failing transition's row, so it is as durable as the failure itself.
		expect(host.stored.outbox?.sending).toEqual([message]);
		// The one alarm comes no later than the resend (an earlier one is left where it is).
		expect(host.run.alarmAt).toBeLessThanOrEqual(message?.dueAt ?? 0);
	});

	it("an answer takes the message out and links the error run; a repeat answer changes nothing", () => {
		const host = new TestHost(failing());
		host.admit("granted");
		host.wait(10).answerCall(serverError);
		const answer = {
			kind: "sent" as const,
			id: "error-workflow",
			answer: { kind: "error_run_started" as const, runId: "run_2", workflow: "on_failure" },
		};
		const linked = host.feed(answer);
		expect(linked.writeNow.sort()).toEqual(["links", "outbox"]);
		expect(host.stored.outbox?.sending).toEqual([]);
		expect(host.stored.links?.errorRun).toEqual({
			status: "started",
			runId: "run_2",
			workflow: "on_failure",
		});
		expect(host.feed(answer).writeNow).toEqual([]);
	});

	it("a failed send, or one lost with the object, goes out again from the alarm", () => {
		const host = new TestHost(failing());
		host.admit("granted");
		const [first] = sends(host.wait(10).answerCall(serverError));
		const failed = host.feed({ kind: "send_failed", id: "error-workflow", error: "D1 is down" });
		expect(failed.writeNow).toEqual(["outbox"]);
		const retryAt = host.stored.outbox?.sending?.[0]?.dueAt ?? 0;
		expect(retryAt).toBe(host.now + 1_000);
		expect(sends(host.wait(999).feed({ kind: "alarm" }))).toEqual([]);
		const again = sends(host.wait(1).feed({ kind: "alarm" }));
		expect(again).toEqual([expect.objectContaining({ id: first?.id, failures: 1 })]);
	});

	it("sends nothing for a run that succeeds, is cancelled, or is itself an error run", () => {
		const ok = new TestHost(failing());
		ok.admit("granted");
		expect(sends(ok.wait(10).answerCall())).toEqual([]);

		const cancelled = new TestHost(failing());
		cancelled.admit("granted");
		const cancel = cancelled.feed({
			kind: "signal",
			signal: { kind: "cancel", by: "bob", reason: null },
		});
		expect(cancel.transition?.state.header.result).toBe("CANCELLED");
		expect(sends(cancel)).toEqual([]);

		const errorRun = new TestHost(failing(), undefined, {
			errorOf: { runId: "run_0", workflow: "other" },
		});
		errorRun.admit("granted");
		expect(sends(errorRun.wait(10).answerCall(serverError))).toEqual([]);
	});

	it("names no error workflow when the definition has none: the tenant's default decides", () => {
		const host = new TestHost(oneCall());
		host.admit("granted");
		const [message] = sends(host.wait(10).answerCall(serverError));
		expect(message?.message).toMatchObject({ errorWorkflow: null });
	});
});

/**
 * The host's side of an answer from outside (docs/ARCHITECTURE.md#waiting-on-the-outside): a
 * callback is stored in one transition and answered `accepted`; the task it ends goes on only
 * once the run holds a slot again; repeats, stale and unknown callbacks store nothing.
 */
import { describe, expect, it } from "vitest";
import { hashToken } from "../../crypto/token";
import { chain } from "../../run/test/defs";
import { RESUME_ASK_AGAIN_MS, type RunSignal } from "../index";
import { HOOK, kinds, TestHost } from "./host";

const asyncCall = () =>
	chain({
		identifier: "deploy",
		config: { type: "WEBHOOK", url: `${HOOK}/deploy`, synchronized: false },
	});

const callback = (n: number, body: unknown = { status: "SUCCESS", output: n }): RunSignal => ({
	kind: "callback",
	tokenHash: hashToken(`token${n}`.padEnd(43, "x")),
	body: body as never,
	signed: null,
});

/** A run whose async call was answered 202: WAITING, its slot given back. */
function waitingForCallback(): TestHost {
	const host = new TestHost(asyncCall());
	host.admit("granted");
	host.answerCall({
		kind: "response",
		response: { status: 202, headers: {}, body: "", bodyTruncated: false },
	});
	expect(host.run.state?.header.status).toBe("WAITING");
	expect(host.run.controls.admission.holdsSlot).toBe(false);
	return host;
}

describe("decide: callbacks", () => {
	it("a callback is stored with the transition that records it, then asks for a slot in the background", () => {
		const host = waitingForCallback();
		const decision = host.feed({ kind: "signal", signal: callback(1) });
		expect(decision.answer).toEqual({ kind: "accepted" });
		expect(decision.transition?.history.map((e) => e.type)).toEqual(["signal_received"]);
		// Not acted on yet: the run holds no slot, so the task's end waits for a grant.
		expect(host.run.state?.nodes.deploy?.status).toBe("WAITING");
		expect(decision.controls.admission.waitingForSlot).toBe("resume");
		expect(kinds(decision.background)).toContain("acquire_slot");
		expect(kinds(decision.commands)).not.toContain("acquire_slot");
		const granted = host.feed({ kind: "slot_answered", answer: { kind: "granted" } });
		expect(granted.transition?.state.header.status).toBe("COMPLETED");
		expect(granted.transition?.state.nodes.deploy?.output).toBe(1);
	});

	it("a repeat, an unknown token and a callback after the run ended store nothing", () => {
		const host = waitingForCallback();
		host.feed({ kind: "signal", signal: callback(1) });
		const repeat = host.feed({ kind: "signal", signal: callback(1, { status: "FAILED" }) });
		expect(repeat.answer).toEqual({ kind: "repeat" });
		expect(repeat.transition).toBeNull();
		expect(repeat.writeNow).toEqual([]);
		const unknown = host.feed({ kind: "signal", signal: callback(9) });
		expect(unknown.answer).toMatchObject({ kind: "refused", reason: "unknown" });
		expect(unknown.transition).toBeNull();
		host.feed({ kind: "signal", signal: { kind: "cancel", by: "bob", reason: null } });
		const late = new TestHost(asyncCall());
		late.admit("granted");
		late.feed({ kind: "signal", signal: { kind: "cancel", by: "bob", reason: null } });
		const closed = late.feed({ kind: "signal", signal: callback(1) });
		expect(closed.answer).toMatchObject({ kind: "refused", reason: "closed" });
		expect(closed.transition).toBeNull();
	});

	it("a restart that cut off the ask for a slot (and the index write) is healed by the alarm that asks again", () => {
		const host = new TestHost(asyncCall(), { confirmIndexWrites: false });
		host.admit("granted");
		host.answerCall({
			kind: "response",
			response: { status: 202, headers: {}, body: "", bodyTruncated: false },
		});
		const accepted = host.feed({ kind: "signal", signal: callback(1) });
		expect(kinds(accepted.background)).toContain("acquire_slot");
		// The alarm that asks again is set with the commit, before the ask goes out.
		expect(kinds(accepted.commands)).toContain("set_alarm");
		expect(host.run.alarmAt).toBe(host.now + RESUME_ASK_AGAIN_MS);
		// The restart: neither the ask nor the index write happened; what was stored is loaded.
		host.run.controls = { ...host.run.controls, ...host.stored };
		expect(host.run.controls.outbox.pending).toMatchObject({ status: "WAITING" });
		host.wait(RESUME_ASK_AGAIN_MS);
		host.run.alarmAt = null; // it fired
		const alarm = host.feed({ kind: "alarm" });
		expect(kinds(alarm.commands)).toEqual(["acquire_slot", "write_index", "set_alarm"]);
		// Asking again stores nothing new.
		expect(alarm.writeNow).toEqual([]);
		const granted = host.feed({ kind: "slot_answered", answer: { kind: "granted" } });
		expect(granted.transition?.state.header.status).toBe("COMPLETED");
	});
});

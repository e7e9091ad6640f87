/**
 * What a run's index entries tell D1 of its input requests (docs/ARCHITECTURE.md#input-requests):
 * a request opens in an entry, each response is worth a write, a close is carried until it is
 * written (however many entries replace the queued one meanwhile), then dropped; runs without
 * INPUT nodes carry nothing.
 */
import { describe, expect, it } from "vitest";
import { chain } from "../../run/test/defs";
import type { RunIndexEntry, RunSignal } from "../index";
import { oneCall, TestHost } from "./host";

const approval = () =>
	chain({
		identifier: "approve",
		title: "Ship?",
		config: {
			type: "INPUT",
			outlets: [{ identifier: "yes" }, { identifier: "no" }],
			numOfResponders: 2,
			userInputs: { properties: { otp: { type: "string", writeOnly: true } } },
		},
	});

const respond = (by: string, outlet = "yes", inputs = {}): RunSignal => ({
	kind: "input_response",
	node: "approve",
	by,
	role: "member",
	outlet,
	inputs,
	comment: null,
	key: null,
});

/** The index entries the run asked to write, oldest first. */
const writes = (host: TestHost): RunIndexEntry[] =>
	host.decisions.flatMap((d) =>
		[...d.commands, ...d.background].flatMap((c) => (c.kind === "write_index" ? [c.entry] : [])),
	);

const requests = (entry: RunIndexEntry | undefined) =>
	(entry?.inputRequests ?? []).map((r) => `${r.node}:${r.status}:${r.responses.length}`);

describe("input requests in the index entry", () => {
	it("opens, counts each response, closes once and then leaves the entries", () => {
		const host = new TestHost(approval());
		host.admit("granted");
		expect(requests(writes(host).at(-1))).toEqual(["approve:pending:0"]);
		expect(writes(host).at(-1)?.inputRequests?.[0]).toMatchObject({
			title: "Ship?",
			openedAt: host.now,
			dueAt: null,
		});

		host.feed({ kind: "signal", signal: respond("bob", "yes", { otp: "123456" }) });
		expect(requests(writes(host).at(-1))).toEqual(["approve:pending:1"]);
		expect(writes(host).at(-1)?.inputRequests?.[0]?.responses[0]?.inputs).toEqual({
			otp: "[REDACTED]",
		});

		host.feed({ kind: "signal", signal: respond("carol") });
		expect(requests(writes(host).at(-1))).toEqual(["approve:answered:2"]);
		host.feed({ kind: "slot_answered", answer: { kind: "granted" } });
		expect(host.run.state?.header.status).toBe("COMPLETED");
		// Answered was written while the run waited for its slot: the end carries nothing new.
		expect(requests(writes(host).at(-1))).toEqual([]);
	});

	it("a close queued behind an unwritten entry is carried by every entry until one is written", () => {
		const host = new TestHost(approval(), { confirmIndexWrites: false });
		host.admit("granted");
		const cancelled = host.feed({
			kind: "signal",
			signal: { kind: "cancel", by: "ada", reason: null },
		});
		expect(cancelled.controls.outbox.pending?.inputRequests).toMatchObject([
			{ node: "approve", status: "closed", decided: null },
		]);
		// D1 confirms it: the next entry built from the written one drops the request.
		const entry = cancelled.controls.outbox.pending as RunIndexEntry;
		host.feed({ kind: "index_written", entry });
		host.feed({ kind: "signal", signal: { kind: "poke" } });
		expect(requests(host.run.controls.outbox.pending ?? undefined)).toEqual([]);
	});

	it("a run without INPUT nodes carries no input requests", () => {
		const host = new TestHost(oneCall());
		host.admit("granted");
		host.answerCall();
		for (const entry of writes(host)) expect(entry).not.toHaveProperty("inputRequests");
	});
});

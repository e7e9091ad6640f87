/**
 * INPUT nodes: the run waits for people (docs/ARCHITECTURE.md#waiting-on-the-outside). Each
 * test plays a run through the driver, in memory and rebuilt from stored rows before every event.
 */
import { describe, expect, it } from "vitest";
import { checkInputResponse, planRetry, type RunState } from "../index";
import { conn, type Json, trigger, webhook, workflow } from "./defs";
import { Driver, T0 } from "./driver";

const HOUR = 3_600_000;

function approval(config: Json = {}, extra: Json = {}): Json {
	return {
		identifier: "approve",
		title: "Deploy {{ .inputs.service }}?",
		description: "Requested by {{ .inputs.who }}",
		config: {
			type: "INPUT",
			outlets: [{ identifier: "approved" }, { identifier: "rejected" }],
			userInputs: { properties: { reason: { type: "string" } } },
			...config,
		},
		...extra,
	};
}

/** trigger → approve → deploy (approved) | notify (rejected). */
function flow(config: Json = {}, extra: Json = {}, more: Json = {}): Json {
	return workflow(
		[trigger(), approval(config, extra), webhook("deploy"), webhook("notify")],
		[
			conn("trigger", "approve"),
			conn("approve", "deploy", { sourceOptionIdentifier: "approved" }),
			conn("approve", "notify", { sourceOptionIdentifier: "rejected" }),
		],
		more,
	);
}

const INPUTS = { service: "billing", who: "alice" };

describe.each([false, true])("INPUT nodes (rebuilt from rows: %s)", (persist) => {
	// Started only: the request opens in the start transition; runToEnd would also fire its timeout.
	const drive = (definition: unknown, options = {}) =>
		new Driver(definition, { persist, inputs: INPUTS, ...options }).start();

	it("opens a request and waits without working: the node and the run are WAITING", () => {
		const d = drive(flow({ timeout: { after: "2h", outlet: "rejected" } }));
		expect(d.run.status).toBe("WAITING");
		expect(d.state?.nodes.approve?.status).toBe("WAITING");
		expect(d.state?.nodes.approve?.waitingOn).toEqual({
			kind: "input",
			since: T0,
			title: "Deploy billing?",
			description: "Requested by alice",
			dueAt: T0 + 2 * HOUR,
			responses: [],
			decided: null,
		});
		expect(d.requests).toHaveLength(0);
		expect(d.details("node_waiting").join("\n")).toMatch(
			/waiting for a response, until .* rejected/,
		);
	});

	it("approve: one response continues through its outlet with the responses as output", () => {
		const d = drive(flow());
		d.advanceClock(60_000);
		d.respond("approve", "bob", "approved", { inputs: { reason: "looks good" }, comment: "ship" });
		d.runToEnd();
		expect(d.run.result).toBe("SUCCESS");
		expect(d.results()).toMatchObject({ deploy: "SUCCESS", notify: "SKIPPED" });
		expect(d.state?.nodes.approve?.output).toEqual({
			outlet: "approved",
			decidedBy: "responses",
			responses: [
				{
					by: "bob",
					at: new Date(T0 + 60_000).toISOString(),
					outlet: "approved",
					inputs: { reason: "looks good" },
					comment: "ship",
				},
			],
		});
		expect(d.state?.nodes.approve?.waitingOn ?? null).toBeNull();
	});

	it("decline: the rejected outlet's branch runs, the approved one is skipped", () => {
		const d = drive(flow());
		d.respond("approve", "bob", "rejected");
		d.runToEnd();
		expect(d.run.result).toBe("SUCCESS");
		expect(d.results()).toMatchObject({ deploy: "SKIPPED", notify: "SUCCESS" });
	});

	it("N responders: waits until numOfResponders agree; a disagreeing answer does not decide", () => {
		const d = drive(flow({ numOfResponders: 2 }));
		d.respond("approve", "bob", "approved");
		d.respond("approve", "carol", "rejected");
		d.runToEnd();
		expect(d.run.status).toBe("WAITING");
		d.respond("approve", "dave", "approved");
		d.runToEnd();
		expect(d.run.result).toBe("SUCCESS");
		expect(d.results().deploy).toBe("SUCCESS");
		const output = d.state?.nodes.approve?.output as { responses: Array<{ by: string }> };
		expect(output.responses.map((r) => r.by)).toEqual(["bob", "carol", "dave"]);
	});

	it("a decisive outlet ends the wait with one response", () => {
		const d = drive(
			flow({
				numOfResponders: 3,
				outlets: [{ identifier: "approved" }, { identifier: "rejected", decisive: true }],
			}),
		);
		d.respond("approve", "bob", "approved");
		d.respond("approve", "carol", "rejected");
		d.runToEnd();
		expect(d.run.result).toBe("SUCCESS");
		expect(d.results()).toMatchObject({ deploy: "SKIPPED", notify: "SUCCESS" });
		expect(d.state?.nodes.approve?.output).toMatchObject({ decidedBy: "decisive" });
	});

	it("timeout: leaves through timeout.outlet from the run's alarm", () => {
		// One approval of two is not enough; then time runs out.
		const two = drive(flow({ numOfResponders: 2, timeout: { after: "2h", outlet: "rejected" } }));
		two.respond("approve", "bob", "approved");
		two.runToEnd();
		expect(two.run.result).toBe("SUCCESS");
		expect(two.state?.nodes.approve?.endedAt).toBe(T0 + 2 * HOUR);
		expect(two.results()).toMatchObject({ deploy: "SKIPPED", notify: "SUCCESS" });
		expect(two.state?.nodes.approve?.output).toMatchObject({
			outlet: "rejected",
			decidedBy: "timeout",
			responses: [{ by: "bob", outlet: "approved" }],
		});
		expect(two.state?.timers).toEqual({});
	});

	it("without a timeout it waits for the run's own timeout", () => {
		const d = drive(flow({}, {}, { timeout: "1h" })).runToEnd();
		expect(d.run.result).toBe("FAILED");
		expect(d.run.endedAt).toBe(T0 + HOUR);
		expect(d.state?.nodes.approve?.result).toBe("CANCELLED");
	});

	it("refuses what it must and changes nothing: responders, the initiator, twice, an unknown outlet", () => {
		const d = drive(
			flow({ responders: { roles: ["admin"], users: ["carol"] }, allowInitiator: false }),
		);
		const check = (by: string, role: "admin" | "member" | "viewer", outlet = "approved") =>
			checkInputResponse(d.plan, d.state as RunState, {
				type: "input_response",
				node: "approve",
				by,
				role,
				outlet,
				inputs: {},
				comment: null,
				key: null,
			});
		expect(check("bob", "member")).toMatchObject({ kind: "refuse", reason: "forbidden" });
		expect(check("carol", "member")).toEqual({ kind: "take" });
		expect(check("erin", "admin")).toEqual({ kind: "take" });
		// The driver's run is started by alice.
		expect(check("alice", "admin")).toMatchObject({
			kind: "refuse",
			reason: "forbidden",
			message: expect.stringMatching(/initiator/),
		});
		expect(check("erin", "admin", "maybe")).toMatchObject({ kind: "refuse", reason: "invalid" });
		expect(
			checkInputResponse(d.plan, d.state as RunState, {
				type: "input_response",
				node: "nope",
				by: "erin",
				role: "admin",
				outlet: "approved",
				inputs: {},
				comment: null,
				key: null,
			}),
		).toMatchObject({ kind: "refuse", reason: "unknown" });
		// Refused responses sent anyway change nothing.
		const before = d.history.length;
		expect(d.respond("approve", "bob", "approved").ignored).not.toBeNull();
		expect(d.respond("approve", "alice", "approved", { role: "admin" }).ignored).not.toBeNull();
		expect(d.history).toHaveLength(before);
		expect(d.run.status).toBe("WAITING");
	});

	it("one response per person; the same Idempotency-Key again is a repeat, also after the end", () => {
		const d = drive(flow({ numOfResponders: 2 }));
		d.respond("approve", "bob", "approved", { key: "k1" });
		const again = d.respond("approve", "bob", "approved", { key: "k1" });
		expect(again.ignored).not.toBeNull();
		const state = () => d.state as RunState;
		const event = (key: string | null) =>
			({
				type: "input_response",
				node: "approve",
				by: "bob",
				role: "member",
				outlet: "approved",
				inputs: {},
				comment: null,
				key,
			}) as const;
		expect(checkInputResponse(d.plan, state(), event("k1"))).toEqual({ kind: "repeat" });
		expect(checkInputResponse(d.plan, state(), event("k2"))).toMatchObject({
			reason: "forbidden",
		});
		expect(checkInputResponse(d.plan, state(), event(null))).toMatchObject({
			reason: "forbidden",
		});
		d.respond("approve", "carol", "approved");
		d.runToEnd();
		expect(d.run.result).toBe("SUCCESS");
		expect(checkInputResponse(d.plan, state(), event("k1"))).toEqual({ kind: "repeat" });
		expect(checkInputResponse(d.plan, state(), event("k2"))).toMatchObject({ reason: "closed" });
		const output = d.state?.nodes.approve?.output as { responses: unknown[] };
		expect(output.responses).toHaveLength(2);
	});

	it("once decided, further responses are refused: exactly numOfResponders are kept", () => {
		const d = drive(flow({ numOfResponders: 2 }));
		for (const who of ["a", "b", "c", "d", "e"]) d.respond("approve", who, "approved");
		d.runToEnd();
		const output = d.state?.nodes.approve?.output as { responses: Array<{ by: string }> };
		expect(output.responses.map((r) => r.by)).toEqual(["a", "b"]);
		expect(d.details("signal_received")).toHaveLength(2);
	});

	it("cancel while waiting closes the request: answers after it are refused", () => {
		const d = drive(flow({ timeout: { after: "2h", outlet: "rejected" } }));
		d.send({ type: "cancel", by: "ops", reason: "not today" });
		expect(d.run.result).toBe("CANCELLED");
		expect(d.state?.nodes.approve?.result).toBe("CANCELLED");
		expect(d.state?.timers).toEqual({});
		const late = d.respond("approve", "bob", "approved");
		expect(late.ignored).not.toBeNull();
		expect(
			checkInputResponse(d.plan, d.state as RunState, {
				type: "input_response",
				node: "approve",
				by: "bob",
				role: "member",
				outlet: "approved",
				inputs: {},
				comment: null,
				key: null,
			}),
		).toMatchObject({ kind: "refuse", reason: "closed" });
	});

	it("a retry of a run that failed after an approval reuses it: nobody is asked again", () => {
		const first = drive(flow(), { script: { deploy: [{ status: 500 }] } });
		first.respond("approve", "bob", "approved", { comment: "ok" });
		first.runToEnd();
		expect(first.run.result).toBe("FAILED");
		const planned = planRetry(first.plan, first.state as RunState, null);
		if (planned.kind === "refused") throw new Error(planned.reason);
		const retry = new Driver(flow(), {
			persist,
			inputs: INPUTS,
			runId: "run_2",
			reuse: planned.reuse,
		})
			.start()
			.runToEnd();
		expect(retry.run.result).toBe("SUCCESS");
		expect(retry.results()).toMatchObject({
			approve: "SUCCESS",
			deploy: "SUCCESS",
			notify: "SKIPPED",
		});
		expect(retry.state?.nodes.approve?.output).toEqual(first.state?.nodes.approve?.output);
		expect(retry.details("node_reused").join("\n")).toMatch(/leaving through approved/);
		expect(retry.details("node_waiting")).toEqual([]);
	});
});

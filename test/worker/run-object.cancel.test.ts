import { describe, expect, it } from "vitest";
import {
	cancelRun,
	definition,
	fireAlarm,
	history,
	hook,
	link,
	nodeRun,
	readRun,
	startRun,
	trigger,
	waitForIndex,
	waitForRun,
} from "./run-helpers";

function parallel(url: string) {
	return definition({
		identifier: "parallel",
		nodes: [
			trigger(),
			{ identifier: "quick", config: { type: "WEBHOOK", url, method: "POST" } },
			{ identifier: "long_wait", config: { type: "DELAY", duration: "1h" } },
			{ identifier: "after_wait", config: { type: "WEBHOOK", url, method: "POST" } },
		],
		connections: [
			link("c1", "trigger", "quick"),
			link("c2", "trigger", "long_wait"),
			link("c3", "long_wait", "after_wait"),
		],
	});
}

describe("RunObject: cancel", () => {
	it("cancels open nodes, keeps finished ones and drops timers", async () => {
		const receiver = await hook();
		const { runId, stub } = await startRun(parallel(receiver.url));
		await waitForRun(
			stub,
			(r) => nodeRun(r, "quick").status === "COMPLETED" && r.status === "WAITING",
		);

		const result = await cancelRun(stub, "alice", "changed my mind");
		expect(result.kind).toBe("cancelled");
		const run = await readRun(stub);
		expect(run).toMatchObject({ status: "COMPLETED", result: "CANCELLED" });
		expect(nodeRun(run!, "quick").result).toBe("SUCCESS");
		expect(nodeRun(run!, "long_wait").result).toBe("CANCELLED");
		expect(nodeRun(run!, "after_wait").result).toBe("CANCELLED");
		await waitForIndex(runId, "COMPLETED");
		expect(await receiver.deliveries()).toHaveLength(1);
	});

	it("ends exactly once when cancel races the alarm or a second cancel", async () => {
		const { stub } = await startRun(parallel((await hook()).url));
		await waitForRun(stub, (r) => r.status === "WAITING");
		const [first, second] = await Promise.all([cancelRun(stub, "alice"), cancelRun(stub, "bob")]);
		expect([first.kind, second.kind].sort()).toEqual(["already_finished", "cancelled"]);
		await fireAlarm(stub);
		const ends = (await history(stub)).filter(
			(e) => e.type.startsWith("run_") && e.type !== "run_started",
		);
		expect(ends.map((e) => e.type)).toEqual(["run_cancelled"]);
	});

	it("cannot cancel a finished run", async () => {
		const def = definition({ identifier: "instant", nodes: [trigger()], connections: [] });
		const { stub } = await startRun(def);
		const run = await waitForRun(stub, (r) => r.status === "COMPLETED");
		expect(run.result).toBe("SUCCESS");
		expect((await cancelRun(stub, "alice")).kind).toBe("already_finished");
	});
});

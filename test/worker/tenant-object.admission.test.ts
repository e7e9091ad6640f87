import {
	env,
	evictDurableObject,
	runDurableObjectAlarm,
	runInDurableObject,
} from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { tenantObject } from "../../durable-objects";
import { uniqueTenant } from "./helpers";

type Stub = ReturnType<typeof tenantObject>;

/**
 * A tenant whose object records "slot granted" notifications instead of calling RunObjects.
 * The recorder lives in the object's memory: it is installed again after an eviction.
 */
async function tenant(control = { failNotifications: false }) {
	const id = uniqueTenant("adm");
	const stub = tenantObject(env, id);
	const notified: string[] = [];
	const record = async () => {
		await runInDurableObject(stub, (instance) => {
			instance.notifier = async (tenantId, runId) => {
				if (tenantId !== id) throw new Error(`notified for ${tenantId}`);
				if (control.failNotifications) throw new Error("run object unreachable");
				notified.push(runId);
				return { kind: "accepted" };
			};
		});
	};
	await record();
	return { id, stub, notified, record, control };
}

const runs = (from: number, to: number) =>
	Array.from({ length: to - from + 1 }, (_, i) => `run_${from + i}`);

async function acquireAll(stub: Stub, id: string, runIds: string[]) {
	const results = [];
	// One after another: the queue order is the order the requests arrive in.
	for (const runId of runIds) results.push(await stub.acquireSlot(id, runId, Date.now()));
	return results;
}

describe("TenantObject: concurrency admission", () => {
	it("grants five slots, queues the rest in order, and hands freed slots on first-in first-out", async () => {
		const { id, stub, notified } = await tenant();
		expect(await acquireAll(stub, id, runs(1, 5))).toEqual(Array(5).fill({ kind: "granted" }));
		expect(await acquireAll(stub, id, runs(6, 10))).toEqual(
			[1, 2, 3, 4, 5].map((position) => ({ kind: "queued", position })),
		);

		// Asking again is safe: a slot holder is granted again, a queued run keeps its place.
		expect(await stub.acquireSlot(id, "run_1", Date.now())).toEqual({ kind: "granted" });
		expect(await stub.acquireSlot(id, "run_7", Date.now())).toEqual({
			kind: "queued",
			position: 2,
		});

		await stub.releaseSlot(id, "run_1");
		await stub.releaseSlot(id, "run_2");
		expect(await stub.stats(id)).toMatchObject({
			inProgress: ["run_3", "run_4", "run_5", "run_6", "run_7"],
			queued: ["run_8", "run_9", "run_10"],
		});
		await vi.waitFor(() => expect(notified).toEqual(["run_6", "run_7"]));
		await vi.waitFor(async () => expect((await stub.stats(id)).pendingNotifications).toEqual([]));
		expect(await stub.acquireSlot(id, "run_8", Date.now())).toEqual({
			kind: "queued",
			position: 1,
		});

		// Releasing twice (a retried call) frees nothing more.
		await stub.releaseSlot(id, "run_1");
		expect((await stub.stats(id)).inProgress).toHaveLength(5);
		expect(notified).toEqual(["run_6", "run_7"]);
	});

	it("answers calls that arrive together each on its own: a bad one fails alone", async () => {
		const { id, stub } = await tenant();
		// Twenty starts at once with a wrongly addressed call among them: the object runs them
		// in one group commit, and each gets its own answer.
		const answers = await Promise.allSettled([
			...runs(1, 10).map((runId) => stub.acquireSlot(id, runId, Date.now())),
			stub.acquireSlot("someone-else", "run_x", Date.now()),
			...runs(11, 20).map((runId) => stub.acquireSlot(id, runId, Date.now())),
		]);
		expect(answers.map((a) => a.status === "fulfilled" && a.value.kind)).toEqual([
			...Array(5).fill("granted"),
			...Array(5).fill("queued"),
			false,
			...Array(10).fill("queued"),
		]);
		expect(await stub.stats(id)).toMatchObject({ inProgress: runs(1, 5), queued: runs(6, 20) });
	});

	it("stores what calls that arrive together wrote, in arrival order", async () => {
		const { id, stub } = await tenant();
		await Promise.all(runs(1, 20).map((runId) => stub.acquireSlot(id, runId, Date.now())));
		await Promise.all(runs(1, 3).map((runId) => stub.releaseSlot(id, runId)));
		await evictDurableObject(stub);
		expect(await stub.stats(id)).toMatchObject({
			inProgress: runs(4, 8),
			queued: runs(9, 20),
		});
	});

	it("takes back a slot granted to a run whose creation never finished", async () => {
		// The real RunObjects are told here: no run with these ids was ever stored.
		const id = uniqueTenant("adm");
		const stub = tenantObject(env, id);
		await acquireAll(stub, id, runs(1, 6));
		await stub.releaseSlot(id, "run_1");
		await vi.waitFor(async () =>
			expect(await stub.stats(id)).toEqual({
				inProgress: ["run_2", "run_3", "run_4", "run_5"],
				queued: [],
				pendingNotifications: [],
			}),
		);
	});

	it("checks once on a run that took a slot itself, and takes the slot back if the run was never stored", async () => {
		const makeChecksDue = (stub: Stub) =>
			runInDurableObject(stub, (_, state) => {
				state.storage.sql.exec(
					"UPDATE slot_holders SET notify_due_at = ? WHERE notify_due_at IS NOT NULL",
					Date.now() - 1,
				);
			});
		// A run that answers (the recorder): told once when its check is due, and keeps its slot.
		const told = await tenant();
		await acquireAll(told.stub, told.id, ["run_1"]);
		expect((await told.stub.stats(told.id)).pendingNotifications).toEqual([]);
		expect(
			await runInDurableObject(told.stub, (_, state) => state.storage.getAlarm()),
		).not.toBeNull();
		await makeChecksDue(told.stub);
		expect(await runDurableObjectAlarm(told.stub)).toBe(true);
		expect(told.notified).toEqual(["run_1"]);
		expect((await told.stub.stats(told.id)).inProgress).toEqual(["run_1"]);
		const checksLeft = await runInDurableObject(
			told.stub,
			(_, state) =>
				state.storage.sql
					.exec<{ n: number }>(
						"SELECT COUNT(*) AS n FROM slot_holders WHERE notify_due_at IS NOT NULL",
					)
					.one().n,
		);
		expect(checksLeft).toBe(0);

		// The real RunObject of a run whose creation never got stored: the slot comes back.
		const id = uniqueTenant("adm");
		const stub = tenantObject(env, id);
		await acquireAll(stub, id, ["run_lost"]);
		await makeChecksDue(stub);
		expect(await runDurableObjectAlarm(stub)).toBe(true);
		expect(await stub.stats(id)).toEqual({ inProgress: [], queued: [], pendingNotifications: [] });
	});

	it("never lets a withdrawn (cancelled) queued run start", async () => {
		const { id, stub, notified } = await tenant();
		await acquireAll(stub, id, runs(1, 8));
		expect(await stub.withdraw(id, "run_7")).toEqual({ kind: "withdrawn" });
		expect(await stub.withdraw(id, "run_7")).toEqual({ kind: "unknown" });
		expect(await stub.withdraw(id, "run_1")).toEqual({ kind: "holds_slot" });
		expect(await stub.acquireSlot(id, "run_8", Date.now())).toEqual({
			kind: "queued",
			position: 2,
		});

		for (const runId of runs(1, 3)) await stub.releaseSlot(id, runId);
		const stats = await stub.stats(id);
		expect(stats.inProgress).toEqual(["run_4", "run_5", "run_6", "run_8"]);
		expect(stats.queued).toEqual([]);
		await vi.waitFor(() => expect(notified).toEqual(["run_6", "run_8"]));
	});

	it("admits a run that gives its slot straight back without storing a slot, unless it would jump the queue", async () => {
		const { id, stub, notified } = await tenant();
		const rowsWritten = () =>
			runInDurableObject(
				stub,
				(_, state) =>
					state.storage.sql
						.exec<{ n: number }>(
							"SELECT (SELECT COUNT(*) FROM slot_holders) + (SELECT COUNT(*) FROM slot_queue) AS n",
						)
						.one().n,
			);
		await acquireAll(stub, id, runs(1, 4));
		// One slot is free and nobody waits: granted, and the tenant still holds four.
		expect(await stub.admitAndRelease(id, "run_p1", Date.now())).toEqual({ kind: "granted" });
		expect(await stub.admitAndRelease(id, "run_p2", Date.now())).toEqual({ kind: "granted" });
		expect((await stub.stats(id)).inProgress).toEqual(runs(1, 4));
		expect(await rowsWritten()).toBe(4);

		// Full: it queues behind the runs already waiting, keeps its place when it asks again, and
		// takes a slot in its turn like any queued run (it is told, and releases it when done).
		await acquireAll(stub, id, ["run_5", "run_6"]);
		expect(await stub.admitAndRelease(id, "run_p3", Date.now())).toEqual({
			kind: "queued",
			position: 2,
		});
		expect(await stub.admitAndRelease(id, "run_p3", Date.now())).toEqual({
			kind: "queued",
			position: 2,
		});
		await stub.releaseSlot(id, "run_1");
		await stub.releaseSlot(id, "run_2");
		expect((await stub.stats(id)).inProgress).toEqual([
			"run_3",
			"run_4",
			"run_5",
			"run_6",
			"run_p3",
		]);
		await vi.waitFor(() => expect(notified).toEqual(["run_6", "run_p3"]));
	});

	it("gives back a slot a run already holds when it asks to pass (a start retried after a crash)", async () => {
		const { id, stub, notified } = await tenant();
		await acquireAll(stub, id, runs(1, 6));
		expect(await stub.admitAndRelease(id, "run_1", Date.now())).toEqual({ kind: "granted" });
		expect((await stub.stats(id)).inProgress).toEqual(runs(2, 6));
		await vi.waitFor(() => expect(notified).toEqual(["run_6"]));
	});

	it("lets a waiting run give its slot back and queue again behind later runs", async () => {
		const { id, stub } = await tenant();
		await acquireAll(stub, id, runs(1, 6));
		await stub.releaseSlot(id, "run_1"); // run_1 went WAITING: run_6 gets its slot
		expect(await stub.acquireSlot(id, "run_7", Date.now())).toEqual({
			kind: "queued",
			position: 1,
		});
		expect(await stub.acquireSlot(id, "run_1", Date.now())).toEqual({
			kind: "queued",
			position: 2,
		});
		await stub.releaseSlot(id, "run_2");
		expect((await stub.stats(id)).queued).toEqual(["run_1"]);
	});

	it("grants queued runs at once when the limit is raised, and takes no slot away when lowered", async () => {
		const { id, stub, notified } = await tenant();
		expect(await stub.getSettings(id)).toMatchObject({ maxConcurrentRuns: 5 });
		expect(await stub.updateSettings(id, { maxConcurrentRuns: 2 })).toEqual({
			maxConcurrentRuns: 2,
			errorWorkflow: null,
			maxRunDepth: 10,
		});
		await acquireAll(stub, id, runs(1, 5));
		expect((await stub.stats(id)).queued).toEqual(["run_3", "run_4", "run_5"]);

		await stub.updateSettings(id, { maxConcurrentRuns: 4 });
		expect(await stub.stats(id)).toMatchObject({
			inProgress: runs(1, 4),
			queued: ["run_5"],
		});
		await vi.waitFor(() => expect(notified).toEqual(["run_3", "run_4"]));

		await stub.updateSettings(id, { maxConcurrentRuns: 1 });
		expect((await stub.stats(id)).inProgress).toEqual(runs(1, 4));
		await stub.releaseSlot(id, "run_1");
		expect((await stub.stats(id)).queued).toEqual(["run_5"]);
		expect(await stub.getSettings(id)).toMatchObject({ maxConcurrentRuns: 1 });
	});

	it("rejects a limit outside 1..100", async () => {
		const { id, stub } = await tenant();
		for (const bad of [0, 101, 2.5]) {
			const message = await stub.updateSettings(id, { maxConcurrentRuns: bad }).then(
				() => null,
				(err: Error) => err.message,
			);
			expect(message).toMatch(/1 to 100/);
		}
		expect(await stub.getSettings(id)).toMatchObject({ maxConcurrentRuns: 5 });
	});

	it("retries a failed notification from the alarm until the run is told", async () => {
		const { id, stub, notified, record, control } = await tenant({ failNotifications: true });
		await acquireAll(stub, id, runs(1, 6));
		await stub.releaseSlot(id, "run_1");
		await vi.waitFor(async () => {
			const rows = await runInDurableObject(stub, (_, state) =>
				state.storage.sql
					.exec<{ run_id: string; notify_attempts: number }>(
						"SELECT run_id, notify_attempts FROM slot_holders WHERE notify_attempts IS NOT NULL",
					)
					.toArray(),
			);
			expect(rows).toEqual([{ run_id: "run_6", notify_attempts: 1 }]);
		});
		expect((await stub.stats(id)).pendingNotifications).toEqual(["run_6"]);
		const alarm = await runInDurableObject(stub, (_, state) => state.storage.getAlarm());
		expect(alarm).not.toBeNull();

		// The run object is reachable again; make the retry (not the other holders' checks) due
		// now and let the alarm fire.
		control.failNotifications = false;
		await evictDurableObject(stub);
		await record();
		await runInDurableObject(stub, (_, state) => {
			state.storage.sql.exec(
				"UPDATE slot_holders SET notify_due_at = ? WHERE notify_attempts IS NOT NULL",
				Date.now() - 1,
			);
		});
		expect(await runDurableObjectAlarm(stub)).toBe(true);
		expect(notified).toEqual(["run_6"]);
		expect((await stub.stats(id)).pendingNotifications).toEqual([]);
	});

	it("keeps slots, queue order and settings across an eviction", async () => {
		const { id, stub, record } = await tenant();
		await stub.updateSettings(id, { maxConcurrentRuns: 3 });
		await acquireAll(stub, id, runs(1, 5));
		await evictDurableObject(stub);
		await record();

		expect(await stub.getSettings(id)).toMatchObject({ maxConcurrentRuns: 3 });
		expect(await stub.stats(id)).toEqual({
			inProgress: runs(1, 3),
			queued: ["run_4", "run_5"],
			pendingNotifications: [],
		});
		expect(await stub.acquireSlot(id, "run_6", Date.now())).toEqual({
			kind: "queued",
			position: 3,
		});
		await stub.releaseSlot(id, "run_2");
		expect((await stub.stats(id)).inProgress).toEqual(["run_1", "run_3", "run_4"]);
	});
});

import { SELF } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { tenantObject } from "../../durable-objects";
import { as, BASE, uniqueTenant } from "./helpers";
import { fireAlarm, hook, makeTimersDue, runStub } from "./run-helpers";

const trigger = {
	identifier: "trigger",
	config: { type: "SELF_SERVE_TRIGGER", userInputs: { properties: { n: { type: "number" } } } },
};
const call = (url: string) => ({
	identifier: "call",
	config: { type: "WEBHOOK", url, method: "POST", body: { n: "{{ .inputs.n }}" } },
});

/** trigger → check → wait (1 h), taken when the input n is 1; otherwise the check ends there. */
const checkThenWait = {
	nodes: [
		trigger,
		{
			identifier: "check",
			config: {
				type: "CONDITION",
				options: [{ identifier: "wait", expression: ".inputs.n == 1" }],
			},
		},
		{ identifier: "wait", config: { type: "DELAY", duration: "1h" } },
	],
	connections: [
		{ identifier: "c1", sourceIdentifier: "trigger", targetIdentifier: "check" },
		{
			identifier: "c2",
			sourceIdentifier: "check",
			sourceOptionIdentifier: "wait",
			targetIdentifier: "wait",
		},
	],
};

/** A fresh tenant and its admin; `limit` sets maxConcurrentRuns (null keeps the default 5). */
async function tenantWithLimit(limit: number | null) {
	const tenant = uniqueTenant("adm");
	const admin = await as({ tenant, sub: "admin@x" });
	if (limit !== null) {
		await admin.call("/v1/tenant/settings", {
			method: "PATCH",
			body: { maxConcurrentRuns: limit },
		});
	}
	return { tenant, admin };
}

/** trigger → one WEBHOOK call to `url`: a run that holds its slot while the call is in flight. */
function createSlowCall(admin: Awaited<ReturnType<typeof as>>, url: string) {
	return admin.call("/v1/workflows", {
		method: "POST",
		body: {
			identifier: "slow_call",
			title: "B",
			nodes: [trigger, call(url)],
			connections: [{ identifier: "c1", sourceIdentifier: "trigger", targetIdentifier: "call" }],
		},
	});
}

describe("tenant admission", () => {
	it("never has more than the limit in progress, and starts queued runs first-in first-out", async () => {
		const { tenant, admin } = await tenantWithLimit(null);
		const fast = await hook([{ status: 200, delayMs: 50 }]);
		// Held until released, so the busy runs hold every slot while the test wakes the others.
		const slow = await hook([{ status: 200, hold: true }]);
		await admin.call("/v1/workflows", {
			method: "POST",
			body: {
				identifier: "waits_then_calls",
				title: "A",
				nodes: [
					trigger,
					{ identifier: "wait", config: { type: "DELAY", duration: "1h" } },
					call(fast.url),
				],
				connections: [
					{ identifier: "c1", sourceIdentifier: "trigger", targetIdentifier: "wait" },
					{ identifier: "c2", sourceIdentifier: "wait", targetIdentifier: "call" },
				],
			},
		});
		await createSlowCall(admin, slow.url);
		const startRun = async (workflow: string, n: number) =>
			(
				await admin.call(`/v1/workflows/${workflow}/runs`, {
					method: "POST",
					body: { inputs: { n } },
				})
			).body;

		// Five runs that wait (a waiting run holds no slot) …
		const waiting = [];
		for (let n = 1; n <= 5; n++) waiting.push(await startRun("waits_then_calls", n));
		expect(waiting.map((r) => r.status)).toEqual(Array(5).fill("WAITING"));
		// … five more that fill every slot …
		const busy = [];
		for (let n = 6; n <= 10; n++) busy.push(await startRun("slow_call", n));
		expect(busy.map((r) => r.status)).toEqual(Array(5).fill("IN_PROGRESS"));
		// … then the first five wake up: they must queue for a slot, not run.
		for (const run of waiting) {
			const stub = runStub(tenant, run.id);
			await makeTimersDue(stub);
			await fireAlarm(stub);
		}
		const late = await startRun("slow_call", 11);
		expect(late.status).toBe("QUEUED");
		const slots = tenantObject(await import("cloudflare:test").then((m) => m.env), tenant);
		const stats = await slots.stats(tenant);
		expect(stats.inProgress).toHaveLength(5);
		expect(stats.queued).toEqual([...waiting.map((r) => r.id), late.id]);
		await slow.release();

		let maxInProgress = 0;
		for (let i = 0; i < 600; i++) {
			const now = await slots.stats(tenant);
			maxInProgress = Math.max(maxInProgress, now.inProgress.length);
			if (now.inProgress.length === 0 && now.queued.length === 0) break;
			await new Promise((r) => setTimeout(r, 20));
		}
		expect(maxInProgress).toBeLessThanOrEqual(5);

		const all = await admin.call("/v1/workflows/runs?limit=100");
		expect(all.body.data).toHaveLength(11);
		for (const run of all.body.data) expect(run.status).toBe("COMPLETED");
		// The woken runs were granted before the later one, in the order they queued.
		const fastOrder = (await fast.deliveries()).map((d) => JSON.parse(d.body).n);
		expect(fastOrder.sort()).toEqual([1, 2, 3, 4, 5]);
		const slowOrder = (await slow.deliveries()).map((d) => JSON.parse(d.body).n);
		expect(slowOrder.at(-1)).toBe(11);
	}, 30_000);

	it("lets a run that ends or waits in its first step through without a slot, but never past a full tenant", async () => {
		const { tenant, admin } = await tenantWithLimit(1);
		const slow = await hook([{ status: 200, delayMs: 1500 }]);
		await createSlowCall(admin, slow.url);
		await admin.call("/v1/workflows", {
			method: "POST",
			body: {
				identifier: "at_once",
				title: "Ends or waits at once",
				nodes: checkThenWait.nodes,
				connections: checkThenWait.connections,
			},
		});
		const start = async (workflow: string, n: number) =>
			(
				await admin.call(`/v1/workflows/${workflow}/runs`, {
					method: "POST",
					body: { inputs: { n } },
				})
			).body;
		const slots = tenantObject((await import("cloudflare:test")).env, tenant);

		// With the slot free: one ends, one parks, and the tenant holds and queues nothing.
		expect((await start("at_once", 1)).status).toBe("WAITING");
		expect((await start("at_once", 2)).status).toBe("COMPLETED");
		expect(await slots.stats(tenant)).toMatchObject({ inProgress: [], queued: [] });

		// With the only slot taken, it queues like any run, and goes through once the slot is free.
		const busy = await start("slow_call", 3);
		expect(busy.status).toBe("IN_PROGRESS");
		const queued = await start("at_once", 4);
		expect(queued.status).toBe("QUEUED");
		expect(await slots.stats(tenant)).toMatchObject({ inProgress: [busy.id], queued: [queued.id] });
		await vi.waitFor(
			async () => {
				const run = await admin.call(`/v1/workflows/runs/${queued.id}`);
				expect(run.body).toMatchObject({ status: "COMPLETED", result: "SUCCESS" });
			},
			{ timeout: 5_000, interval: 50 },
		);
		expect((await admin.call(`/v1/workflows/runs/${busy.id}`)).body.status).toBe("COMPLETED");
		expect(await slots.stats(tenant)).toMatchObject({ inProgress: [], queued: [] });
	});

	it("never starts a run that was cancelled while queued", async () => {
		const { admin } = await tenantWithLimit(1);
		// The first run's call is answered only after the second run was cancelled.
		const slow = await hook([{ status: 200, hold: true }]);
		await createSlowCall(admin, slow.url);
		const first = await admin.call("/v1/workflows/slow_call/runs", {
			method: "POST",
			body: { inputs: { n: 1 } },
		});
		const second = await admin.call("/v1/workflows/slow_call/runs", {
			method: "POST",
			body: { inputs: { n: 2 } },
		});
		expect(second.body.status).toBe("QUEUED");
		const stream = await SELF.fetch(`${BASE}/v1/workflows/runs/${second.body.id}/stream`, {
			headers: { authorization: `Bearer ${admin.token}` },
		});
		const cancelled = await admin.call(`/v1/workflows/runs/${second.body.id}/cancel`, {
			method: "POST",
		});
		expect(cancelled.status).toBe(202);
		// Its stream ends, though no transition of the run ever happened.
		const streamed = await Promise.race([
			stream.text(),
			new Promise<string>((resolve) => setTimeout(() => resolve("still open"), 3_000)),
		]);
		expect(streamed).toContain("event: end");
		expect(cancelled.body).toMatchObject({ status: "COMPLETED", result: "CANCELLED" });
		await slow.release();
		for (let i = 0; i < 100; i++) {
			const run = await admin.call(`/v1/workflows/runs/${first.body.id}`);
			if (run.body.status === "COMPLETED") break;
			await new Promise((r) => setTimeout(r, 20));
		}
		await new Promise((r) => setTimeout(r, 100));
		expect((await slow.deliveries()).map((d) => JSON.parse(d.body).n)).toEqual([1]);
		expect((await admin.call(`/v1/workflows/runs/${second.body.id}`)).body.nodeRuns).toEqual([]);
	});

	it("takes a waiting run out of the queue when it is cancelled before it could resume", async () => {
		const { tenant, admin } = await tenantWithLimit(1);
		// The busy run holds the only slot for longer than the test looks.
		const slow = await hook([{ status: 200, delayMs: 4000 }]);
		await admin.call("/v1/workflows", {
			method: "POST",
			body: {
				identifier: "mixed",
				title: "Mixed",
				nodes: [...checkThenWait.nodes, call(slow.url)],
				connections: [
					...checkThenWait.connections,
					{ identifier: "c3", sourceIdentifier: "check", fallback: true, targetIdentifier: "call" },
				],
			},
		});
		const waiter = (
			await admin.call("/v1/workflows/mixed/runs", { method: "POST", body: { inputs: { n: 1 } } })
		).body;
		const busy = (
			await admin.call("/v1/workflows/mixed/runs", { method: "POST", body: { inputs: { n: 2 } } })
		).body;
		expect([waiter.status, busy.status]).toEqual(["WAITING", "IN_PROGRESS"]);
		const stub = runStub(tenant, waiter.id);
		await makeTimersDue(stub);
		await fireAlarm(stub);
		const slots = tenantObject((await import("cloudflare:test")).env, tenant);
		expect((await slots.stats(tenant)).queued).toEqual([waiter.id]);

		const cancelled = await admin.call(`/v1/workflows/runs/${waiter.id}/cancel`, {
			method: "POST",
		});
		expect(cancelled.body).toMatchObject({ status: "COMPLETED", result: "CANCELLED" });
		await vi.waitFor(async () => expect((await slots.stats(tenant)).queued).toEqual([]), {
			timeout: 2_000,
		});
		expect((await slots.stats(tenant)).inProgress).toEqual([busy.id]);
	});
});

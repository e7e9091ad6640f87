import { describe, expect, it } from "vitest";
import {
	type Caller,
	create,
	nodeOf,
	parent,
	readUntil,
	runToEnd,
	setUp,
	start,
	trigger,
} from "./child-helpers";
import { hook } from "./run-helpers";

/** A child that echoes its input as its workflow output. */
const echo = {
	identifier: "echo",
	title: "Echo",
	nodes: [trigger({ properties: { host: { type: "string" } }, required: ["host"] })],
	outputs: { host: "{{ .inputs.host }}" },
};

/** A child that sleeps an hour: it runs until someone cancels it. */
const sleeper = {
	identifier: "sleeper",
	title: "Sleeper",
	nodes: [
		trigger({ properties: { host: { type: "string" } } }),
		{ identifier: "nap", config: { type: "DELAY", duration: "1h" } },
	],
	connections: [{ identifier: "c1", sourceIdentifier: "trigger", targetIdentifier: "nap" }],
};

const limit = (admin: Caller, maxConcurrentRuns: number) =>
	admin.call("/v1/tenant/settings", { method: "PATCH", body: { maxConcurrentRuns } });

const childrenOf = async (caller: Caller, runId: string) =>
	(await caller.call(`/v1/workflows/runs?parentRunId=${runId}&limit=100`)).body.data as {
		id: string;
		status: string;
		result: string | null;
	}[];

describe("RUN_WORKFLOW (wait: true)", () => {
	it("waits for the child and takes its outputs, holding no slot meanwhile (tenant limit 1)", async () => {
		const { admin, alice } = await setUp();
		// With one slot, a parent that kept it while it waits would starve its own child.
		await limit(admin, 1);
		await create(admin, echo);
		await create(
			admin,
			parent("waits_for_echo", {
				workflowIdentifier: "echo",
				wait: true,
				inputs: { host: "web-1" },
			}),
		);
		const run = await runToEnd(alice, "waits_for_echo");
		expect(run.result).toBe("SUCCESS");
		const node = nodeOf(run, "run");
		expect(node.output).toEqual({ host: "web-1" });
		const [child] = node.children;
		expect(node.attempts[0].child).toMatchObject({
			runId: child.runId,
			ended: { result: "SUCCESS" },
		});
		const childRun = (await alice.call(`/v1/workflows/runs/${child.runId}`)).body;
		expect(childRun).toMatchObject({
			status: "COMPLETED",
			result: "SUCCESS",
			parent: { runId: run.id, node: "run" },
			outputs: { host: "web-1" },
		});
	});

	it("fans out 100 children under a tenant limit of 5, each parent's output in item order", async () => {
		const { admin, alice } = await setUp();
		await limit(admin, 5);
		await create(admin, echo);
		await create(
			admin,
			parent(
				"fleet",
				{ workflowIdentifier: "echo", wait: true, inputs: { host: "{{ .item }}" } },
				{ forEach: { items: ".inputs.hosts", concurrency: 10 } },
			),
		);
		const hosts = Array.from({ length: 100 }, (_, i) => `host-${i}`);
		const id = await start(alice, "fleet", { hosts });
		const run = await readUntil(alice, id, (r) => r.status === "COMPLETED", 180_000);
		expect(run.result).toBe("SUCCESS");
		const node = nodeOf(run, "run");
		expect(node.output).toEqual(hosts.map((host) => ({ host })));
		expect(node.children).toHaveLength(100);
		expect(new Set(node.children.map((c: { runId: string }) => c.runId)).size).toBe(100);
		const listed = await childrenOf(alice, id);
		expect(listed).toHaveLength(100);
		expect(listed.every((c) => c.result === "SUCCESS")).toBe(true);
	}, 240_000);

	it("a child that fails fails the node with its error; retry starts a fresh child that succeeds", async () => {
		const { admin, alice } = await setUp();
		const registry = await hook([
			{ status: 503, body: { error: "registry down" } },
			{ status: 200 },
		]);
		await create(admin, {
			identifier: "deploy_one",
			title: "Deploy one",
			nodes: [
				trigger(),
				{ identifier: "push", config: { type: "WEBHOOK", url: registry.url, method: "POST" } },
			],
			connections: [{ identifier: "c1", sourceIdentifier: "trigger", targetIdentifier: "push" }],
			outputs: { status: "{{ .outputs.push.status }}" },
		});
		await create(
			admin,
			parent(
				"deploys",
				{ workflowIdentifier: "deploy_one", wait: true },
				{ retry: { maxAttempts: 2, backoff: "constant", initialDelay: "1ms" } },
			),
		);
		const run = await runToEnd(alice, "deploys");
		expect(run.result).toBe("SUCCESS");
		const node = nodeOf(run, "run");
		const [first, second] = node.attempts;
		expect(first.error).toMatchObject({
			code: "child_failed",
			message: expect.stringContaining("http_error"),
		});
		expect(first.child.ended.result).toBe("FAILED");
		expect(second.child.ended.result).toBe("SUCCESS");
		expect(first.child.runId).not.toBe(second.child.runId);
		expect(node.output).toEqual({ status: 200 });
		const children = await childrenOf(alice, run.id);
		expect(children.map((c) => c.result).sort()).toEqual(["FAILED", "SUCCESS"]);
	});

	it("a child that fails without retries fails the parent with child_failed", async () => {
		const { admin, alice } = await setUp();
		await create(admin, {
			identifier: "broken",
			title: "Broken",
			nodes: [
				trigger(),
				{ identifier: "call", config: { type: "WEBHOOK", url: "http://127.0.0.1:9/none" } },
			],
			connections: [{ identifier: "c1", sourceIdentifier: "trigger", targetIdentifier: "call" }],
		});
		await create(admin, parent("calls_broken", { workflowIdentifier: "broken", wait: true }));
		const run = await runToEnd(alice, "calls_broken");
		expect(run.result).toBe("FAILED");
		expect(run.error).toMatchObject({ code: "child_failed", node: "run" });
	});

	it("cancelling the parent cancels the children it waits for", async () => {
		const { admin, alice } = await setUp();
		await create(admin, sleeper);
		await create(
			admin,
			parent(
				"naps",
				{ workflowIdentifier: "sleeper", wait: true, inputs: { host: "{{ .item }}" } },
				{ forEach: { items: ".inputs.hosts", concurrency: 3 } },
			),
		);
		const id = await start(alice, "naps", { hosts: ["a", "b", "c"] });
		// All three children run (each asleep on its delay) and the parent waits for them.
		const asleep = await readUntil(alice, id, (r) => nodeOf(r, "run")?.children?.length === 3);
		for (const c of nodeOf(asleep, "run").children)
			await readUntil(alice, c.runId, (r) => r.status === "WAITING");
		const cancelled = await alice.call(`/v1/workflows/runs/${id}/cancel`, { method: "POST" });
		expect(cancelled.status).toBe(202);
		for (const c of nodeOf(asleep, "run").children) {
			const child = await readUntil(alice, c.runId);
			expect(child.result).toBe("CANCELLED");
		}
		const run = await readUntil(alice, id);
		expect(run.result).toBe("CANCELLED");
	});

	it("a node's timeout cancels a child that runs too long", async () => {
		const { admin, alice } = await setUp();
		await create(admin, sleeper);
		await create(
			admin,
			parent("impatient", { workflowIdentifier: "sleeper", wait: true }, { timeout: "1s" }),
		);
		const run = await runToEnd(alice, "impatient");
		expect(run.result).toBe("FAILED");
		expect(nodeOf(run, "run").error.code).toBe("timeout");
		const [child] = nodeOf(run, "run").children;
		expect((await readUntil(alice, child.runId)).result).toBe("CANCELLED");
	});
});

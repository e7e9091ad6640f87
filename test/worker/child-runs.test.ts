import { env } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { runObject } from "../../durable-objects";
import type { RunMeta } from "../../engine/control";
import { startChildRun } from "../../worker/runs/child-run";
import { create, nodeOf, parent, provision, runToEnd, setUp } from "./child-helpers";

describe("RUN_WORKFLOW (wait: false)", () => {
	it("a forEach starts one child per item, as the parent's initiator, linked both ways", async () => {
		const { admin, alice } = await setUp();
		await create(admin, provision());
		await create(
			admin,
			parent(
				"fan_out",
				{ workflowIdentifier: "provision", inputs: { host: "{{ .item }}" } },
				{ forEach: { items: ".inputs.hosts", concurrency: 2 } },
			),
		);
		const run = await runToEnd(alice, "fan_out", { hosts: ["a", "b", "c"] });
		expect(run.result).toBe("SUCCESS");
		const node = nodeOf(run, "run");
		const ids = node.output.map((o: { runId: string }) => o.runId);
		expect(new Set(ids).size).toBe(3);
		expect(node.children).toEqual(
			ids.map((runId: string, item: number) => ({ runId, item, attempt: 1 })),
		);
		expect(node.items.map((i: any) => i.attempts[0].child)).toEqual(
			ids.map((runId: string) => ({ runId })),
		);

		for (const [i, id] of ids.entries()) {
			const child = (await alice.call(`/v1/workflows/runs/${id}`)).body;
			expect(child).toMatchObject({
				parent: { runId: run.id, node: "run" },
				initiator: "alice@x",
				inputs: { host: ["a", "b", "c"][i] },
				workflow: { identifier: "provision" },
			});
		}
		const listed = await vi.waitFor(async () => {
			const page = await alice.call(`/v1/workflows/runs?parentRunId=${run.id}`);
			if (page.body.data.length < 3) throw new Error("children not indexed yet");
			return page.body.data.map((r: { id: string }) => r.id);
		});
		expect([...listed].sort()).toEqual([...ids].sort());
		// The parent is nobody's child.
		expect(run.parent).toBeNull();
		const none = await alice.call(`/v1/workflows/runs?parentRunId=${ids[0]}`);
		expect(none.body.data).toEqual([]);
	});

	it("fails the node with the child's field errors, or when the initiator may not execute it", async () => {
		const { admin, alice } = await setUp();
		await create(admin, provision());
		await create(
			admin,
			parent("bad_inputs", { workflowIdentifier: "provision", inputs: { host: 7 } }),
		);
		const bad = await runToEnd(alice, "bad_inputs");
		expect(nodeOf(bad, "run").error).toEqual({
			code: "child_inputs_invalid",
			message: expect.stringContaining("/host"),
		});

		await create(admin, { ...provision({ roles: ["admin"] }), identifier: "admins_only" });
		await create(
			admin,
			parent("forbidden", { workflowIdentifier: "admins_only", inputs: { host: "a" } }),
		);
		const forbidden = await runToEnd(alice, "forbidden");
		expect(nodeOf(forbidden, "run").error).toEqual({
			code: "child_not_started",
			message: expect.stringContaining("may not execute"),
		});
		// An admin's run may start it.
		expect((await runToEnd(admin, "forbidden")).result).toBe("SUCCESS");

		await create(admin, parent("missing", { workflowIdentifier: "no_such_workflow" }));
		expect(nodeOf(await runToEnd(alice, "missing"), "run").error.code).toBe("child_not_started");
	});

	it("caps the depth of nested children with the tenant's maxRunDepth", async () => {
		const { admin, alice } = await setUp();
		await admin.call("/v1/tenant/settings", { method: "PATCH", body: { maxRunDepth: 1 } });
		await create(admin, provision());
		await create(
			admin,
			parent("middle", { workflowIdentifier: "provision", inputs: { host: "x" } }),
		);
		await create(admin, parent("top", { workflowIdentifier: "middle" }));
		const top = await runToEnd(alice, "top");
		expect(top.result).toBe("SUCCESS");
		const middleId = nodeOf(top, "run").output.runId;
		const middle = await vi.waitFor(async () => {
			const run = (await alice.call(`/v1/workflows/runs/${middleId}`)).body;
			if (run.status !== "COMPLETED") throw new Error("middle not finished");
			return run;
		});
		expect(nodeOf(middle, "run").error).toEqual({
			code: "max_depth_exceeded",
			message: expect.stringContaining("maxRunDepth"),
		});
	});

	it("starts one child per (parent, node, item, attempt), however often it is asked", async () => {
		const { tenant, admin } = await setUp();
		await create(admin, provision());
		const meta = {
			runId: "run_00000000000000000000000000000001",
			tenantId: tenant,
			initiator: "admin@x",
			requestedBy: "admin@x",
			initiatorRole: "admin",
			scope: { type: "GLOBAL" },
		} as RunMeta;
		const effect = {
			kind: "start_child" as const,
			node: "run",
			item: 4,
			attempt: 2,
			workflow: "provision",
			version: null,
			inputs: { host: "h" },
			wait: false,
		};
		const [first, second] = await Promise.all([
			startChildRun(env, meta, effect),
			startChildRun(env, meta, effect),
		]);
		expect(first).toEqual(second);
		if (first.kind !== "child" || first.answer.kind !== "started") throw new Error("not started");
		const child = await runObject(env, tenant, first.answer.runId).getRun();
		expect(child?.parent).toEqual({ runId: meta.runId, node: "run" });
		const another = await startChildRun(env, meta, { ...effect, attempt: 3 });
		expect(another).not.toEqual(first);
	});
});

/**
 * INPUT nodes inside workerd (docs/ARCHITECTURE.md#waiting-on-the-outside): the run waits
 * without a slot, POST /v1/runs/{runId}/inputs/{node} is answered only once the run object
 * stored the response, and every refusal is a problem document that changes nothing. Time is
 * the object's clock, moved by the test.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { tenantObject } from "../../durable-objects";
import { call, tokenFor, uniqueTenant } from "./helpers";
import {
	cancelRun,
	definition,
	fireAlarm,
	hook,
	link,
	makeTimersDue,
	nodeRun,
	readRun,
	startRun,
	trigger,
	waitForRun,
} from "./run-helpers";

const approval = (config: Record<string, unknown> = {}) =>
	definition({
		identifier: "deploy_approval",
		nodes: [
			trigger(),
			{
				identifier: "approve",
				title: "Deploy {{ .inputs.service }}?",
				config: {
					type: "INPUT",
					outlets: [{ identifier: "approved" }, { identifier: "rejected" }],
					userInputs: {
						properties: { reason: { type: "string", pattern: "^[a-z ]+$" } },
						required: ["reason"],
					},
					...config,
				},
			},
			{ identifier: "deployed", config: { type: "DELAY", duration: "1ms" } },
			{ identifier: "declined", config: { type: "DELAY", duration: "1ms" } },
		],
		connections: [
			link("c1", "trigger", "approve"),
			{ ...link("c2", "approve", "deployed"), sourceOptionIdentifier: "approved" },
			{ ...link("c3", "approve", "declined"), sourceOptionIdentifier: "rejected" },
		],
	});

const waiting = (run: { status: string }) => run.status === "WAITING";

/** A person of `tenant` answering `node` of `runId` over the API. */
async function responder(
	tenant: string,
	sub: string,
	role: "admin" | "member" | "viewer" = "member",
) {
	const token = await tokenFor({ tenant, sub, role });
	return (runId: string, body: unknown, options: { node?: string; key?: string } = {}) =>
		call(`/v1/runs/${runId}/inputs/${options.node ?? "approve"}`, {
			method: "POST",
			token,
			body,
			...(options.key ? { headers: { "idempotency-key": options.key } } : {}),
		});
}

describe("INPUT: answering over the API", () => {
	it("two approvers: the first is stored and counted, the second decides, the run goes on", async () => {
		const tenant = uniqueTenant("inputs");
		const { runId, stub } = await startRun(
			approval({ numOfResponders: 2 }),
			{ service: "billing" },
			tenant,
		);
		const run = await waitForRun(stub, waiting);
		expect(nodeRun(run, "approve").status).toBe("WAITING");
		const bob = await responder(tenant, "bob@acme.test");
		const carol = await responder(tenant, "carol@acme.test");

		const first = await bob(
			runId,
			{ outlet: "approved", inputs: { reason: "looks good" } },
			{ key: "b1" },
		);
		expect(first.status, JSON.stringify(first.body)).toBe(200);
		expect(first.body).toEqual({ outcome: "accepted" });
		// The run shows the open request: title rendered, form, buttons, who answered so far.
		const open = await readRun(stub);
		expect(open?.status).toBe("WAITING");
		expect(nodeRun(open!, "approve").waiting).toMatchObject({
			kind: "input",
			title: "Deploy billing?",
			form: { required: ["reason"] },
			outlets: [{ identifier: "approved", decisive: false }, { identifier: "rejected" }],
			buttons: [
				{ title: "approved", outlet: "approved" },
				{ title: "rejected", outlet: "rejected" },
			],
			numOfResponders: 2,
			responses: [{ by: "bob@acme.test", outlet: "approved", inputs: { reason: "looks good" } }],
			decided: null,
		});
		// The same response again with its key: a repeat, nothing changes.
		const again = await bob(
			runId,
			{ outlet: "approved", inputs: { reason: "looks good" } },
			{ key: "b1" },
		);
		expect(again.status).toBe(200);
		expect(again.body).toEqual({ outcome: "already_received" });
		expect(again.headers.get("idempotent-replayed")).toBe("true");
		// Another answer from the same person is refused.
		const twice = await bob(runId, { outlet: "rejected", inputs: { reason: "changed my mind" } });
		expect(twice.status).toBe(403);
		expect(twice.body.code).toBe("forbidden");

		const second = await carol(runId, {
			outlet: "approved",
			inputs: { reason: "fine" },
			comment: "ship it",
		});
		expect(second.status).toBe(200);
		const done = await waitForRun(stub, (r) => r.status === "COMPLETED");
		expect(done.result).toBe("SUCCESS");
		expect(nodeRun(done, "deployed").result).toBe("SUCCESS");
		expect(nodeRun(done, "declined").result).toBe("SKIPPED");
		expect(nodeRun(done, "approve").waiting).toBeNull();
		expect(nodeRun(done, "approve").output).toMatchObject({
			outlet: "approved",
			decidedBy: "responses",
			responses: [
				{ by: "bob@acme.test", outlet: "approved", inputs: { reason: "looks good" } },
				{ by: "carol@acme.test", outlet: "approved", comment: "ship it" },
			],
		});
		// Answers after the end are 409; the repeat with the first key still replays.
		const late = await (await responder(tenant, "dave@acme.test"))(runId, {
			outlet: "approved",
			inputs: { reason: "late" },
		});
		expect(late.status).toBe(409);
		expect(late.body.code).toBe("conflict");
		const replay = await bob(
			runId,
			{ outlet: "approved", inputs: { reason: "looks good" } },
			{ key: "b1" },
		);
		expect(replay.body).toEqual({ outcome: "already_received" });
	});

	it("refuses with a clear problem and changes nothing: tenant, role, node, outlet, form, initiator", async () => {
		const tenant = uniqueTenant("inputs");
		const { runId, stub } = await startRun(approval({ allowInitiator: false }), {}, tenant);
		await waitForRun(stub, waiting);
		const member = await responder(tenant, "bob@acme.test");
		const cases: Array<[string, ReturnType<typeof call>, number, string, string?]> = [
			[
				"another tenant's run",
				(await responder(uniqueTenant("other"), "bob@acme.test"))(runId, {
					outlet: "approved",
					inputs: { reason: "ok" },
				}),
				404,
				"not_found",
			],
			[
				"a viewer",
				(await responder(tenant, "vic@acme.test", "viewer"))(runId, {
					outlet: "approved",
					inputs: { reason: "ok" },
				}),
				403,
				"forbidden",
			],
			[
				"the run's initiator",
				(await responder(tenant, "alice", "admin"))(runId, {
					outlet: "approved",
					inputs: { reason: "ok" },
				}),
				403,
				"forbidden",
			],
			[
				"no such node",
				member(runId, { outlet: "approved", inputs: { reason: "ok" } }, { node: "nope" }),
				404,
				"not_found",
			],
			[
				"an unknown outlet",
				member(runId, { outlet: "maybe", inputs: { reason: "ok" } }),
				422,
				"validation_failed",
				"/outlet",
			],
			[
				"a form that fails its schema (RE2 pattern)",
				member(runId, { outlet: "approved", inputs: { reason: "NO!" } }),
				422,
				"validation_failed",
				"/inputs/reason",
			],
			[
				"a form missing a required field",
				member(runId, { outlet: "approved", inputs: {} }),
				422,
				"validation_failed",
				"/inputs/reason",
			],
		];
		for (const [name, pending, status, code, pointer] of cases) {
			const res = await pending;
			expect(res.status, `${name}: ${JSON.stringify(res.body)}`).toBe(status);
			expect(res.headers.get("content-type")).toContain("application/problem+json");
			const problem = res.body as { code: string; errors?: Array<{ pointer: string }> };
			expect(problem.code, name).toBe(code);
			if (pointer) expect(problem.errors?.[0]?.pointer, name).toBe(pointer);
		}
		const run = await readRun(stub);
		expect(run?.status).toBe("WAITING");
		expect(nodeRun(run!, "approve").status).toBe("WAITING");
		// Cancelling the run closes the request.
		await cancelRun(stub, "ops");
		const after = await member(runId, { outlet: "approved", inputs: { reason: "ok" } });
		expect(after.status).toBe(409);
	});

	it("times out through timeout.outlet from the run's alarm", async () => {
		const { stub } = await startRun(approval({ timeout: { after: "2h", outlet: "rejected" } }));
		await waitForRun(stub, waiting);
		// The timeout is on the object's clock, fired by the alarm (once the run has a slot again).
		for (let i = 0; i < 10 && nodeRun((await readRun(stub))!, "approve").result === null; i++) {
			await makeTimersDue(stub);
			await fireAlarm(stub);
		}
		// Its clock is two hours ahead of the platform's now: only the INPUT node is awaited here.
		const done = await waitForRun(stub, (r) => nodeRun(r, "approve").result !== null);
		expect(nodeRun(done, "approve").output).toMatchObject({
			outlet: "rejected",
			decidedBy: "timeout",
			responses: [],
		});
		expect(nodeRun(done, "deployed").result).toBe("SKIPPED");
		expect(nodeRun(done, "declined").status).not.toBe("PENDING");
	}, 30_000);

	it("holds no slot while waiting; a response while the tenant is full is stored and acted on after", async () => {
		const tenant = uniqueTenant("inputs");
		await tenantObject(env, tenant).updateSettings(tenant, { maxConcurrentRuns: 1 });
		const waiter = await startRun(approval(), {}, tenant);
		await waitForRun(waiter.stub, waiting);
		const slow = await hook([{ status: 200, delayMs: 1500 }]);
		const busy = await startRun(
			definition({
				identifier: "busy",
				nodes: [trigger(), { identifier: "call", config: { type: "WEBHOOK", url: slow.url } }],
				connections: [link("c1", "trigger", "call")],
			}),
			{},
			tenant,
		);
		expect(busy.view.status).toBe("IN_PROGRESS");
		const bob = await responder(tenant, "bob@acme.test");
		expect((await bob(waiter.runId, { outlet: "approved", inputs: { reason: "go" } })).status).toBe(
			200,
		);
		expect((await readRun(waiter.stub))?.status).toBe("WAITING");
		await waitForRun(busy.stub, (r) => r.status === "COMPLETED");
		const done = await waitForRun(waiter.stub, (r) => r.status === "COMPLETED");
		expect(nodeRun(done, "deployed").result).toBe("SUCCESS");
	});

	it("fifty concurrent responses to numOfResponders 2 complete the node once with exactly two", async () => {
		const tenant = uniqueTenant("inputs");
		const { runId, stub } = await startRun(approval({ numOfResponders: 2 }), {}, tenant);
		await waitForRun(stub, waiting);
		const people = await Promise.all(
			Array.from({ length: 50 }, (_, i) => responder(tenant, `p${i}@acme.test`)),
		);
		const answers = await Promise.all(
			people.map((answer) => answer(runId, { outlet: "approved", inputs: { reason: "yes" } })),
		);
		const statuses = answers.map((a) => a.status);
		expect(statuses.filter((s) => s === 200)).toHaveLength(2);
		expect(statuses.filter((s) => s === 409)).toHaveLength(48);
		const done = await waitForRun(stub, (r) => r.status === "COMPLETED");
		const output = nodeRun(done, "approve").output as { responses: unknown[] };
		expect(output.responses).toHaveLength(2);
		expect(nodeRun(done, "deployed").result).toBe("SUCCESS");
	}, 60_000);
});

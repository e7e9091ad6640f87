/**
 * GET /v1/inputs inside workerd (docs/ARCHITECTURE.md#input-requests): the open input requests
 * a caller may answer, across runs, from the D1 table the run objects write with their index
 * entries. A response shows there once its run has recorded it, so the tests poll.
 */
import { describe, expect, it, vi } from "vitest";
import { as, expectProblem, uniqueTenant } from "./helpers";
import { cancelRun, definition, link, startRun, trigger, waitForRun } from "./run-helpers";

const approval = (config: Record<string, unknown> = {}, identifier = "deploy_approval") =>
	definition({
		identifier,
		title: "Deploy approval",
		nodes: [
			trigger(),
			{
				identifier: "approve",
				title: "Deploy {{ .inputs.service }}?",
				description: "Release notes: {{ .inputs.notes }}",
				config: {
					type: "INPUT",
					outlets: [{ identifier: "approved" }, { identifier: "rejected", decisive: true }],
					buttons: [
						{ title: "Ship it", outlet: "approved" },
						{ title: "Stop", outlet: "rejected" },
					],
					userInputs: {
						properties: {
							reason: { type: "string" },
							otp: { type: "string", writeOnly: true },
						},
					},
					timeout: { after: "1h", outlet: "rejected" },
					...config,
				},
			},
			{ identifier: "deployed", config: { type: "DELAY", duration: "1ms" } },
		],
		connections: [
			link("c1", "trigger", "approve"),
			{ ...link("c2", "approve", "deployed"), sourceOptionIdentifier: "approved" },
		],
	});

type Caller = Awaited<ReturnType<typeof as>>;

/** Polls the listing until `check` holds (D1 learns of a response right after the run stored it). */
async function inbox(caller: Caller, query: string, check: (body: any) => boolean) {
	return vi.waitFor(
		async () => {
			const res = await caller.call(`/v1/inputs${query}`);
			if (res.status !== 200) throw new Error(`${res.status} ${JSON.stringify(res.body)}`);
			if (!check(res.body)) throw new Error(`not yet: ${JSON.stringify(res.body)}`);
			return res.body;
		},
		{ timeout: 5_000, interval: 25 },
	);
}

const runIds = (body: { data: Array<{ runId: string }> }) => body.data.map((r) => r.runId);

async function waitingRun(tenant: string, config: Record<string, unknown> = {}) {
	const started = await startRun(
		approval(config),
		{ service: "billing", notes: "fixes #12" },
		tenant,
	);
	await waitForRun(started.stub, (r) => r.status === "WAITING");
	return started;
}

describe("GET /v1/inputs", () => {
	it("lists a pending request with its run, form, buttons and answers; it leaves once decided", async () => {
		const tenant = uniqueTenant("inbox");
		const bob = await as({ tenant, sub: "bob@acme.test", role: "member" });
		const carol = await as({ tenant, sub: "carol@acme.test", role: "member" });
		const admin = await as({ tenant, sub: "ada@acme.test", role: "admin" });
		const { runId, stub } = await waitingRun(tenant, { numOfResponders: 2 });

		const listed = await inbox(bob, "", (b) => b.data.length === 1);
		expect(listed.nextCursor).toBeNull();
		const request = listed.data[0];
		expect(request).toMatchObject({
			id: `${runId}/approve`,
			runId,
			node: "approve",
			item: null,
			workflow: { id: "wf-deploy_approval", identifier: "deploy_approval", version: 1 },
			initiatedBy: "alice",
			status: "pending",
			title: "Deploy billing?",
			description: "Release notes: fixes #12",
			form: { properties: { reason: { type: "string" } } },
			outlets: [
				{ identifier: "approved", decisive: false },
				{ identifier: "rejected", decisive: true },
			],
			buttons: [
				{ title: "Ship it", outlet: "approved" },
				{ title: "Stop", outlet: "rejected" },
			],
			responders: { roles: null, users: null },
			numOfResponders: 2,
			allowInitiator: true,
			responses: [],
			decided: null,
			closedAt: null,
		});
		expect(Date.parse(request.dueAt) - Date.parse(request.openedAt)).toBe(60 * 60 * 1000);

		// Bob answers (with a secret field): he has nothing left to answer; Carol sees his answer.
		const answered = await bob.call(`/v1/runs/${runId}/inputs/approve`, {
			method: "POST",
			body: { outlet: "approved", inputs: { reason: "ok", otp: "otp-canary-5521" } },
		});
		expect(answered.status, JSON.stringify(answered.body)).toBe(200);
		const forCarol = await inbox(carol, "", (b) => b.data[0]?.responses.length === 1);
		expect(forCarol.data[0].responses).toEqual([
			{
				by: "bob@acme.test",
				at: expect.any(String),
				outlet: "approved",
				inputs: { reason: "ok", otp: "[REDACTED]" },
				comment: null,
			},
		]);
		await inbox(bob, "", (b) => b.data.length === 0);
		const all = await admin.call("/v1/inputs?assignedTo=any");
		expect(JSON.stringify(all.body)).not.toContain("otp-canary-5521");

		// Carol decides: the request is answered, for everyone.
		const decided = await carol.call(`/v1/runs/${runId}/inputs/approve`, {
			method: "POST",
			body: { outlet: "approved", comment: "go" },
		});
		expect(decided.status).toBe(200);
		await waitForRun(stub, (r) => r.status === "COMPLETED");
		await inbox(carol, "", (b) => b.data.length === 0);
		const history = await inbox(
			admin,
			"?status=answered&assignedTo=any",
			(b) => b.data[0]?.responses.length === 2,
		);
		expect(history.data[0]).toMatchObject({
			runId,
			status: "answered",
			decided: { outlet: "approved", by: "responses" },
			closedAt: expect.any(String),
		});
		expect(runIds(await inbox(bob, "?status=answered", () => true))).toEqual([runId]);
		expect(runIds(await inbox(admin, "?status=pending&assignedTo=any", () => true))).toEqual([]);
	});

	it("a cancelled run's request is closed, not pending", async () => {
		const tenant = uniqueTenant("inbox");
		const bob = await as({ tenant, sub: "bob@acme.test", role: "member" });
		const { runId, stub } = await waitingRun(tenant);
		await inbox(bob, "", (b) => b.data.length === 1);
		await cancelRun(stub, "ada@acme.test");
		await inbox(bob, "", (b) => b.data.length === 0);
		const closed = await inbox(bob, "?status=closed", (b) => b.data.length === 1);
		expect(closed.data[0]).toMatchObject({ runId, status: "closed", decided: null });
	});

	it("pages newest first with a cursor", async () => {
		const tenant = uniqueTenant("inbox");
		const bob = await as({ tenant, sub: "bob@acme.test", role: "member" });
		const started: string[] = [];
		for (let i = 0; i < 3; i++) started.push((await waitingRun(tenant)).runId);
		await inbox(bob, "", (b) => b.data.length === 3);
		const whole = (await bob.call("/v1/inputs?limit=100")).body.data as Array<{
			runId: string;
			openedAt: string;
			id: string;
		}>;
		expect(whole.map((r) => r.runId).sort()).toEqual([...started].sort());
		// Newest first (requests opened in the same millisecond: by id, descending).
		const key = (r: { openedAt: string; id: string }) => [Date.parse(r.openedAt), r.id] as const;
		for (const [a, b] of whole.slice(1).map((r, i) => [whole[i], r] as const)) {
			const [at, ai] = key(a as (typeof whole)[number]);
			const [bt, bi] = key(b);
			expect(at > bt || (at === bt && ai > bi), JSON.stringify([a, b])).toBe(true);
		}
		const first = await bob.call("/v1/inputs?limit=2");
		expect(runIds(first.body)).toEqual(whole.slice(0, 2).map((r) => r.runId));
		expect(first.body.nextCursor).toEqual(expect.any(String));
		const second = await bob.call(
			`/v1/inputs?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`,
		);
		expect(runIds(second.body)).toEqual([whole[2]?.runId]);
		expect(second.body.nextCursor).toBeNull();
	});

	it("refuses a cursor it did not make, an unknown status and everyone's requests for a member", async () => {
		const member = await as({ tenant: uniqueTenant("inbox"), role: "member" });
		const cursor = await member.call("/v1/inputs?cursor=bm90LWEtY3Vyc29y");
		expect(expectProblem(cursor, 422, "validation_failed").errors?.[0]).toMatchObject({
			pointer: "/cursor",
			code: "invalid_cursor",
		});
		// Another listing's cursor is not this one's.
		const audit = btoa(JSON.stringify({ a: 1, e: "x" }));
		expectProblem(await member.call(`/v1/inputs?cursor=${audit}`), 422, "validation_failed");
		const status = await member.call("/v1/inputs?status=open");
		expect(expectProblem(status, 422, "validation_failed").errors?.[0]?.pointer).toBe("/status");
		const limit = await member.call("/v1/inputs?limit=0");
		expect(expectProblem(limit, 422, "validation_failed").errors?.[0]?.pointer).toBe("/limit");
		expectProblem(await member.call("/v1/inputs?assignedTo=any"), 403, "forbidden");
	});

	it("shows a request only to those who may answer it, in its own tenant", async () => {
		const tenant = uniqueTenant("inbox");
		const bob = await as({ tenant, sub: "bob@acme.test", role: "member" });
		const carol = await as({ tenant, sub: "carol@acme.test", role: "member" });
		const vic = await as({ tenant, sub: "vic@acme.test", role: "viewer" });
		const alice = await as({ tenant, sub: "alice", role: "member" });
		const admin = await as({ tenant, sub: "ada@acme.test", role: "admin" });
		const stranger = await as({
			tenant: uniqueTenant("other"),
			sub: "bob@acme.test",
			role: "admin",
		});
		const named = await waitingRun(tenant, { responders: { users: ["bob@acme.test"] } });
		const open = await waitingRun(tenant, { allowInitiator: false });
		const forViewers = await waitingRun(tenant, { responders: { roles: ["viewer"] } });

		await inbox(bob, "", (b) => b.data.length === 2);
		expect(runIds(await inbox(bob, "", () => true)).sort()).toEqual(
			[named.runId, open.runId].sort(),
		);
		// Not named, nor of a role named: Carol sees only the one open to members.
		expect(runIds(await inbox(carol, "", () => true))).toEqual([open.runId]);
		expect(runIds(await inbox(vic, "", () => true))).toEqual([forViewers.runId]);
		// The run's initiator may not answer the node that forbids it, so it is not theirs.
		expect(runIds(await inbox(alice, "", () => true))).toEqual([]);
		expect((await inbox(admin, "?assignedTo=any", () => true)).data).toHaveLength(3);
		// The admin is no member of `named`'s responders: not theirs to answer.
		expect(runIds(await inbox(admin, "", () => true))).toEqual([open.runId]);
		// Another tenant's admin, even with the same subject, sees none of them.
		for (const query of ["", "?assignedTo=any", "?status=closed&assignedTo=any"]) {
			const res = await stranger.call(`/v1/inputs${query}`);
			expect(res.status).toBe(200);
			expect(res.body.data).toEqual([]);
		}
	});
});

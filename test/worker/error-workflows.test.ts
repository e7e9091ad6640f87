import { describe, expect, it, vi } from "vitest";
import { as, uniqueTenant } from "./helpers";
import { hook } from "./run-helpers";

type Caller = Awaited<ReturnType<typeof as>>;

/** trigger → one WEBHOOK to `url`; `extra` adds definition fields (errorWorkflow …). */
function calling(identifier: string, url: string, extra: Record<string, unknown> = {}) {
	return {
		identifier,
		title: identifier,
		nodes: [
			{ identifier: "trigger", config: { type: "SELF_SERVE_TRIGGER" } },
			{
				identifier: "call",
				config: { type: "WEBHOOK", url, body: { failedRun: "{{ .inputs.failedRun }}" } },
			},
		],
		connections: [{ identifier: "c1", sourceIdentifier: "trigger", targetIdentifier: "call" }],
		...extra,
	};
}

async function setUp() {
	const tenant = uniqueTenant("errwf");
	const admin = await as({ tenant, role: "admin", sub: "admin@x" });
	const alice = await as({ tenant, role: "member", sub: "alice@x" });
	return { tenant, admin, alice };
}

async function create(caller: Caller, definition: Record<string, unknown>) {
	const res = await caller.call("/v1/workflows", { method: "POST", body: definition });
	if (res.status !== 201) throw new Error(`create failed: ${JSON.stringify(res.body)}`);
}

async function start(caller: Caller, identifier: string) {
	const res = await caller.call(`/v1/workflows/${identifier}/runs`, { method: "POST", body: {} });
	if (res.status !== 202) throw new Error(`start failed: ${JSON.stringify(res.body)}`);
	return res.body.id as string;
}

/** Reads the run until `done` holds (calls and the outbox finish on their own time). */
async function until(caller: Caller, runId: string, done: (run: any) => boolean) {
	return vi.waitFor(
		async () => {
			const run = (await caller.call(`/v1/workflows/runs/${runId}`)).body;
			if (!done(run)) throw new Error(`run ${runId} not there yet: ${run.status} ${run.result}`);
			return run;
		},
		{ timeout: 15_000, interval: 50 },
	);
}

const runsOf = async (caller: Caller, identifier: string) =>
	(await caller.call(`/v1/workflows/runs?workflowIdentifiers=${identifier}`)).body.data as {
		id: string;
	}[];

describe("error workflows", () => {
	it("a failed run starts its errorWorkflow once with { failedRun }, linked both ways", async () => {
		const { admin, alice } = await setUp();
		const receiver = await hook([{ status: 200 }]);
		const failing = await hook([{ status: 500 }]);
		await create(admin, calling("on_failure", receiver.url));
		await create(admin, calling("deploy", failing.url, { errorWorkflow: "on_failure" }));

		const failedId = await start(alice, "deploy");
		const failed = await until(alice, failedId, (r) => r.errorRun?.status === "started");
		expect(failed.result).toBe("FAILED");
		const errorRunId = failed.errorRun.runId;
		expect(failed.errorRun).toEqual({
			status: "started",
			runId: errorRunId,
			workflow: "on_failure",
		});

		// The error run runs as the failed run's initiator, so she sees it too.
		const errorRun = await until(alice, errorRunId, (r) => r.status === "COMPLETED");
		expect(errorRun).toMatchObject({
			result: "SUCCESS",
			initiator: "alice@x",
			errorOf: { runId: failedId, workflow: "deploy" },
			workflow: { identifier: "on_failure" },
		});
		expect(errorRun.inputs.failedRun).toEqual({
			id: failedId,
			workflow: "deploy",
			version: 1,
			error: { code: "http_error", message: expect.stringContaining("500") },
			failedNode: "call",
			inputs: {},
			initiator: "alice@x",
			startedAt: failed.startedAt,
			endedAt: failed.endedAt,
			url: `/v1/workflows/runs/${failedId}`,
		});
		const [delivery] = await receiver.deliveries();
		expect(JSON.parse(delivery?.body ?? "{}").failedRun.id).toBe(failedId);
		expect((await runsOf(admin, "on_failure")).map((r) => r.id)).toEqual([errorRunId]);
	});

	it("falls back to the tenant's default; an error run that fails starts no other", async () => {
		const { admin, alice } = await setUp();
		const failing = await hook([{ status: 500 }]);
		// The default error workflow fails itself: it must not start itself again.
		await create(admin, calling("on_failure", failing.url));
		await create(admin, calling("deploy", failing.url));
		const patched = await admin.call("/v1/tenant/settings", {
			method: "PATCH",
			body: { errorWorkflow: "on_failure" },
		});
		expect(patched.body).toMatchObject({ errorWorkflow: "on_failure", maxRunDepth: 10 });

		const failedId = await start(alice, "deploy");
		const failed = await until(alice, failedId, (r) => r.errorRun?.status === "started");
		const errorRun = await until(alice, failed.errorRun.runId, (r) => r.status === "COMPLETED");
		expect(errorRun.result).toBe("FAILED");
		expect(errorRun.errorRun).toBeNull();
		// Give a wrongly started second error run time to show up in the index.
		await new Promise((r) => setTimeout(r, 300));
		expect(await runsOf(admin, "on_failure")).toHaveLength(1);
	});

	it("says why the error workflow could not start; a cancelled or successful run starts none", async () => {
		const { admin, alice } = await setUp();
		const failing = await hook([{ status: 500 }]);
		const ok = await hook([{ status: 200 }]);
		await create(admin, {
			...calling("strict", ok.url),
			nodes: [
				{
					identifier: "trigger",
					config: {
						type: "SELF_SERVE_TRIGGER",
						userInputs: { properties: { ticket: { type: "string" } }, required: ["ticket"] },
					},
				},
				calling("x", ok.url).nodes[1],
			],
		});
		await create(admin, calling("deploy", failing.url, { errorWorkflow: "strict" }));
		const failedId = await start(alice, "deploy");
		const failed = await until(alice, failedId, (r) => r.errorRun !== null);
		expect(failed.errorRun).toEqual({
			status: "refused",
			workflow: "strict",
			reason: expect.stringContaining("/inputs/ticket"),
		});

		await create(admin, calling("fine", ok.url, { errorWorkflow: "strict" }));
		const fineId = await start(alice, "fine");
		expect((await until(alice, fineId, (r) => r.status === "COMPLETED")).errorRun).toBeNull();
		expect(await runsOf(admin, "strict")).toEqual([]);
	});
});

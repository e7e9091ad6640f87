import { describe, expect, it } from "vitest";
import { apiKeyFrom } from "./api-key-helpers";
import { as, type CallResult, call, uniqueTenant } from "./helpers";
import { tenantWithWorkflow, waitingWorkflow } from "./runs-helpers";

interface FailedStart {
	id: string;
	at: string;
	actor: string;
	workflow: string;
	status: number;
	code: string;
	detail: string;
	requestId: string;
}

type Caller = { call: (path: string) => Promise<CallResult> };

async function failedStarts(caller: Caller): Promise<FailedStart[]> {
	const res = await caller.call("/v1/workflows/runs/failed-starts?limit=100");
	expect(res.status, JSON.stringify(res.body)).toBe(200);
	return res.body.data;
}

// A dozen requests per test: room for a machine shared with other test runs.
describe("GET /v1/workflows/runs/failed-starts", { timeout: 60_000 }, () => {
	it("lists every authenticated start that was refused: who, when, workflow, code, request id", async () => {
		const { admin, alice, viewer, identifier } = await tenantWithWorkflow(
			waitingWorkflow("guarded", { runnableViaApi: false }),
		);
		const key = await apiKeyFrom(admin, { role: "member", scopes: ["runs:write"] });
		const start = (caller: Caller & { call: typeof alice.call }, workflow: string, body: unknown) =>
			caller.call(`/v1/workflows/${workflow}/runs`, { method: "POST", body });
		const refused: [CallResult, string, string, number][] = [
			[await start(alice, "no_such_workflow", {}), "no_such_workflow", "not_found", 404],
			[await start(alice, identifier, { inputs: {} }), identifier, "validation_failed", 422],
			[await start(viewer, identifier, { inputs: { message: "x" } }), identifier, "forbidden", 403],
			[
				await start(key, identifier, { inputs: { message: "x" } }),
				identifier,
				"not_runnable_via_api",
				403,
			],
			[
				await alice.call(`/v1/workflows/${identifier}/runs/batch`, {
					method: "POST",
					body: { runs: [{ inputs: { message: "x" } }, { inputs: {} }] },
				}),
				identifier,
				"validation_failed",
				422,
			],
		];
		// Starts that worked, and one no one proved to make, are not failures.
		expect((await start(alice, identifier, { inputs: { message: "ok" } })).status).toBe(202);
		const anonymous = await call(`/v1/workflows/${identifier}/runs`, {
			method: "POST",
			body: {},
			token: "not-a-token",
		});
		expect(anonymous.status).toBe(401);

		const listed = await failedStarts(admin);
		expect(listed).toHaveLength(refused.length);
		for (const [res, workflow, code, status] of refused) {
			expect(res.status, JSON.stringify(res.body)).toBe(status);
			const requestId = res.headers.get("x-request-id");
			expect(
				listed.find((f) => f.requestId === requestId),
				code,
			).toMatchObject({
				workflow,
				code,
				status,
				detail: res.body.detail,
				at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
			});
		}
		expect(listed.find((f) => f.code === "not_runnable_via_api")?.actor).toBe(key.subject);
		expect(listed.find((f) => f.code === "forbidden")?.actor).toBe("vera@x");
	});

	it("shows admins every failed start, others their own, and no other tenant's", async () => {
		const { admin, alice, bob } = await tenantWithWorkflow();
		await alice.call("/v1/workflows/nope/runs", { method: "POST", body: {} });
		await bob.call("/v1/workflows/nope/runs", { method: "POST", body: {} });
		expect((await failedStarts(alice)).map((f) => f.actor)).toEqual(["alice@x"]);
		expect((await failedStarts(bob)).map((f) => f.actor)).toEqual(["bob@x"]);
		expect((await failedStarts(admin)).map((f) => f.actor)).toEqual(["bob@x", "alice@x"]);
		const elsewhere = await as({ tenant: uniqueTenant("other"), role: "admin" });
		expect(await failedStarts(elsewhere)).toEqual([]);
	});

	it("pages newest first with a cursor", async () => {
		const { alice } = await tenantWithWorkflow();
		for (const name of ["a", "b", "c"])
			await alice.call(`/v1/workflows/missing_${name}/runs`, { method: "POST", body: {} });
		const first = await alice.call("/v1/workflows/runs/failed-starts?limit=2");
		expect(first.body.data.map((f: FailedStart) => f.workflow)).toEqual(["missing_c", "missing_b"]);
		const rest = await alice.call(
			`/v1/workflows/runs/failed-starts?limit=2&cursor=${first.body.nextCursor}`,
		);
		expect(rest.body.data.map((f: FailedStart) => f.workflow)).toEqual(["missing_a"]);
		expect(rest.body.nextCursor).toBeNull();
	});
});

import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { tenantObject } from "../../durable-objects";
import { batchRunIds } from "../../worker/routes/runs/run-ids";
import { requestFingerprint, scopedIdempotencyKey } from "../../worker/runs/idempotency-key";
import { startRuns } from "../../worker/runs/start-run";
import { as, call, expectProblem, uniqueTenant } from "./helpers";
import { alicePrincipal, tenantWithWorkflow } from "./runs-helpers";

const batch = (runs: unknown[], headers: Record<string, string> = {}) => ({
	method: "POST",
	body: { runs },
	headers,
});

type Caller = Awaited<ReturnType<typeof tenantWithWorkflow>>["admin"];

async function listedIds(caller: Caller, identifier: string): Promise<string[]> {
	const page = await caller.call(`/v1/workflows/runs?workflowIdentifiers=${identifier}&limit=100`);
	return page.body.data.map((r: { id: string }) => r.id).sort();
}

describe("POST /v1/workflows/{identifier}/runs/batch", () => {
	it("starts every run, answers with their summaries in request order", async () => {
		const { alice, identifier } = await tenantWithWorkflow();
		const res = await alice.call(
			`/v1/workflows/${identifier}/runs/batch`,
			batch([
				{ inputs: { message: "one" } },
				{ inputs: { message: "two", priority: "high" } },
				{ initialContext: { message: "three" }, scope: { type: "ENTITY", entityId: "svc-3" } },
			]),
		);
		expect(res.status).toBe(202);
		expect(res.body.data).toHaveLength(3);
		const ids = res.body.data.map((r: { id: string }) => r.id);
		expect(new Set(ids).size).toBe(3);
		expect(res.body.data[2]).toMatchObject({
			status: "WAITING",
			initiator: "alice@x",
			entityId: "svc-3",
			workflow: { identifier, version: 1 },
		});
		const messages = [];
		for (const id of ids) {
			const run = await alice.call(`/v1/workflows/runs/${id}`);
			messages.push(run.body.inputs.message);
		}
		expect(messages).toEqual(["one", "two", "three"]);
		expect(await listedIds(alice, identifier)).toEqual([...ids].sort());
	});

	it("starts nothing when any item is invalid, and names every bad item", async () => {
		const { alice, identifier } = await tenantWithWorkflow();
		const res = await alice.call(
			`/v1/workflows/${identifier}/runs/batch`,
			batch([
				{ inputs: { message: "fine" } },
				{ inputs: {} },
				{ inputs: { message: "x", priority: "urgent" } },
			]),
		);
		const pointers = expectProblem(res, 422, "validation_failed").errors?.map((e) => e.pointer);
		expect(pointers).toEqual(["/runs/1/inputs/message", "/runs/2/inputs/priority"]);
		expect(await listedIds(alice, identifier)).toEqual([]);
	});

	it("rejects an empty batch, more than 100 runs and unknown fields, by pointer", async () => {
		const { alice, identifier } = await tenantWithWorkflow();
		const path = `/v1/workflows/${identifier}/runs/batch`;
		const empty = await alice.call(path, batch([]));
		expect(expectProblem(empty, 422, "validation_failed").errors?.[0]?.pointer).toBe("/runs");
		const many = await alice.call(path, batch(Array(101).fill({ inputs: { message: "x" } })));
		expect(expectProblem(many, 422, "validation_failed").errors?.[0]?.pointer).toBe("/runs");
		const unknown = await alice.call(path, batch([{ inputs: { message: "x" } }, { input: {} }]));
		expect(expectProblem(unknown, 422, "validation_failed").errors?.[0]?.pointer).toBe(
			"/runs/1/input",
		);
		const trigger = await alice.call(
			path,
			batch([{ inputs: { message: "x" }, triggerIdentifier: "nope" }]),
		);
		expect(expectProblem(trigger, 422, "validation_failed").errors?.[0]?.pointer).toBe(
			"/runs/0/triggerIdentifier",
		);
		expect(await listedIds(alice, identifier)).toEqual([]);
	});

	it("is 404 for an unknown workflow or a missing pinned version", async () => {
		const { alice, identifier } = await tenantWithWorkflow();
		expectProblem(
			await alice.call("/v1/workflows/ghost/runs/batch", batch([{ inputs: { message: "x" } }])),
			404,
			"not_found",
		);
		const missing = await alice.call(
			`/v1/workflows/${identifier}/runs/batch`,
			batch([{ inputs: { message: "x" } }, { inputs: { message: "x" }, version: 9 }]),
		);
		const problem = expectProblem(missing, 404, "not_found");
		expect(problem.detail).toContain("Version 9");
		expect(problem.errors).toEqual([
			expect.objectContaining({ in: "body", pointer: "/runs/1/version", code: "unknown_version" }),
		]);
		expect(await listedIds(alice, identifier)).toEqual([]);
	});

	describe("Idempotency-Key", () => {
		it("replays the first answer for the same batch; another batch under the key is 422", async () => {
			const { alice, identifier } = await tenantWithWorkflow();
			const path = `/v1/workflows/${identifier}/runs/batch`;
			const runs = [{ inputs: { message: "a" } }, { inputs: { message: "b" } }];
			const first = await alice.call(path, batch(runs, { "idempotency-key": "batch-1" }));
			const again = await alice.call(path, batch(runs, { "idempotency-key": "batch-1" }));
			expect(again.status).toBe(202);
			expect(again.headers.get("idempotent-replayed")).toBe("true");
			expect(again.body.data.map((r: { id: string }) => r.id)).toEqual(
				first.body.data.map((r: { id: string }) => r.id),
			);
			const other = await alice.call(
				path,
				batch([{ inputs: { message: "c" } }], { "idempotency-key": "batch-1" }),
			);
			expect(expectProblem(other, 422, "validation_failed").errors?.[0]?.pointer).toBe(
				"/Idempotency-Key",
			);
			expect(await listedIds(alice, identifier)).toHaveLength(2);
		});

		it("a retry after an attempt that failed part-way starts only the missing runs", async () => {
			const { tenant, alice, identifier } = await tenantWithWorkflow();
			const path = `/v1/workflows/${identifier}/runs/batch`;
			const runs = [{ inputs: { message: "a" } }, { inputs: { message: "b" } }];
			// The first attempt, as a 500 part-way leaves it: the key was taken, the first run
			// started, then the request failed and released its key.
			const key = await scopedIdempotencyKey(alicePrincipal(tenant).subject, "batch-2");
			const fingerprint = await requestFingerprint("POST", path, { runs });
			const ids = await batchRunIds(tenant, runs.length, { key, fingerprint });
			const tenantObj = tenantObject(env, tenant);
			expect((await tenantObj.beginIdempotent(tenant, key, fingerprint, Date.now())).kind).toBe(
				"proceed",
			);
			const principal = alicePrincipal(tenant);
			const [early] = await startRuns(
				env,
				principal,
				identifier,
				runs.slice(0, 1),
				ids.slice(0, 1),
			);
			await tenantObj.abandonIdempotent(tenant, key);

			const retry = await alice.call(path, batch(runs, { "idempotency-key": "batch-2" }));
			expect(retry.status).toBe(202);
			expect(retry.body.data.map((r: { id: string }) => r.id)).toEqual(ids);
			expect(retry.body.data[0].createdAt).toBe(early?.createdAt);
			expect(await listedIds(alice, identifier)).toEqual([...ids].sort());
		});
	});

	describe("security", () => {
		it("needs a token and a member; viewers may not start runs", async () => {
			const { viewer, identifier } = await tenantWithWorkflow();
			const path = `/v1/workflows/${identifier}/runs/batch`;
			expectProblem(
				await viewer.call(path, batch([{ inputs: { message: "x" } }])),
				403,
				"forbidden",
			);
			expectProblem(
				await call(path, { ...batch([{ inputs: { message: "x" } }]), token: null }),
				401,
				"unauthorized",
			);
		});

		it("lets only admins run as someone else, and refuses the whole batch", async () => {
			const { admin, alice, identifier } = await tenantWithWorkflow();
			const path = `/v1/workflows/${identifier}/runs/batch`;
			const mixed = [{ inputs: { message: "x" } }, { inputs: { message: "x" }, runAs: "bob@x" }];
			expectProblem(await alice.call(path, batch(mixed)), 403, "forbidden");
			expect(await listedIds(admin, identifier)).toEqual([]);
			const allowed = await admin.call(path, batch(mixed));
			expect(allowed.body.data.map((r: { initiator: string }) => r.initiator)).toEqual([
				"admin@x",
				"bob@x",
			]);
		});

		it("cannot start another tenant's workflow (404)", async () => {
			const { identifier } = await tenantWithWorkflow();
			const outsider = await as({ tenant: uniqueTenant("other"), role: "admin" });
			expectProblem(
				await outsider.call(
					`/v1/workflows/${identifier}/runs/batch`,
					batch([{ inputs: { message: "x" } }]),
				),
				404,
				"not_found",
			);
		});
	});
});

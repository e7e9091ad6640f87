import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { tenantObject } from "../../durable-objects";
import { IN_FLIGHT_LEASE_MS } from "../../durable-objects/tenant/admission";
import { runIdFor } from "../../worker/routes/runs/run-ids";
import { requestFingerprint, scopedIdempotencyKey } from "../../worker/runs/idempotency-key";
import { startRun } from "../../worker/runs/start-run";
import { expectProblem } from "./helpers";
import { alicePrincipal, tenantWithWorkflow } from "./runs-helpers";

const start = (key: string, body: unknown = { inputs: { message: "hi" } }) => ({
	method: "POST",
	body,
	headers: { "idempotency-key": key },
});

describe("Idempotency-Key on POST …/runs", () => {
	it("replays the first response for the same request, marked Idempotent-Replayed", async () => {
		const { alice, identifier } = await tenantWithWorkflow();
		const first = await alice.call(`/v1/workflows/${identifier}/runs`, start("key-1"));
		const again = await alice.call(
			`/v1/workflows/${identifier}/runs`,
			start("key-1", { inputs: { message: "hi" } }),
		);
		expect(first.status).toBe(202);
		expect(again.status).toBe(202);
		expect(again.body.id).toBe(first.body.id);
		expect(again.headers.get("idempotent-replayed")).toBe("true");
		expect(again.headers.get("location")).toBe(first.headers.get("location"));
		expect(first.headers.get("idempotent-replayed")).toBeNull();
	});

	it("rejects the same key with a different request", async () => {
		const { alice, identifier } = await tenantWithWorkflow();
		await alice.call(`/v1/workflows/${identifier}/runs`, start("key-2"));
		const other = await alice.call(
			`/v1/workflows/${identifier}/runs`,
			start("key-2", { inputs: { message: "bye" } }),
		);
		expect(expectProblem(other, 422, "validation_failed").errors?.[0]?.pointer).toBe(
			"/Idempotency-Key",
		);
	});

	it("does not remember validation failures: the fixed request goes through", async () => {
		const { alice, identifier } = await tenantWithWorkflow();
		expectProblem(
			await alice.call(`/v1/workflows/${identifier}/runs`, start("key-3", { inputs: {} })),
			422,
			"validation_failed",
		);
		const fixed = await alice.call(`/v1/workflows/${identifier}/runs`, start("key-3"));
		expect(fixed.status).toBe(202);
	});

	it("a retry after an attempt that started the run but never answered gets that run, not a second", async () => {
		const { alice, tenant, identifier } = await tenantWithWorkflow();
		const path = `/v1/workflows/${identifier}/runs`;
		const body = { inputs: { message: "hi" } };
		const key = await scopedIdempotencyKey(alicePrincipal(tenant).subject, "key-lost");
		const fingerprint = await requestFingerprint("POST", path, body);
		// The first attempt, as a Worker that died mid-request leaves it: the key taken (its
		// lease has run out since), the run started, and no answer stored.
		const taken = await tenantObject(env, tenant).beginIdempotent(
			tenant,
			key,
			fingerprint,
			Date.now() - IN_FLIGHT_LEASE_MS - 1_000,
		);
		expect(taken.kind).toBe("proceed");
		const runId = await runIdFor(tenant, { key, fingerprint });
		const early = await startRun(
			env,
			{ kind: "principal", principal: alicePrincipal(tenant) },
			{ identifier, body },
			runId,
		);

		const retry = await alice.call(path, start("key-lost"));
		expect(retry.status).toBe(202);
		expect(retry.body.id).toBe(early.id);
		expect(retry.body.createdAt).toBe(early.createdAt);
		const rows = await env.DB.prepare("SELECT id FROM runs WHERE tenant_id = ?")
			.bind(tenant)
			.all<{ id: string }>();
		expect(rows.results.map((r) => r.id)).toEqual([early.id]);
		// The retry's answer is the key's answer now.
		const again = await alice.call(path, start("key-lost"));
		expect(again.headers.get("idempotent-replayed")).toBe("true");
		expect(again.body.id).toBe(early.id);
	});

	it("rejects keys over 255 characters", async () => {
		const { alice, identifier } = await tenantWithWorkflow();
		const res = await alice.call(`/v1/workflows/${identifier}/runs`, start("k".repeat(256)));
		expect(expectProblem(res, 422, "validation_failed").errors?.[0]).toMatchObject({
			in: "header",
		});
	});

	it("creates exactly one run from fifty parallel requests with one key", async () => {
		const { alice, tenant, identifier } = await tenantWithWorkflow();
		const responses = await Promise.all(
			Array.from({ length: 50 }, () =>
				alice.call(`/v1/workflows/${identifier}/runs`, start("race")),
			),
		);
		const created = new Set(responses.filter((r) => r.status === 202).map((r) => r.body.id));
		expect(created.size).toBe(1);
		// The others were told the first is still in flight, or got its reply replayed.
		for (const r of responses) expect([202, 409]).toContain(r.status);
		const rows = await env.DB.prepare("SELECT count(*) AS n FROM runs WHERE tenant_id = ?")
			.bind(tenant)
			.first<{ n: number }>();
		expect(rows?.n).toBe(1);
	});

	it("scopes keys to the caller: another user's same key and body start that user's own run", async () => {
		const { admin, alice, identifier } = await tenantWithWorkflow();
		const path = `/v1/workflows/${identifier}/runs`;
		const admins = await admin.call(path, start("shared-by-chance"));
		const alices = await alice.call(path, start("shared-by-chance"));
		expect(alices.status).toBe(202);
		expect(alices.headers.get("idempotent-replayed")).toBeNull();
		expect(alices.body.id).not.toBe(admins.body.id);
		expect(alices.body.initiator).toBe("alice@x");
		// Each caller's retry still replays their own first answer.
		const again = await admin.call(path, start("shared-by-chance"));
		expect(again.headers.get("idempotent-replayed")).toBe("true");
		expect(again.body.id).toBe(admins.body.id);
	});

	it("scopes keys to the tenant", async () => {
		const first = await tenantWithWorkflow();
		const second = await tenantWithWorkflow();
		const a = await first.alice.call(`/v1/workflows/${first.identifier}/runs`, start("shared-key"));
		const b = await second.alice.call(
			`/v1/workflows/${second.identifier}/runs`,
			start("shared-key"),
		);
		expect(a.body.id).not.toBe(b.body.id);
		expect(b.headers.get("idempotent-replayed")).toBeNull();
	});
});

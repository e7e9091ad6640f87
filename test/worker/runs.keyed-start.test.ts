import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { runObject, tenantObject } from "../../durable-objects";
import type { RunObject } from "../../durable-objects/run/run-object";
import { IDEMPOTENCY_TTL_MS } from "../../engine/control";
import { expectProblem } from "./helpers";
import { tenantWithWorkflow } from "./runs-helpers";

// A single start's Idempotency-Key lives in the run's own object, named by the key
// (docs/ARCHITECTURE.md#a-start): what a caller sees is that of runs.idempotency.test.ts;
// these are the cases that only this way of keeping keys could get wrong.

const start = (key: string, body: unknown = { inputs: { message: "hi" } }) => ({
	method: "POST",
	body,
	headers: { "idempotency-key": key },
});

const storedKeys = (tenant: string) =>
	runInDurableObject(tenantObject(env, tenant), (_instance, state: DurableObjectState) => {
		const tables = state.storage.sql
			.exec<{ n: number }>(
				"SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'idempotency_keys'",
			)
			.one().n;
		if (tables === 0) return 0;
		return state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM idempotency_keys").one()
			.n;
	});

describe("a keyed single start", () => {
	it("is answered by its run: the tenant's object stores no key for it", async () => {
		const { alice, tenant, identifier } = await tenantWithWorkflow();
		const path = `/v1/workflows/${identifier}/runs`;
		const first = await alice.call(path, start("own-object"));
		const again = await alice.call(path, start("own-object"));
		expect(first.status).toBe(202);
		expect(again.headers.get("idempotent-replayed")).toBe("true");
		expect(again.body.id).toBe(first.body.id);
		expect(await storedKeys(tenant)).toBe(0);
	});

	it("gets the key's answer even when the repeat fails its own checks", async () => {
		const { admin, alice, identifier } = await tenantWithWorkflow();
		const path = `/v1/workflows/${identifier}/runs`;
		const first = await alice.call(path, start("checked-first"));
		// Another body that would fail validation: the key's 422 comes first, as it always did.
		const invalid = await alice.call(path, start("checked-first", { inputs: {} }));
		expect(expectProblem(invalid, 422, "validation_failed").errors?.[0]).toMatchObject({
			pointer: "/Idempotency-Key",
			code: "idempotency_key_reused",
		});
		// The same request once its workflow is gone: still the run the key started.
		const deleted = await admin.call(`/v1/workflows/${identifier}`, { method: "DELETE" });
		expect(deleted.status).toBe(204);
		const again = await alice.call(path, start("checked-first"));
		expect(again.status).toBe(202);
		expect(again.headers.get("idempotent-replayed")).toBe("true");
		expect(again.body.id).toBe(first.body.id);
		// A new key for it is the 404 it is now.
		expectProblem(await alice.call(path, start("checked-later")), 404, "not_found");
	});

	it("starts a new run once its key is a day old, and that run holds the key for its own day", async () => {
		const { alice, tenant, identifier } = await tenantWithWorkflow();
		const path = `/v1/workflows/${identifier}/runs`;
		const first = await alice.call(path, start("daily"));
		expect(first.status).toBe(202);
		// The key's first run, a day and a second later by its own clock.
		await runInDurableObject(runObject(env, tenant, first.body.id), (instance: RunObject) => {
			const clock = instance.clock;
			instance.clock = { now: () => clock.now() + IDEMPOTENCY_TTL_MS + 1_000 };
		});
		const next = await alice.call(path, start("daily", { inputs: { message: "tomorrow" } }));
		expect(next.status).toBe(202);
		expect(next.headers.get("idempotent-replayed")).toBeNull();
		expect(next.body.id).not.toBe(first.body.id);
		const again = await alice.call(path, start("daily", { inputs: { message: "tomorrow" } }));
		expect(again.headers.get("idempotent-replayed")).toBe("true");
		expect(again.body.id).toBe(next.body.id);
		expectProblem(await alice.call(path, start("daily")), 422, "validation_failed");
	});
});

import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { tenantObject } from "../../durable-objects";
import { IDEMPOTENCY_TTL_MS } from "../../durable-objects/tenant";
import {
	IDEMPOTENCY_SWEEP_INTERVAL_MS,
	IN_FLIGHT_LEASE_MS,
} from "../../durable-objects/tenant/admission";
import { uniqueTenant } from "./helpers";

function tenant() {
	const id = uniqueTenant("idem");
	return { id, stub: tenantObject(env, id) };
}

const RESPONSE = {
	status: 202,
	body: { id: "run_1", status: "QUEUED" },
	headers: { location: "/v1/workflows/runs/run_1" },
};

/** Rows in the object's idempotency table (read inside the object, as the alarm would). */
const keyRows = (stub: ReturnType<typeof tenantObject>) =>
	runInDurableObject(stub, (_, state) =>
		state.storage.sql
			.exec<{ key: string; state: string }>("SELECT key, state FROM idempotency_keys ORDER BY key")
			.toArray(),
	);

/** The message of a rejected RPC call (handled here: an RPC promise given to expect().rejects
 * is also reported as an unhandled rejection). */
const failure = (call: Promise<unknown>) =>
	call.then(
		() => null,
		(err: Error) => err.message,
	);

describe("TenantObject: idempotency keys", () => {
	it("gives exactly one of fifty parallel requests with one key the go-ahead", async () => {
		const { id, stub } = tenant();
		const now = Date.now();
		const results = await Promise.all(
			Array.from({ length: 50 }, () => stub.beginIdempotent(id, "k-race", "fp", now)),
		);
		const kinds = results.map((r) => r.kind);
		expect(kinds.filter((k) => k === "proceed")).toHaveLength(1);
		expect(kinds.filter((k) => k === "in_flight")).toHaveLength(49);
	});

	it("replays the stored response, status, body and headers, to the same request", async () => {
		const { id, stub } = tenant();
		const now = Date.now();
		expect(await stub.beginIdempotent(id, "k1", "fp", now)).toEqual({ kind: "proceed" });
		await stub.completeIdempotent(id, "k1", "fp", RESPONSE.status, RESPONSE.body, RESPONSE.headers);
		expect(await stub.beginIdempotent(id, "k1", "fp", now + 1000)).toEqual({
			kind: "replay",
			...RESPONSE,
		});
		// The first stored response wins: a late second completion does not replace it.
		await stub.completeIdempotent(id, "k1", "fp", 500, { other: true }, {});
		expect(await stub.beginIdempotent(id, "k1", "fp", now + 2000)).toMatchObject({ status: 202 });
	});

	it("answers a different request under a used key with mismatch, in flight or done", async () => {
		const { id, stub } = tenant();
		const now = Date.now();
		await stub.beginIdempotent(id, "k2", "fp-a", now);
		expect(await stub.beginIdempotent(id, "k2", "fp-b", now)).toEqual({ kind: "mismatch" });
		await stub.completeIdempotent(id, "k2", "fp-a", 202, {}, {});
		expect(await stub.beginIdempotent(id, "k2", "fp-b", now)).toEqual({ kind: "mismatch" });
		// Another key is unaffected.
		expect(await stub.beginIdempotent(id, "k3", "fp-b", now)).toEqual({ kind: "proceed" });
	});

	it("forgets an abandoned key (a validation failure) but never a stored response", async () => {
		const { id, stub } = tenant();
		const now = Date.now();
		await stub.beginIdempotent(id, "k4", "fp", now);
		await stub.abandonIdempotent(id, "k4");
		expect(await stub.beginIdempotent(id, "k4", "fp-other", now)).toEqual({ kind: "proceed" });
		await stub.completeIdempotent(id, "k4", "fp-other", 202, { ok: 1 }, {});
		await stub.abandonIdempotent(id, "k4");
		await stub.abandonIdempotent(id, "never-used");
		expect(await stub.beginIdempotent(id, "k4", "fp-other", now)).toMatchObject({ kind: "replay" });
	});

	it("frees a key whose request died in flight once its lease runs out", async () => {
		const { id, stub } = tenant();
		const now = Date.now();
		await stub.beginIdempotent(id, "k5", "fp", now);
		expect(await stub.beginIdempotent(id, "k5", "fp", now + IN_FLIGHT_LEASE_MS - 1)).toEqual({
			kind: "in_flight",
		});
		expect(await stub.beginIdempotent(id, "k5", "fp", now + IN_FLIGHT_LEASE_MS)).toEqual({
			kind: "proceed",
		});
	});

	it("keeps a response 24 hours, then the alarm prunes it and the key is free", async () => {
		const { id, stub } = tenant();
		const now = Date.now();
		for (const key of ["old", "young"]) {
			await stub.beginIdempotent(id, key, "fp", now);
			await stub.completeIdempotent(id, key, "fp", 202, { key }, {});
		}
		expect(
			await stub.beginIdempotent(id, "old", "fp", now + IDEMPOTENCY_TTL_MS - 60_000),
		).toMatchObject({ kind: "replay" });
		// Age "old" past its 24 hours instead of sleeping, then fire the alarm as the platform would.
		await runInDurableObject(stub, (_, state) => {
			state.storage.sql.exec(
				"UPDATE idempotency_keys SET expires_at = ? WHERE key = 'old'",
				Date.now() - 1,
			);
		});
		expect(await runDurableObjectAlarm(stub)).toBe(true);
		expect(await keyRows(stub)).toEqual([{ key: "young", state: "done" }]);
		expect(await stub.beginIdempotent(id, "old", "fp-new", Date.now())).toEqual({
			kind: "proceed",
		});
		expect(await stub.beginIdempotent(id, "young", "fp", Date.now())).toMatchObject({
			kind: "replay",
			body: { key: "young" },
		});
		// Keys are stored, so the one alarm stays set for the next sweep (sweeps read every key,
		// so they are spaced out; an expired key is treated as absent until then).
		const alarm = await runInDurableObject(stub, (_, state) => state.storage.getAlarm());
		expect(alarm).toBeGreaterThan(Date.now());
		expect(alarm).toBeLessThanOrEqual(Date.now() + IDEMPOTENCY_SWEEP_INTERVAL_MS);
	});

	it("rejects keys longer than 255 characters and calls naming another tenant", async () => {
		const { id, stub } = tenant();
		expect(await stub.beginIdempotent(id, "k".repeat(255), "fp", Date.now())).toEqual({
			kind: "proceed",
		});
		expect(await failure(stub.beginIdempotent(id, "k".repeat(256), "fp", Date.now()))).toMatch(
			/255/,
		);
		expect(await failure(stub.beginIdempotent(id, "", "fp", Date.now()))).toMatch(/255/);
		expect(await failure(stub.beginIdempotent("someone-else", "k", "fp", Date.now()))).toMatch(
			/another tenant/,
		);
	});
});

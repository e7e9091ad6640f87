import { env, evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { tenantObject } from "../../durable-objects";
import { uniqueTenant } from "./helpers";

/** The first layout's tables, as a TenantObject stored them before its rows were made cheaper. */
const FIRST_LAYOUT = `
CREATE TABLE idempotency (
	key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, state TEXT NOT NULL,
	expires_at INTEGER NOT NULL, response TEXT);
CREATE INDEX idempotency_expiry ON idempotency (expires_at);
CREATE TABLE slots (
	run_id TEXT PRIMARY KEY, state TEXT NOT NULL, seq INTEGER NOT NULL, since INTEGER NOT NULL);
CREATE INDEX slots_order ON slots (state, seq);
CREATE TABLE notifications (
	id INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT NOT NULL UNIQUE,
	attempts INTEGER NOT NULL, due_at INTEGER NOT NULL);
`;

describe("TenantObject: storage from the first layout", () => {
	it("keeps keys, slots, the queue's order and pending notifications", async () => {
		const id = uniqueTenant("layout");
		const stub = tenantObject(env, id);
		expect(await stub.getSettings(id)).toEqual({
			maxConcurrentRuns: 5,
			errorWorkflow: null,
			maxRunDepth: 10,
		});
		const now = Date.now();
		await runInDurableObject(stub, (_, state) => {
			const sql = state.storage.sql;
			sql.exec(FIRST_LAYOUT);
			sql.exec(
				`INSERT INTO idempotency VALUES ('k1', 'fp', 'done', ?, ?), ('k2', 'fp', 'in_flight', ?, NULL)`,
				now + 60_000,
				JSON.stringify({ status: 202, body: { id: "run_a" }, headers: {} }),
				now + 60_000,
			);
			const slots: [string, string, number][] = [
				["run_a", "in_progress", 1],
				["run_b", "in_progress", 2],
				["run_d", "queued", 4],
				["run_c", "queued", 3],
			];
			for (const [runId, slotState, seq] of slots) {
				sql.exec("INSERT INTO slots VALUES (?, ?, ?, ?)", runId, slotState, seq, now);
			}
			sql.exec("INSERT INTO notifications (run_id, attempts, due_at) VALUES ('run_b', 2, ?)", now);
		});
		await evictDurableObject(stub);

		expect(await stub.stats(id)).toEqual({
			inProgress: ["run_a", "run_b"],
			queued: ["run_c", "run_d"],
			pendingNotifications: ["run_b"],
		});
		expect(await stub.beginIdempotent(id, "k1", "fp", now)).toMatchObject({
			kind: "replay",
			status: 202,
			body: { id: "run_a" },
		});
		expect(await stub.beginIdempotent(id, "k2", "fp", now)).toEqual({ kind: "in_flight" });
		expect(await stub.acquireSlot(id, "run_e", now)).toEqual({ kind: "queued", position: 3 });
		const tables = await runInDurableObject(stub, (_, state) =>
			state.storage.sql
				.exec<{ name: string }>(
					"SELECT name FROM sqlite_master WHERE name IN ('idempotency', 'slots', 'notifications')",
				)
				.toArray(),
		);
		expect(tables).toEqual([]);
	});
});

import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { newRunId, type RunObject, runObjectName } from "../../durable-objects";
import { RunStore } from "../../durable-objects/run/run-store";
import type { RunMeta } from "../../engine/control";
import { chain, condition, webhook } from "../../engine/run/test/defs";
import { Driver } from "../../engine/run/test/driver";

/** trigger → each (forEach over 30 items, 4 at a time, the 3rd item fails once) → done. */
const forEachRun = {
	identifier: "store_each",
	title: "store_each",
	nodes: [
		{ identifier: "trigger", config: { type: "SELF_SERVE_TRIGGER" } },
		{
			identifier: "each",
			config: { type: "WEBHOOK", url: "https://example.com/hook", method: "POST" },
			forEach: { items: "[range(30)]", concurrency: 4 },
			retry: { maxAttempts: 2, backoff: "constant", initialDelay: "1s" },
		},
		{
			identifier: "done",
			config: { type: "CONDITION", options: [{ identifier: "yes", expression: "true" }] },
		},
	],
	connections: [
		{ identifier: "c1", sourceIdentifier: "trigger", targetIdentifier: "each" },
		{ identifier: "c2", sourceIdentifier: "each", targetIdentifier: "done" },
	],
};

/** Some run object's storage, used directly (the object itself is never started). */
const freshStorage = <T>(use: (storage: DurableObjectStorage) => T) =>
	runInDurableObject(
		env.RUN_OBJECT.get(env.RUN_OBJECT.idFromName(runObjectName("acme", newRunId()))),
		(_: RunObject, state) => use(state.storage),
	);

const runTables = (storage: DurableObjectStorage) =>
	storage.sql
		.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE name = 'run'")
		.toArray()
		.map((t) => t.name);

/** The storage, with its SQL adding up the rows each statement wrote (as Durable Objects bill them). */
function countingRows(storage: DurableObjectStorage) {
	const cursors: SqlStorageCursor<Record<string, SqlStorageValue>>[] = [];
	const sql = new Proxy(storage.sql, {
		get(target, prop) {
			if (prop !== "exec") return Reflect.get(target, prop);
			return (query: string, ...bindings: SqlStorageValue[]) => {
				const cursor = target.exec(query, ...bindings);
				cursors.push(cursor);
				return cursor;
			};
		},
	});
	return {
		storage: { sql } as unknown as DurableObjectStorage,
		rowsWritten: () => cursors.reduce((sum, c) => sum + c.rowsWritten, 0),
	};
}

const creationRecord = { runId: "run_created", tenantId: "acme" } as unknown as RunMeta;

describe("RunStore", () => {
	it("stores a new run's tables and creation record with its first write, and nothing before", async () => {
		await freshStorage((storage) => {
			const store = new RunStore(storage);
			store.stageCreation(creationRecord);
			expect(store.runMeta()).toEqual(creationRecord);
			expect(store.historyAfter(0, 10)).toEqual([]);
			expect(runTables(storage)).toEqual([]);
			const [started] = new Driver(forEachRun).start().transitions;
			if (!started) throw new Error("no start transition");
			storage.transactionSync(() => store.persist(started, {}, {}));
			const reopened = new RunStore(storage);
			expect(reopened.runMeta()).toEqual(creationRecord);
			expect(reopened.load().state).toEqual(started.state);
		});
	});

	it("writes a 10-node condition run as three rows (its table and one log row holding the creation record), and a WEBHOOK run one more per call", async () => {
		const conditions = chain(
			...Array.from({ length: 10 }, (_, i) => condition(`c${i}`, [["yes", ".inputs.n >= 0"]])),
		);
		const webhooks = chain(...Array.from({ length: 10 }, (_, i) => webhook(`w${i}`)));
		for (const [definition, rows] of [
			[conditions, 3],
			[webhooks, 2 + 11],
		] as const) {
			await freshStorage((storage) => {
				const counting = countingRows(storage);
				const store = new RunStore(counting.storage);
				store.stageCreation(creationRecord);
				const driver = new Driver(definition, { inputs: { n: 1 } }).start().runToEnd();
				expect(driver.state?.header.result).toBe("SUCCESS");
				for (const t of driver.transitions)
					storage.transactionSync(() =>
						store.persist(t, { admission: "changed" }, { admission: "changed" }),
					);
				expect(counting.rowsWritten()).toBe(rows);
				const reopened = new RunStore(storage);
				expect(reopened.runMeta()).toEqual(creationRecord);
				expect(reopened.load().state).toEqual(JSON.parse(JSON.stringify(driver.state)));
				expect(reopened.historyAfter(0, 10_000)).toEqual(
					JSON.parse(JSON.stringify(driver.history)),
				);
			});
		}
	});

	it("stores the creation record in a row of its own when the first write is not a transition (a queued run)", async () => {
		await freshStorage((storage) => {
			const store = new RunStore(storage);
			store.stageCreation(creationRecord);
			storage.transactionSync(() => store.putControl("outbox", "queued entry"));
			const reopened = new RunStore(storage);
			expect(reopened.runMeta()).toEqual(creationRecord);
			expect(reopened.load().controls).toEqual({ outbox: "queued entry" });
		});
	});

	it("keeps the creation record for the next write when the first one is rolled back", async () => {
		await freshStorage((storage) => {
			const store = new RunStore(storage);
			store.stageCreation(creationRecord);
			const [started] = new Driver(forEachRun).start().transitions;
			if (!started) throw new Error("no start transition");
			expect(() =>
				storage.transactionSync(() => {
					store.persist(started, {}, {});
					throw new Error("the transaction fails after the writes");
				}),
			).toThrow(/fails/);
			store.forgetPosition();
			expect(runTables(storage)).toEqual([]);
			expect(new RunStore(storage).runMeta()).toBeNull();
			storage.transactionSync(() => store.persist(started, {}, {}));
			expect(new RunStore(storage).runMeta()).toEqual(creationRecord);
		});
	});

	it("rebuilds the exact state and history from storage after every transition, across snapshots", async () => {
		await freshStorage((storage) => {
			// Tiny thresholds: snapshots every few transitions, each in several rows, and the
			// largest transitions (the start, the forEach's end) kept in a snapshot, not logged.
			const policy = {
				minReplayBytes: 4_000,
				maxReplayRows: 5,
				chunkChars: 1_500,
				maxLoggedChangeChars: 2_000,
			};
			const store = new RunStore(storage, policy);
			const driver = new Driver(forEachRun, {
				script: { "each#2": [{ status: 503 }, { status: 200, body: { ok: true } }] },
			}).start();
			let persisted = 0;
			const snapshotRows = new Set<number>();
			const check = () => {
				for (const t of driver.transitions.slice(persisted)) {
					if (t.ignored !== null) continue;
					// A control value that changes with every transition rides in its log row.
					const admission = `after v${t.state.header.version}`;
					storage.transactionSync(() => store.persist(t, { admission }, { admission }));
				}
				persisted = driver.transitions.length;
				// A new store reads storage only, like the object after an eviction.
				const loaded = new RunStore(storage, policy).load();
				expect(loaded.state).toEqual(JSON.parse(JSON.stringify(driver.state)));
				expect(loaded.controls.admission).toBe(`after v${driver.state?.header.version}`);
				snapshotRows.add(
					storage.sql
						.exec<{ n: number }>("SELECT count(*) AS n FROM run WHERE key LIKE 'snapshot.%'")
						.one().n,
				);
			};
			check();
			while (driver.state?.header.status !== "COMPLETED" && driver.step()) check();
			expect(driver.state?.header.result).toBe("SUCCESS");
			// The run really went through several multi-row snapshots.
			expect(Math.max(...snapshotRows)).toBeGreaterThan(1);
			const unlogged = storage.sql
				.exec<{ n: number }>(
					"SELECT count(*) AS n FROM run WHERE key = 'log' AND value LIKE '%inSnapshot%'",
				)
				.one().n;
			expect(unlogged).toBeGreaterThan(0);

			const all = store.historyAfter(0, 100_000);
			expect(all).toEqual(JSON.parse(JSON.stringify(driver.history)));
			expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
			// Pages from any point continue exactly where asked.
			for (const after of [0, 1, 7, 40, all.length - 3]) {
				expect(store.historyAfter(after, 10)).toEqual(all.slice(after, after + 10));
			}
			expect(store.historyAfter(all.length, 10)).toEqual([]);
		});
	});

	it("prefers a control value written after a transition over the one in its log row", async () => {
		await freshStorage((storage) => {
			const store = new RunStore(storage);
			const driver = new Driver(forEachRun).start();
			const [started] = driver.transitions;
			if (!started) throw new Error("no start transition");
			storage.transactionSync(() =>
				store.persist(started, { admission: "granted" }, { admission: "granted" }),
			);
			store.putControl("admission", "released");
			expect(new RunStore(storage).load().controls.admission).toBe("released");
		});
	});

	it("pages past transitions that wrote no events", async () => {
		await freshStorage((storage) => {
			const store = new RunStore(storage);
			store.putMeta("any", true); // any write creates the table
			const log = (firstSeq: number, version: number, seqs: number[]) =>
				storage.sql.exec(
					"INSERT INTO run (key, seq, version, events, value) VALUES ('log', ?, ?, ?, '{}')",
					firstSeq,
					version,
					JSON.stringify(seqs.map((seq) => ({ seq }))),
				);
			log(1, 1, [1]);
			log(2, 2, []);
			log(2, 3, []);
			log(2, 4, [2]);
			log(3, 5, [3]);
			const seqs = (after: number, limit: number) =>
				store.historyAfter(after, limit).map((e) => e.seq);
			expect(seqs(0, 2)).toEqual([1, 2]);
			expect(seqs(1, 2)).toEqual([2, 3]);
			expect(seqs(0, 10)).toEqual([1, 2, 3]);
		});
	});

	it("refuses storage in an earlier layout instead of misreading it", async () => {
		for (const table of ["meta", "run_log"])
			await freshStorage((storage) => {
				storage.sql.exec(`CREATE TABLE ${table} (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
				expect(() => new RunStore(storage)).toThrow(new RegExp(`earlier layout \\(${table}\\)`));
			});
	});
});

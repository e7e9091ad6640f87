// What the bench driver does to each system: start a batch and wait for all of it, run one
// instance and time it, read the counters. Completion is polled the same way for both sides
// (a cheap list/status read every POLL_MS), so polling costs both the same order of CPU.
import { randomUUID } from "node:crypto";
import { apiRequest } from "../../test/support/api-request";

const POLL_MS = 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class BenchClient {
	constructor(
		readonly base: string,
		readonly token: string,
	) {}

	/**
	 * Requests that local wrangler answered 503 "restarted mid-request" and were sent again. Its
	 * dev proxy sometimes drops a request on a kept-alive connection to workerd that workerd
	 * closed (workers-sdk#14641: the Worker never restarted). Only requests safe to repeat are
	 * retried: reads, the read-only status poll, PUTs (a definition PUT again stores nothing
	 * new), and POSTs with an Idempotency-Key, which the
	 * product answers once (a retry that finds the first attempt still running gets 409 and
	 * waits; one that finds it done gets its answer replayed).
	 */
	restartedRequests = 0;

	async json<T>(
		method: string,
		path: string,
		body?: unknown,
		headers: Record<string, string> = {},
		opts: { readOnly?: boolean } = {},
	) {
		const keyed = "idempotency-key" in headers;
		const repeatable = method === "GET" || method === "PUT" || opts.readOnly === true || keyed;
		for (let attempt = 0; ; attempt++) {
			const res = await apiRequest(this.base, this.token, method, path, body, headers);
			const text = await res.text();
			const dropped = res.status === 503 && text.includes("restarted mid-request");
			const stillRunning = res.status === 409 && keyed && attempt > 0;
			if (repeatable && attempt < 10 && (dropped || stillRunning)) {
				if (dropped) this.restartedRequests++;
				await sleep(200);
				continue;
			}
			if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
			return JSON.parse(text) as T;
		}
	}

	startRun(workflow: string, n: number) {
		return this.json<{ id: string; status: string; result: string | null }>(
			"POST",
			`/v1/workflows/${workflow}/runs`,
			{ inputs: { n } },
			{ "idempotency-key": randomUUID() },
		);
	}

	/** Starts `runs` runs with one POST each (at most `parallel` in flight), then waits for them. */
	async steplineEach(workflow: string, runs: number, parallel = 20): Promise<void> {
		await this.startEach(workflow, runs, parallel);
		await this.waitCompleted(workflow, runs);
	}

	/** Starts `runs` runs with one keyed POST each, at most `parallel` in flight. */
	async startEach(workflow: string, runs: number, parallel = 20): Promise<void> {
		for (let i = 0; i < runs; i += parallel) {
			await Promise.all(
				Array.from({ length: Math.min(parallel, runs - i) }, (_, j) =>
					this.startRun(workflow, i + j),
				),
			);
		}
	}

	/**
	 * Starts `runs` runs through `POST …/runs/batch`, 100 per request one request after the
	 * other (as the peer's createBatch calls go), then waits for them.
	 */
	async steplineBatched(workflow: string, runs: number): Promise<void> {
		for (let i = 0; i < runs; i += 100) {
			const items = Array.from({ length: Math.min(100, runs - i) }, (_, j) => ({
				inputs: { n: i + j },
			}));
			await this.json(
				"POST",
				`/v1/workflows/${workflow}/runs/batch`,
				{ runs: items },
				{ "idempotency-key": randomUUID() },
			);
		}
		await this.waitCompleted(workflow, runs);
	}

	/** Polls the index until `runs` runs of `workflow` are COMPLETED; throws if any failed. */
	private async waitCompleted(workflow: string, runs: number): Promise<void> {
		for (;;) {
			let done = 0;
			let failed = 0;
			let example = "";
			let cursor: string | null = null;
			do {
				const c: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
				const page: { data: { id: string; result: string }[]; nextCursor: string | null } =
					await this.json(
						"GET",
						`/v1/workflows/runs?workflowIdentifiers=${workflow}&status=COMPLETED&limit=100${c}`,
					);
				done += page.data.length;
				const bad = page.data.filter((r) => r.result !== "SUCCESS");
				failed += bad.length;
				if (bad[0]) example = bad[0].id;
				cursor = page.nextCursor;
			} while (cursor);
			if (failed > 0) {
				const run = await this.json<{ error: unknown }>("GET", `/v1/workflows/runs/${example}`);
				throw new Error(`${failed} runs of ${workflow} failed, e.g. ${JSON.stringify(run.error)}`);
			}
			if (done >= runs) return;
			await sleep(POLL_MS);
		}
	}

	/** Which of `ids` (Workflows instances) are still running: a read, so safe to repeat. */
	pending(ids: string[]): Promise<{ pending: string[]; errored: string[] }> {
		return this.json("POST", "/__bench/wf/pending", { ids }, {}, { readOnly: true });
	}

	async peerBatch(count: number, steps: number, url?: string): Promise<void> {
		let { ids } = await this.json<{ ids: string[] }>("POST", "/__bench/wf/create", {
			count,
			steps,
			url,
		});
		for (;;) {
			const { pending, errored } = await this.pending(ids);
			if (errored.length > 0) throw new Error(`${errored.length} Workflows instances errored`);
			if (pending.length === 0) return;
			ids = pending;
			await sleep(POLL_MS);
		}
	}

	raw(runs: number, steps: number, url?: string): Promise<unknown> {
		return this.json("POST", "/__bench/raw", { runs, steps, url, round: randomUUID() });
	}

	/** POST …/runs to COMPLETED for one run, polling its object every 5 ms. */
	async steplineOne(workflow: string): Promise<number> {
		const t0 = performance.now();
		let run = await this.startRun(workflow, 1);
		while (run.status !== "COMPLETED") {
			await sleep(5);
			run = await this.json("GET", `/v1/workflows/runs/${run.id}`);
		}
		if (run.result !== "SUCCESS") throw new Error(`run ${run.id} ended ${run.result}`);
		return performance.now() - t0;
	}

	/** create → complete for one Workflows instance, polling its status every 5 ms. */
	async peerOne(steps: number, url?: string): Promise<number> {
		const t0 = performance.now();
		let { ids } = await this.json<{ ids: string[] }>("POST", "/__bench/wf/create", {
			count: 1,
			steps,
			url,
		});
		for (;;) {
			const { pending } = await this.pending(ids);
			if (pending.length === 0) return performance.now() - t0;
			ids = pending;
			await sleep(5);
		}
	}

	/** Turns the bench Worker's counting wrappers on or off (bench/worker/counters.ts). */
	setCounting(on: boolean) {
		return this.json<{ on: boolean }>("PUT", "/__bench/counting", { on });
	}

	counters() {
		return this.json<Counters>("GET", "/__bench/counters");
	}
}

export interface Counters {
	d1Queries: number;
	d1WriteStatements: number;
	d1RowsWritten: number;
	doRowsWritten: Record<string, number>;
	doSqlStatements: Record<string, number>;
	doRequests: Record<string, number>;
	/** Absent from counters read before 2026-12-07. */
	doAlarmWrites?: Record<string, number>;
	/** Absent from counters read before 2026-12-08 (these three). */
	doActiveMs?: Record<string, number>;
	doStoredBytes?: Record<string, number>;
	d1SizeAfter?: number;
	fetches: number;
}

// What the bench driver does to each system: start a batch and wait for all of it, run one
// instance and time it, read the counters. Completion is polled the same way for both sides
// (a cheap list/status read every POLL_MS), so polling costs both the same order of CPU.
import { randomUUID } from "node:crypto";

const POLL_MS = 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class BenchClient {
	constructor(
		readonly base: string,
		readonly token: string,
	) {}

	async json<T>(
		method: string,
		path: string,
		body?: unknown,
		headers: Record<string, string> = {},
	) {
		const res = await fetch(`${this.base}${path}`, {
			method,
			headers: {
				authorization: `Bearer ${this.token}`,
				"content-type": "application/json",
				...headers,
			},
			...(body === undefined ? {} : { body: JSON.stringify(body) }),
		});
		const text = await res.text();
		if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
		return JSON.parse(text) as T;
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
		for (let i = 0; i < runs; i += parallel) {
			await Promise.all(
				Array.from({ length: Math.min(parallel, runs - i) }, (_, j) =>
					this.startRun(workflow, i + j),
				),
			);
		}
		await this.waitCompleted(workflow, runs);
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

	/** Status reads the local runtime answered with "restarted mid-request" (retried, reported). */
	restartedReads = 0;

	/** A read-only status poll; local wrangler sometimes answers 503 "restarted mid-request". */
	async pending(ids: string[]): Promise<{ pending: string[]; errored: string[] }> {
		for (let attempt = 0; ; attempt++) {
			try {
				return await this.json("POST", "/__bench/wf/pending", { ids });
			} catch (err) {
				if (attempt >= 5 || !String(err).includes("restarted mid-request")) throw err;
				this.restartedReads++;
				await sleep(200);
			}
		}
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
	fetches: number;
}

// A small client for the runs API that survives a server that is down or restarting: every
// call is retried until it answers or its deadline passes (starts keep their Idempotency-Key,
// so a retried start can never make a second run).
import { apiRequest } from "../support/api-request";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface RunSummary {
	id: string;
	status: string;
	result: string | null;
	workflow: { identifier: string };
}

export interface AttemptView {
	number: number;
	error: { code: string } | null;
}
export interface NodeRunView {
	node: string;
	status: string;
	result: string | null;
	attempts: AttemptView[];
	children?: { runId: string; item: number | null; attempt: number }[];
	output?: unknown;
}
export interface RunView extends RunSummary {
	nodeRuns: NodeRunView[];
	parent?: { runId: string; node: string } | null;
}
export interface HistoryEvent {
	seq: number;
	type: string;
	node: string | null;
	item: number | null;
	detail: string;
}

export class Api {
	constructor(
		readonly baseUrl: string,
		readonly token: string,
	) {}

	/** One request, retried on network errors, 409 (key in flight) and 5xx until deadlineMs. */
	async call<T>(
		method: string,
		path: string,
		body?: unknown,
		headers: Record<string, string> = {},
		deadlineMs = 120_000,
	) {
		const deadline = Date.now() + deadlineMs;
		let last = "";
		while (Date.now() < deadline) {
			try {
				const res = await apiRequest(this.baseUrl, this.token, method, path, body, headers, {
					signal: AbortSignal.timeout(15_000),
				});
				const text = await res.text();
				if (res.ok) return (text ? JSON.parse(text) : null) as T;
				last = `${res.status} ${text.slice(0, 300)}`;
				if (res.status !== 409 && res.status < 500) throw new Error(`${method} ${path}: ${last}`);
			} catch (err) {
				if (String(err).includes(`${method} ${path}:`)) throw err;
				last = String(err);
			}
			await sleep(500);
		}
		throw new Error(`${method} ${path}: no answer before the deadline (last: ${last})`);
	}

	createWorkflow(definition: unknown) {
		return this.call("POST", "/v1/workflows", definition);
	}

	setMaxConcurrentRuns(max: number) {
		return this.call("PATCH", "/v1/tenant/settings", { maxConcurrentRuns: max });
	}

	startRun(workflow: string, inputs: unknown, key: string) {
		return this.call<RunSummary>(
			"POST",
			`/v1/workflows/${workflow}/runs`,
			{ inputs },
			{
				"idempotency-key": key,
			},
		);
	}

	getRun(id: string) {
		return this.call<RunView>("GET", `/v1/workflows/runs/${id}`);
	}

	async events(id: string): Promise<HistoryEvent[]> {
		const all: HistoryEvent[] = [];
		for (let after = 0; ; ) {
			const page = await this.call<{ data: HistoryEvent[]; nextAfter: number | null }>(
				"GET",
				`/v1/workflows/runs/${id}/events?after=${after}&limit=1000`,
			);
			all.push(...page.data);
			if (page.nextAfter === null || page.data.length === 0) return all;
			after = page.nextAfter;
		}
	}

	/** Every index row matching the query, following cursors. */
	async listRuns(query = ""): Promise<RunSummary[]> {
		const all: RunSummary[] = [];
		let cursor: string | null = null;
		do {
			const c: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
			const page: { data: RunSummary[]; nextCursor: string | null } = await this.call(
				"GET",
				`/v1/workflows/runs?limit=100${query ? `&${query}` : ""}${c}`,
			);
			all.push(...page.data);
			cursor = page.nextCursor;
		} while (cursor);
		return all;
	}

	/** Runs the cron sweeper now (wrangler dev --test-scheduled). */
	async sweep(): Promise<void> {
		await fetch(`${this.baseUrl}/__scheduled?cron=*+*+*+*+*`).catch(() => undefined);
	}
}

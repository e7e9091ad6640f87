// Scale figures (issue 7 "Scale"): listing runs over a large seeded index, and reading a run
// with a long history, first page against a deep page. Stepline only: the peers have no
// equivalent API to compare with, so these report absolute times and flatness ratios.
import { randomUUID } from "node:crypto";
import type { BenchClient } from "./lib/client";
import { median } from "./lib/stats";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function timeGet(client: BenchClient, path: string, times: number): Promise<number> {
	const samples: number[] = [];
	for (let i = 0; i < times; i++) {
		const t0 = performance.now();
		await client.json("GET", path);
		samples.push(performance.now() - t0);
	}
	return median(samples);
}

/** Seeds `rows` index rows in chunks, then times filtered and unfiltered listings. */
export async function indexScale(client: BenchClient, tenant: string, rows: number) {
	const t0 = performance.now();
	const chunk = 100_000;
	for (let from = 0; from < rows; from += chunk) {
		await client.json("POST", "/__bench/seed", {
			tenant,
			from,
			rows: Math.min(chunk, rows - from),
		});
	}
	const seedSeconds = (performance.now() - t0) / 1000;
	const list = "/v1/workflows/runs?limit=20";
	const filtered = `${list}&workflowIdentifiers=seed_7&status=COMPLETED`;
	// A filter that matches nothing still answers 200, so check the seeded names are the ones
	// filtered on: an empty page would time a search, not a listing.
	const page = await client.json<{ data: unknown[] }>("GET", filtered);
	if (page.data.length !== 20)
		throw new Error(`seeded index: ${filtered} found ${page.data.length}`);
	return {
		rows,
		seedSeconds,
		filteredP50Ms: await timeGet(client, filtered, 20),
		unfilteredP50Ms: await timeGet(client, list, 20),
		statusOnlyP50Ms: await timeGet(client, `${list}&status=IN_PROGRESS`, 20),
		workflowOnlyP50Ms: await timeGet(client, `${list}&workflowIdentifiers=seed_7`, 20),
	};
}

/**
 * One run whose history holds ~10,000 events (forEach WEBHOOK nodes over 1,000 items each),
 * then the first events page against a page deep in the history, and the full run read.
 */
export async function historyScale(client: BenchClient, url: string, nodes = 4) {
	const workflow = `history_${randomUUID().slice(0, 8)}`;
	const list: unknown[] = [{ identifier: "trigger", config: { type: "SELF_SERVE_TRIGGER" } }];
	const connections: unknown[] = [];
	for (let i = 1; i <= nodes; i++) {
		list.push({
			identifier: `each${i}`,
			config: { type: "WEBHOOK", url, method: "POST", body: { i: "{{ .item }}" } },
			forEach: { items: "[range(1000)]", concurrency: 50 },
		});
		connections.push({
			identifier: `c${i}`,
			sourceIdentifier: i === 1 ? "trigger" : `each${i - 1}`,
			targetIdentifier: `each${i}`,
		});
	}
	await client.json("POST", "/v1/workflows", {
		identifier: workflow,
		title: workflow,
		nodes: list,
		connections,
	});
	const t0 = performance.now();
	const run = await client.startRun(workflow, 1);
	let status = run.status;
	while (status !== "COMPLETED") {
		await sleep(500);
		status = (await client.json<{ status: string }>("GET", `/v1/workflows/runs/${run.id}`)).status;
	}
	const runSeconds = (performance.now() - t0) / 1000;
	const page = await client.json<{ lastEventSeq: number }>(
		"GET",
		`/v1/workflows/runs/${run.id}/events?limit=1`,
	);
	const events = `/v1/workflows/runs/${run.id}/events?limit=100`;
	const first = await timeGet(client, `${events}&after=0`, 20);
	const deep = await timeGet(client, `${events}&after=${Math.max(0, page.lastEventSeq - 150)}`, 20);
	return {
		events: page.lastEventSeq,
		runSeconds,
		firstPageP50Ms: first,
		deepPageP50Ms: deep,
		deepOverFirst: deep / first,
		fullReadP50Ms: await timeGet(client, `/v1/workflows/runs/${run.id}`, 5),
	};
}

// Scale figures (bench/README.md#goals-met-and-missed): listing runs over a large seeded index,
// and reading a run with a long history, first page against a deep page. Stepline only: the peers have no
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

interface ListPage {
	data: unknown[];
	nextCursor: string | null;
}

/** D1 rows read by one listing request (the counters are the bench isolate's own). */
async function rowsRead(client: BenchClient, path: string): Promise<number> {
	const before = await client.json<{ d1RowsRead: number }>("GET", "/__bench/counters");
	await client.json("GET", path);
	const after = await client.json<{ d1RowsRead: number }>("GET", "/__bench/counters");
	return after.d1RowsRead - before.d1RowsRead;
}

/** Follows nextCursor to the end: how many requests, how long and how many rows read for every match. */
async function walk(client: BenchClient, path: string) {
	const counters = () => client.json<{ d1RowsRead: number }>("GET", "/__bench/counters");
	const before = await counters();
	const t0 = performance.now();
	let pages = 0;
	let found = 0;
	let cursor: string | null = null;
	do {
		const page: ListPage = await client.json(
			"GET",
			`${path}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
		);
		pages++;
		found += page.data.length;
		cursor = page.nextCursor;
	} while (cursor);
	const totalMs = performance.now() - t0;
	return { pages, found, totalMs, rowsRead: (await counters()).d1RowsRead - before.d1RowsRead };
}

/**
 * Seeds `rows` index rows in chunks, then times filtered and unfiltered listings, and the
 * filters that match nothing (an initiator no run has, a member who may see no run): those
 * examine the most rows per page. `member` is a member of the same tenant who initiated none
 * of the seeded runs (all private).
 */
export async function indexScale(
	client: BenchClient,
	tenant: string,
	rows: number,
	member: BenchClient,
) {
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
	const page = await client.json<ListPage>("GET", filtered);
	if (page.data.length !== 20)
		throw new Error(`seeded index: ${filtered} found ${page.data.length}`);
	const listings = {
		filtered: [client, filtered],
		unfiltered: [client, list],
		statusOnly: [client, `${list}&status=IN_PROGRESS`],
		workflowOnly: [client, `${list}&workflowIdentifiers=seed_7`],
		// Seeded initiators are user_0..user_99; seed_7 runs (x % 50 = 7) are never IN_PROGRESS
		// (x % 10 = 0), so this one reads the unfinished-status range and finds none.
		initiatorOnePercent: [client, `${list}&initiatedBy=user_7`],
		initiatorNobody: [client, `${list}&initiatedBy=nobody`],
		memberSeesNothing: [member, list],
		workflowInProgressNobody: [client, `${list}&workflowIdentifiers=seed_7&status=IN_PROGRESS`],
	} as const;
	const timings: Record<string, { p50Ms: number; rowsRead: number }> = {};
	for (const [name, [caller, path]] of Object.entries(listings))
		timings[name] = {
			p50Ms: await timeGet(caller, path, 20),
			rowsRead: await rowsRead(caller, path),
		};
	return {
		rows,
		seedSeconds,
		filteredP50Ms: timings.filtered?.p50Ms,
		unfilteredP50Ms: timings.unfiltered?.p50Ms,
		statusOnlyP50Ms: timings.statusOnly?.p50Ms,
		workflowOnlyP50Ms: timings.workflowOnly?.p50Ms,
		listings: timings,
		// Every page of a filter that matches nothing, to the end of the tenant.
		initiatorNobodyWalk: await walk(client, listings.initiatorNobody[1]),
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

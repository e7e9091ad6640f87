import { SELF } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { BASE } from "./helpers";
import { hook } from "./run-helpers";
import { tenantWithWorkflow } from "./runs-helpers";

type Caller = Awaited<ReturnType<typeof tenantWithWorkflow>>["alice"];

/** trigger → each: a WEBHOOK forEach over 80 items, each answered by `url`. */
const fanOut = (identifier: string, url: string) => ({
	identifier,
	title: identifier,
	nodes: [
		{ identifier: "trigger", config: { type: "SELF_SERVE_TRIGGER" } },
		{
			identifier: "each",
			config: { type: "WEBHOOK", url, method: "POST" },
			forEach: { items: "[range(80)]", concurrency: 8 },
		},
	],
	connections: [{ identifier: "c1", sourceIdentifier: "trigger", targetIdentifier: "each" }],
});

async function ended(caller: Caller, id: string) {
	return vi.waitFor(
		async () => {
			const read = await caller.call(`/v1/workflows/runs/${id}`);
			if (read.status !== 200) throw new Error(`read answered ${read.status}`);
			if (read.body.status !== "COMPLETED") throw new Error(read.body.status);
			return read.body;
		},
		{ timeout: 60_000, interval: 100 },
	);
}

async function stream(caller: Caller, runId: string) {
	const res = await SELF.fetch(`${BASE}/v1/workflows/runs/${runId}/stream`, {
		headers: { authorization: `Bearer ${caller.token}` },
	});
	return { status: res.status, text: res.status === 200 ? await res.text() : "" };
}

/** Every page of the forEach node's items, as the items route gives them. */
async function allItems(caller: Caller, runId: string) {
	const items: { index: number; result: string | null }[] = [];
	let after: number | null = -1;
	while (after !== null) {
		const query: string = after < 0 ? "limit=30" : `limit=30&after=${after}`;
		const page = await caller.call(`/v1/workflows/runs/${runId}/nodes/each/items?${query}`);
		expect(page.status).toBe(200);
		items.push(...page.body.data);
		after = page.body.nextAfter;
	}
	return items;
}

describe("a run is bounded and always readable", () => {
	it("80 answers of 500 KB each: the run ends output_too_large, then reads, pages, streams, cancels and retries; another member gets 404", async () => {
		const big = await hook([{ body: { blob: "x".repeat(500_000) } }]);
		const { alice, bob, identifier } = await tenantWithWorkflow(fanOut("fan_out", big.url));
		const started = await alice.call(`/v1/workflows/${identifier}/runs`, {
			method: "POST",
			body: {},
		});
		expect(started.status).toBe(202);
		const runId = started.body.id as string;

		const run = await ended(alice, runId);
		expect(run.result).toBe("FAILED");
		expect(run.error.code).toBe("output_too_large");
		const each = run.nodeRuns.find((n: { node: string }) => n.node === "each");
		expect(each).toMatchObject({ result: "FAILED", itemCount: 80, itemsNextAfter: 19 });
		expect(each.items).toHaveLength(20);
		// Each attempt keeps an excerpt of the answer, never the answer.
		// The item whose answer came first failed the node; the others were cut off.
		const answered = each.items.find(
			(i: { error: { code: string } | null }) => i.error?.code === "output_too_large",
		);
		expect(answered.attempts[0].response.bodyBytes).toBeGreaterThan(500_000);
		expect(answered.attempts[0].response.body.length).toBeLessThanOrEqual(4096);
		expect(JSON.stringify(run).length).toBeLessThan(1024 * 1024);

		const items = await allItems(alice, runId);
		expect(items.map((i) => i.index)).toEqual([...Array(80).keys()]);
		expect(items.every((i) => i.result !== null)).toBe(true);
		const attempts = await alice.call(
			`/v1/workflows/runs/${runId}/nodes/each/attempts?item=${answered.index}`,
		);
		expect(attempts.status).toBe(200);
		expect(attempts.body).toMatchObject({ total: 1, nextAfter: null });

		const firstEvents = await alice.call(`/v1/workflows/runs/${runId}/events?limit=5`);
		expect(firstEvents.status).toBe(200);
		expect(firstEvents.body.data).toHaveLength(5);
		const nextEvents = await alice.call(
			`/v1/workflows/runs/${runId}/events?after=${firstEvents.body.nextAfter}`,
		);
		expect(nextEvents.body.data[0].seq).toBe(6);
		const streamed = await stream(alice, runId);
		expect(streamed.status).toBe(200);
		expect(streamed.text).toContain("event: end");

		expect(
			(await alice.call(`/v1/workflows/runs/${runId}/cancel`, { method: "POST" })).status,
		).toBe(409);
		const retried = await alice.call(`/v1/workflows/runs/${runId}/retry`, {
			method: "POST",
			body: {},
		});
		expect(retried.status).toBe(202);
		expect((await ended(alice, retried.body.id)).error.code).toBe("output_too_large");

		// Bob may not see Alice's run (its workflow does not share runs): 404 everywhere.
		const paths = [
			`/v1/workflows/runs/${runId}`,
			`/v1/workflows/${identifier}/runs/${runId}`,
			`/v1/workflows/runs/${runId}/events`,
			`/v1/workflows/runs/${runId}/nodes/each/items`,
			`/v1/workflows/runs/${runId}/nodes/each/attempts?item=0`,
		];
		for (const path of paths) expect((await bob.call(path)).status, path).toBe(404);
		for (const action of ["cancel", "retry"])
			expect(
				(await bob.call(`/v1/workflows/runs/${runId}/${action}`, { method: "POST", body: {} }))
					.status,
				action,
			).toBe(404);
		expect((await stream(bob, runId)).status).toBe(404);
	}, 120_000);

	it("answers of 250 KB each, under the node cap: the run fails run_too_large once it has stored 16 MiB, and stays readable", async () => {
		const large = await hook([{ body: { blob: "y".repeat(250_000) } }]);
		const { alice, identifier } = await tenantWithWorkflow(fanOut("fills_up", large.url));
		const started = await alice.call(`/v1/workflows/${identifier}/runs`, {
			method: "POST",
			body: {},
		});
		const runId = started.body.id as string;
		const run = await ended(alice, runId);
		expect(run.result).toBe("FAILED");
		expect(run.error.code).toBe("run_too_large");
		const items = await allItems(alice, runId);
		const succeeded = items.filter((i) => i.result === "SUCCESS").length;
		// Stopped part-way: items kept their outputs until the run's storage passed the cap.
		expect(succeeded).toBeGreaterThan(10);
		expect(succeeded).toBeLessThan(80);
		const history = await alice.call(`/v1/workflows/runs/${runId}/events?limit=1000`);
		expect(history.status).toBe(200);
		expect(history.body.data.at(-1).type).toBe("run_failed");
	}, 120_000);

	it("a missing node of a visible run is a 404, and a bad cursor a 422", async () => {
		const small = await hook([{ body: { ok: true } }]);
		const { alice, identifier } = await tenantWithWorkflow(fanOut("small_fan", small.url));
		const started = await alice.call(`/v1/workflows/${identifier}/runs`, {
			method: "POST",
			body: {},
		});
		const runId = started.body.id as string;
		const run = await ended(alice, runId);
		expect(run.result).toBe("SUCCESS");
		expect((await alice.call(`/v1/workflows/runs/${runId}/nodes/nope/items`)).status).toBe(404);
		expect(
			(await alice.call(`/v1/workflows/runs/${runId}/nodes/each/attempts?item=80`)).status,
		).toBe(404);
		expect((await alice.call(`/v1/workflows/runs/${runId}/nodes/each/items?after=x`)).status).toBe(
			422,
		);
	}, 120_000);
});

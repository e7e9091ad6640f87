// A run's detail in a real browser: the timeline tab (attempts, the wait before a retry, a delay
// growing live), a node's input beside its output, forEach items with their status, the retry
// schedule and a delay counting down; acting from the page: retry a successful run from a
// chosen node, bulk cancel and retry from the runs table, and opening a run by its id.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DevServer } from "../e2e/harness";
import { startDevServer } from "../e2e/harness";
import { startReceiver } from "../support/receiver";
import {
	type BrowserSession,
	closeWatched,
	launchChromium,
	shotBothWidths,
	type WatchedPage,
} from "./browser";
import {
	apiAs,
	longDelayWorkflow,
	openSignedIn,
	shipOrdersWorkflow,
	twoCallsWorkflow,
} from "./fixtures";

let server: DevServer;
let chromium: BrowserSession;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let token: string;
let watched: WatchedPage | undefined;

async function startRun(workflow: string, inputs: object = {}) {
	const res = await apiAs(server, token, "POST", `/v1/workflows/${workflow}/runs`, { inputs });
	expect(res.status).toBe(202);
	return ((await res.json()) as { id: string }).id;
}

async function runOf(id: string) {
	const res = await apiAs(server, token, "GET", `/v1/workflows/runs/${id}`);
	return (await res.json()) as {
		status: string;
		result: string | null;
		retryOf?: string | null;
		nodeRuns: { node: string; status: string; attempts: unknown[] }[];
	};
}

async function untilRun(id: string, done: (run: Awaited<ReturnType<typeof runOf>>) => boolean) {
	for (let i = 0; i < 120; i++) {
		const run = await runOf(id);
		if (done(run)) return run;
		await new Promise((r) => setTimeout(r, 250));
	}
	throw new Error(`run ${id} did not get there: ${JSON.stringify(await runOf(id))}`);
}

const deliveries = async (name: string) =>
	(
		(await (
			await fetch(`http://127.0.0.1:${receiver.port}/_deliveries/${name}`)
		).json()) as unknown[]
	).length;

async function open(route: string) {
	watched = await openSignedIn(chromium, server, token, route);
	return watched.page;
}

beforeAll(async () => {
	[server, chromium, receiver] = await Promise.all([
		startDevServer(),
		launchChromium(),
		startReceiver(),
	]);
	token = await server.token({ tenant: "browser-detail", sub: "ops@detail.test", role: "member" });
	const hooks = `http://127.0.0.1:${receiver.port}/hook`;
	for (const workflow of [
		shipOrdersWorkflow(`${hooks}/ship`),
		twoCallsWorkflow(hooks),
		longDelayWorkflow,
	]) {
		const res = await apiAs(server, token, "POST", "/v1/workflows", workflow);
		expect(res.status).toBe(201);
	}
});

afterAll(async () => {
	await chromium?.close();
	await server?.stop();
	receiver?.server.close();
});

afterEach(async () => {
	const problems = await closeWatched(watched);
	watched = undefined;
	expect(problems).toEqual([]);
});

describe("admin page: a run's detail", () => {
	it("draws the timeline with attempts, the retry wait and a live delay, and shows each node's input beside its output", async () => {
		await fetch(`http://127.0.0.1:${receiver.port}/_script/ship`, {
			method: "PUT",
			body: JSON.stringify([{ status: 503, body: { error: "busy" } }, { status: 200 }]),
		});
		const runId = await startRun("ship_orders", { orders: ["A-1", "B-2"] });
		await untilRun(runId, (r) =>
			r.nodeRuns.some((n) => n.node === "hold" && n.status === "WAITING"),
		);
		const page = await open(`#/runs/${runId}`);
		await page.getByRole("heading", { level: 1 }).getByText("Waiting").waitFor();

		await page.getByRole("link", { name: "Timeline" }).click();
		await page.waitForURL(/tab=timeline/);
		const timeline = page.getByRole("figure");
		const item0 = timeline.locator('[data-timeline-row="ship#0"]');
		await expect(item0.locator('[data-kind="failed-attempt"]').count()).resolves.toBe(1);
		await expect(item0.locator('[data-kind="retry-wait"]').count()).resolves.toBe(1);
		await expect(item0.locator('[data-kind="attempt"]').count()).resolves.toBe(1);
		await expect(item0.textContent()).resolves.toMatch(/attempt 1, answered 503/);
		await expect(
			timeline.locator('[data-timeline-row="ship#1"] [data-kind="attempt"]').count(),
		).resolves.toBe(1);
		// The delay is still going: its bar is open and its row's length grows without a reload.
		const hold = timeline.locator('[data-timeline-row="hold"]');
		await hold.locator(".bar.delay.open").waitFor();
		const before = await hold.locator(".timeline-took").textContent();
		await expect
			.poll(() => hold.locator(".timeline-took").textContent(), { timeout: 10_000 })
			.not.toBe(before);
		await shotBothWidths(watched!, "24-run-timeline");

		await page.getByRole("link", { name: "Graph and nodes" }).click();
		// The forEach node: its items (the input) and each item with its status and attempts.
		const ship = page.locator('[data-node-run="ship"]');
		await ship.locator("summary").first().click();
		await ship.getByText("Items (2 of 2 done)").waitFor();
		await expect(
			ship.getByRole("region", { name: "Input of Ship each order", exact: true }).textContent(),
		).resolves.toContain("B-2");
		await expect(
			ship.getByText("Up to 2 attempts; waits 1s between attempts").count(),
		).resolves.toBe(1);
		const first = ship.locator('[data-item="0"]');
		await expect(first.textContent()).resolves.toContain("2 attempts");
		await first.locator("summary").first().click();
		// An item's request (its input) beside what came back (its output).
		await expect(
			first
				.getByRole("region", { name: "Input of Ship each order, item 0", exact: true })
				.textContent(),
		).resolves.toContain('"order": "A-1"');
		await first.getByRole("region", { name: "Output of Ship each order, item 0" }).waitFor();
		await first.getByText(/Attempt 2 after \d/).waitFor();

		// The condition's values: the first option was false, the second true.
		const many = page.locator('[data-node-run="many"]');
		await many.locator("summary").first().click();
		const values = many.getByRole("list", { name: "Input of Several orders?" });
		await expect(values.textContent()).resolves.toMatch(/none:.*→ false.*several:.*→ true/s);

		// The delay counts down to its due time.
		await page.locator('a[data-node="hold"]').click();
		const due = page.locator('[data-node-run="hold"] [data-due="delay"]');
		await expect(due.textContent()).resolves.toMatch(/The delay ends at .* in (59|60) min/);
		const countdown = await due.locator(".countdown").textContent();
		await expect
			.poll(() => due.locator(".countdown").textContent(), { timeout: 10_000 })
			.not.toBe(countdown);
		await shotBothWidths(watched!, "25-node-detail");
		await apiAs(server, token, "POST", `/v1/workflows/runs/${runId}/cancel`);
	});

	it("retries a successful run from a chosen node: only that node and what follows run again", async () => {
		const runId = await startRun("two_calls");
		await untilRun(runId, (r) => r.status === "COMPLETED");
		expect([await deliveries("first"), await deliveries("second")]).toEqual([1, 1]);
		const page = await open(`#/runs/${runId}`);
		await page.getByRole("heading", { level: 1 }).getByText("Succeeded").waitFor();
		const second = page.locator('[data-node-run="second"]');
		await second.locator("summary").first().click();
		await second.getByRole("button", { name: "Retry from this node" }).click();
		const dialog = page.getByRole("dialog", { name: "Retry this run?" });
		await expect(dialog.getByLabel("Start again from").inputValue()).resolves.toBe("second");
		await watched!.shot("26-retry-from-node-1280");
		await dialog.getByRole("button", { name: "Retry run" }).click();
		await page.waitForURL(
			(url) => /#\/runs\/run_[0-9a-f]{32}$/.test(url.hash) && !url.hash.includes(runId),
		);
		await page.getByText("Retry of").waitFor();
		await page
			.getByRole("heading", { level: 1 })
			.getByText("Succeeded")
			.waitFor({ timeout: 20_000 });
		expect([await deliveries("first"), await deliveries("second")]).toEqual([1, 2]);
	});

	it("cancels and retries the runs picked in the table, and opens a run by its id", async () => {
		const picked = [await startRun("long_delay"), await startRun("long_delay")];
		const untouched = await startRun("long_delay");
		for (const id of [...picked, untouched])
			await untilRun(id, (r) => r.nodeRuns.some((n) => n.status === "WAITING"));
		const page = await open("#/runs?workflow=long_delay");
		for (const id of picked) await page.getByLabel(`Select run ${id}`).check();
		await page.getByText("2 selected").waitFor();
		await page.getByRole("button", { name: "Cancel selected" }).click();
		const dialog = page.getByRole("dialog", { name: "Cancel 2 runs?" });
		await dialog.getByRole("button", { name: "Cancel 2" }).click();
		await page.getByRole("status").getByText("2 cancelled").waitFor();
		for (const id of picked) await untilRun(id, (r) => r.result === "CANCELLED");
		expect((await runOf(untouched)).status).not.toBe("COMPLETED");
		await page.locator(`tr[data-run="${picked[0]}"]`).getByText("Cancelled").waitFor();
		await shotBothWidths(watched!, "27-bulk-cancel");

		// Now retry the same two: each starts again as a new run.
		for (const id of picked) await page.getByLabel(`Select run ${id}`).check();
		await page.getByRole("button", { name: "Retry selected" }).click();
		await page
			.getByRole("dialog", { name: "Retry 2 runs?" })
			.getByRole("button", { name: "Retry 2" })
			.click();
		await page.getByRole("status").getByText("2 retried").waitFor();
		const listed = async () => {
			const res = await apiAs(
				server,
				token,
				"GET",
				"/v1/workflows/runs?workflowIdentifiers=long_delay",
			);
			return ((await res.json()) as { data: { id: string }[] }).data.map((r) => r.id);
		};
		await expect.poll(async () => (await listed()).length, { timeout: 10_000 }).toBe(5);

		// A run's id in the search box opens that run.
		const search = page.getByLabel("Search");
		await search.fill(untouched);
		await page.getByRole("link", { name: `Open run ${untouched}` }).waitFor();
		await page.waitForURL(new RegExp(`search=${untouched}`));
		await expect.poll(() => page.locator("tr[data-run]").count()).toBe(1);
		await page.locator(`tr[data-run="${untouched}"]`).waitFor();
		await search.press("Enter");
		await page.waitForURL(new RegExp(`#/runs/${untouched}$`));
		await page.getByRole("heading", { level: 1 }).getByText("Waiting").waitFor();
		for (const id of await listed())
			await apiAs(server, token, "POST", `/v1/workflows/runs/${id}/cancel`);
	});
});

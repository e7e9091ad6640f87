// Runs in a real browser: a run followed live until it completes, a node's output, the runs
// table, cancelling a run that waits on a long delay, and who may see and act on a run.
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
	failingCallWorkflow,
	longDelayWorkflow,
	openSignedIn,
	shortDelayWorkflow,
} from "./fixtures";

let server: DevServer;
let chromium: BrowserSession;
const tokens: Record<"admin" | "alice" | "bob" | "vera", string> = {} as never;
let watched: WatchedPage | undefined;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

async function startRun(who: keyof typeof tokens, workflow: string, inputs: object = {}) {
	const res = await apiAs(server, tokens[who], "POST", `/v1/workflows/${workflow}/runs`, {
		inputs,
	});
	expect(res.status).toBe(202);
	return ((await res.json()) as { id: string }).id;
}

async function openAs(who: keyof typeof tokens, route: string) {
	watched = await openSignedIn(chromium, server, tokens[who], route);
	return watched.page;
}

beforeAll(async () => {
	[server, chromium, receiver] = await Promise.all([
		startDevServer(),
		launchChromium(),
		startReceiver(),
	]);
	const tenant = "browser-runs";
	tokens.admin = await server.token({ tenant, sub: "admin@runs.test", role: "admin" });
	tokens.alice = await server.token({ tenant, sub: "alice@runs.test", role: "member" });
	tokens.bob = await server.token({ tenant, sub: "bob@runs.test", role: "member" });
	tokens.vera = await server.token({ tenant, sub: "vera@runs.test", role: "viewer" });
	for (const workflow of [
		shortDelayWorkflow,
		longDelayWorkflow,
		failingCallWorkflow(`http://127.0.0.1:${receiver.port}/hook/inventory`),
	]) {
		const res = await apiAs(server, tokens.admin, "POST", "/v1/workflows", workflow);
		expect(res.status).toBe(201);
	}
});

afterAll(async () => {
	await chromium?.close();
	await server?.stop();
	receiver?.server.close();
});

afterEach(async () => {
	// Every scenario fails on console errors or uncaught exceptions in the page.
	const problems = await closeWatched(watched);
	watched = undefined;
	expect(problems).toEqual([]);
});

describe("admin page: runs", () => {
	it("follows a run from in progress to completed without reloading, then opens a node's output", async () => {
		const runId = await startRun("alice", "short_delay", { note: "hello from the browser test" });
		const page = await openAs("alice", `#/runs/${runId}`);
		const heading = page.getByRole("heading", { level: 1 });
		await heading.getByText("Waiting").waitFor();
		await page.locator('[data-node="pause"].waiting').waitFor();
		// A marker on window survives only if the page is never reloaded.
		await page.evaluate(() => Object.assign(globalThis, { notReloaded: true }));
		await shotBothWidths(watched!, "10-run-in-progress");

		await heading.getByText("Succeeded").waitFor({ timeout: 20_000 });
		expect(await page.evaluate(() => (globalThis as any).notReloaded)).toBe(true);
		await page.locator('[data-node="decide"].success').waitFor();
		await page.locator('[data-connection="c2"].taken').waitFor({ state: "attached" });
		await page.getByText("The run has ended").waitFor();
		// The history is a tab of its own, as is the timeline.
		await page.getByRole("link", { name: "History" }).click();
		await page.getByRole("cell", { name: "run_succeeded" }).first().waitFor();
		await page.getByRole("link", { name: "Graph and nodes" }).click();

		// Open the trigger's output from the graph: its node run opens, then its Output.
		await page.locator('a[data-node="trigger"]').click();
		await page.waitForURL(/node=trigger/);
		const trigger = page.locator('[data-node-run="trigger"]');
		await trigger.getByText("Output", { exact: true }).click();
		const output = page.getByRole("region", { name: "Output of trigger" });
		await expect(output.textContent()).resolves.toContain("hello from the browser test");
		await shotBothWidths(watched!, "11-run-completed-output");
	});

	it("shows a failed call's request beside the response body it got, for every attempt", async () => {
		await fetch(`http://127.0.0.1:${receiver.port}/_script/inventory`, {
			method: "PUT",
			body: JSON.stringify([
				{ status: 503, body: { error: "warming up" } },
				{
					status: 500,
					body: { error: "database is down", table: "stock" },
					headers: { "x-request-id": "req-42" },
				},
			]),
		});
		const runId = await startRun("alice", "failing_call", { sku: "A-7" });
		const page = await openAs("alice", `#/runs/${runId}`);
		await page.getByRole("heading", { level: 1 }).getByText("Failed").waitFor({ timeout: 20_000 });
		await page.locator('a[data-node="reserve"]').click();
		const node = page.locator('[data-node-run="reserve"]');
		const second = node.getByRole("region", { name: "Attempt 2", exact: true });
		await second.getByText("answered 500", { exact: true }).waitFor();
		// What was sent, beside what came back.
		await expect(
			second
				.getByRole("region", { name: "Request body of Reserve stock, attempt 2" })
				.textContent(),
		).resolves.toContain('"sku": "A-7"');
		const body = second.getByRole("region", { name: "Response body of Reserve stock, attempt 2" });
		await expect(body.textContent()).resolves.toContain('"error": "database is down"');
		await expect(
			second.getByLabel("Response headers of Reserve stock, attempt 2").textContent(),
		).resolves.toContain("req-42");
		await expect(
			node.getByRole("region", { name: "Response body of Reserve stock, attempt 1" }).textContent(),
		).resolves.toContain("warming up");
		await second.scrollIntoViewIfNeeded();
		await shotBothWidths(watched!, "16-failed-call-response");
	});

	it("lists runs with filters and refreshes them", async () => {
		const page = await openAs("alice", "#/runs");
		await page.locator("tr[data-run]").first().waitFor();
		await page.getByLabel("Result").selectOption("SUCCESS");
		await page.waitForURL(/result=SUCCESS/);
		await page.getByRole("link", { name: "Short delay" }).first().waitFor();
		await shotBothWidths(watched!, "12-runs");
		// A refresh that fails keeps the rows but says they are not current, until one succeeds.
		watched!.allowHttpStatus(503);
		const listing = "**/v1/workflows/runs?**";
		await page.route(listing, (route) =>
			route.fulfill({
				status: 503,
				contentType: "application/problem+json",
				body: JSON.stringify({ title: "Unavailable", status: 503, detail: "down for a test" }),
			}),
		);
		const stale = page.getByText("Showing the runs as last loaded.");
		await stale.waitFor({ timeout: 10_000 });
		expect(await page.locator("tr[data-run]").count()).toBeGreaterThan(0);
		await page.unroute(listing);
		await stale.waitFor({ state: "detached", timeout: 10_000 });
		await page.getByLabel("Search").fill("no-such-workflow");
		await page.getByText("No runs match these filters.").waitFor();
	});

	it("cancels a run that waits on a long delay, after confirming", async () => {
		const runId = await startRun("alice", "long_delay");
		const page = await openAs("alice", `#/runs/${runId}`);
		await page.getByRole("heading", { level: 1 }).getByText("Waiting").waitFor();
		await page.getByRole("button", { name: "Cancel run" }).click();
		const dialog = page.getByRole("dialog", { name: "Cancel this run?" });
		await dialog.waitFor();
		await watched!.shot("13-cancel-confirm-1280");
		await dialog.getByRole("button", { name: "Cancel run" }).click();
		await page
			.getByRole("heading", { level: 1 })
			.getByText("Cancelled")
			.waitFor({ timeout: 15_000 });
		await expect(page.getByRole("button", { name: "Cancel run" }).count()).resolves.toBe(0);
		await shotBothWidths(watched!, "14-run-cancelled");

		// A cancelled run can be retried (the API documents the route): a new run opens.
		await page.getByRole("button", { name: "Retry run" }).click();
		const retry = page.getByRole("dialog", { name: "Retry this run?" });
		await retry.getByRole("button", { name: "Retry run" }).click();
		await page.waitForURL(
			(url) => /#\/runs\/run_[0-9a-f]{32}$/.test(url.hash) && !url.hash.includes(runId),
		);
		await page.getByText(`Retry of`).waitFor();
		const retryId = /#\/runs\/(run_[0-9a-f]{32})$/.exec(new URL(page.url()).hash)?.[1] ?? "";
		await page.getByRole("link", { name: runId }).click();
		// The original links to its retry too.
		await page.getByText("Retried as").waitFor();
		await page.getByRole("link", { name: retryId }).waitFor();
	});

	it("hides another member's run of a private workflow (404 page, not listed)", async () => {
		const runId = await startRun("alice", "long_delay");
		const page = await openAs("bob", `#/runs/${runId}`);
		watched!.allowHttpStatus(404);
		await page.getByRole("heading", { name: "Run not found" }).waitFor();
		await shotBothWidths(watched!, "15-run-not-visible");
		await page.getByRole("link", { name: "All runs you may see" }).click();
		await page.getByRole("heading", { name: "Runs" }).waitFor();
		await page.locator(".state, table").first().waitFor();
		await expect(page.locator(`tr[data-run="${runId}"]`).count()).resolves.toBe(0);
		await apiAs(server, tokens.admin, "POST", `/v1/workflows/runs/${runId}/cancel`);
	});

	it("shows a viewer a public run without cancel or retry buttons", async () => {
		const runId = await startRun("alice", "short_delay", { note: "viewer" });
		const page = await openAs("vera", `#/runs/${runId}`);
		await page
			.getByRole("heading", { level: 1 })
			.getByText(/Waiting|In progress|Succeeded/)
			.waitFor();
		await expect(page.getByRole("button", { name: /Cancel run|Retry run/ }).count()).resolves.toBe(
			0,
		);
	});
});

// The audit log in a real browser: an admin reads every write (an API key's run start, a
// refused settings change, a key's creation), filters it by action, outcome and days through
// the URL, and a member neither sees the link nor gets the log.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DevServer } from "../e2e/harness";
import { startDevServer } from "../e2e/harness";
import {
	type BrowserSession,
	closeWatched,
	launchChromium,
	shotBothWidths,
	type WatchedPage,
} from "./browser";
import { apiAs, openSignedIn, shortDelayWorkflow } from "./fixtures";

let server: DevServer;
let chromium: BrowserSession;
const tokens: Record<"admin" | "alice", string> = {} as never;
let watched: WatchedPage | undefined;
let keySubject: string;
let runId: string;

async function openAs(who: keyof typeof tokens, route: string) {
	watched = await openSignedIn(chromium, server, tokens[who], route);
	return watched.page;
}

beforeAll(async () => {
	[server, chromium] = await Promise.all([startDevServer(), launchChromium()]);
	const tenant = "browser-audit";
	tokens.admin = await server.token({ tenant, sub: "admin@audit.test", role: "admin" });
	tokens.alice = await server.token({ tenant, sub: "alice@audit.test", role: "member" });
	expect(
		(await apiAs(server, tokens.admin, "POST", "/v1/workflows", shortDelayWorkflow)).status,
	).toBe(201);
	const refused = await apiAs(server, tokens.alice, "PATCH", "/v1/tenant/settings", {
		maxConcurrentRuns: 2,
	});
	expect(refused.status).toBe(403);
	const created = await apiAs(server, tokens.admin, "POST", "/v1/api-keys", {
		name: "nightly",
		role: "member",
		scopes: ["runs:write"],
	});
	expect(created.status).toBe(201);
	const { key, id } = (await created.json()) as { key: string; id: string };
	keySubject = `apikey:${id}`;
	const started = await apiAs(server, key, "POST", "/v1/workflows/short_delay/runs", {
		inputs: { note: "from the nightly job" },
	});
	expect(started.status).toBe(202);
	runId = ((await started.json()) as { id: string }).id;
});

afterAll(async () => {
	await chromium?.close();
	await server?.stop();
});

afterEach(async () => {
	// Every scenario fails on console errors or uncaught exceptions in the page.
	const problems = await closeWatched(watched);
	watched = undefined;
	expect(problems).toEqual([]);
});

describe("admin page: audit log", () => {
	it("shows an admin every write, newest first, and filters it through the URL", async () => {
		const page = await openAs("admin", "#/workflows");
		await page.getByRole("link", { name: "Audit log" }).click();
		await page.getByRole("heading", { name: "Audit log" }).waitFor();
		const table = page.getByRole("table", { name: "Audit log" });
		await table.waitFor();
		const actions = () =>
			page
				.locator("tbody tr")
				.evaluateAll((rows) => rows.map((row) => (row as any).dataset.action as string));
		expect(await actions()).toEqual([
			"run.start",
			"api_key.create",
			"tenant.settings.update",
			"workflow.create",
		]);
		const start = page.locator('tr[data-action="run.start"]');
		await start.getByText(keySubject).waitFor();
		await start.getByText("(API key)").waitFor();
		await start.getByRole("link", { name: `${runId.slice(0, 12)}…` }).waitFor();
		const refused = page.locator('tr[data-action="tenant.settings.update"]');
		await refused.getByText("alice@audit.test").waitFor();
		await refused.getByText("Refused").waitFor();
		await refused.getByText("403 forbidden").waitFor();
		await shotBothWidths(watched!, "40-audit-log");

		await page.getByLabel("Outcome").selectOption("failure");
		await page.waitForFunction(() => (globalThis as any).location.hash.includes("outcome=failure"));
		await expect.poll(actions).toEqual(["tenant.settings.update"]);
		await page.getByLabel("Outcome").selectOption("");
		await page.getByLabel("Action").fill("api_key.create");
		await page.waitForFunction(() =>
			(globalThis as any).location.hash.includes("action=api_key.create"),
		);
		await expect.poll(actions).toEqual(["api_key.create"]);
		await page.locator('tr[data-action="api_key.create"]').getByText(keySubject.slice(7)).waitFor();

		// A time window: from a day after everything here, nothing; back to any time, the entry.
		await page.getByLabel("From").fill("2099-01-01");
		await page.waitForFunction(() => (globalThis as any).location.hash.includes("from=2099-01-01"));
		await page.getByText("No entries match these filters.").waitFor();
		await page.getByLabel("From").fill("");
		await expect.poll(actions).toEqual(["api_key.create"]);
	});

	it("is not offered to a member, and the API refuses a member who goes there anyway", async () => {
		const page = await openAs("alice", "#/workflows");
		expect(await page.getByRole("link", { name: "Audit log" }).count()).toBe(0);
		watched!.allowHttpStatus(403);
		await page.evaluate(() => {
			(globalThis as any).location.hash = "#/audit";
		});
		await page.getByRole("alert").getByText("Forbidden (403)").waitFor();
		await page.getByText("read the audit log").waitFor();
	});
});

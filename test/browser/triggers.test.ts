// A workflow's Triggers panel in a real browser: the webhook URL with copy and rotate, its
// deliveries with their outcome and run link, a schedule paused and resumed, an event trigger.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DevServer } from "../e2e/harness";
import { startDevServer } from "../e2e/harness";
import {
	type BrowserSession,
	closeWatched,
	launchChromium,
	openPage,
	shotBothWidths,
	type WatchedPage,
} from "./browser";
import { apiAs, signInUrl } from "./fixtures";

let server: DevServer;
let chromium: BrowserSession;
let adminToken: string;
let watched: WatchedPage | undefined;

const triggered = {
	identifier: "triggered",
	title: "Triggered every way",
	nodes: [
		{ identifier: "github", config: { type: "WEBHOOK_TRIGGER" } },
		{
			identifier: "nightly",
			config: { type: "SCHEDULE_TRIGGER", cron: "0 2 * * *", timezone: "Europe/Berlin" },
		},
		{
			identifier: "on_service",
			config: {
				type: "EVENT_TRIGGER",
				event: { type: "ENTITY_CREATED", blueprintIdentifier: "service" },
				condition: { type: "JQ", expressions: ['.entity.properties.tier == "gold"'] },
			},
		},
		{ identifier: "wait", config: { type: "DELAY", duration: "1h" } },
	],
	connections: [{ identifier: "c1", sourceIdentifier: "github", targetIdentifier: "wait" }],
};

beforeAll(async () => {
	[server, chromium] = await Promise.all([startDevServer(), launchChromium()]);
	adminToken = await server.token({
		tenant: "browser-triggers",
		sub: "admin@b.test",
		role: "admin",
	});
	const created = await apiAs(server, adminToken, "POST", "/v1/workflows", triggered);
	expect(created.status).toBe(201);
});

afterAll(async () => {
	await chromium?.close();
	await server?.stop();
});

afterEach(async () => {
	const problems = await closeWatched(watched);
	watched = undefined;
	expect(problems).toEqual([]);
});

describe("admin page: triggers", () => {
	it("shows the webhook URL, its deliveries, the schedule and the event trigger; pauses and rotates", async () => {
		const list = await apiAs(server, adminToken, "GET", "/v1/workflows/triggered/triggers");
		const hookUrl = ((await list.json()) as any).data.find((t: any) => t.node === "github").webhook
			.url;
		const delivered = await fetch(hookUrl, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ hello: "world" }),
		});
		expect(delivered.status).toBe(202);
		const runId = ((await delivered.json()) as any).run.id as string;

		watched = await openPage(chromium);
		const { page } = watched;
		await page.context().grantPermissions(["clipboard-read", "clipboard-write"], {
			origin: server.baseUrl,
		});
		await page.goto(await signInUrl(server, adminToken));
		await page.getByRole("heading", { name: "Workflows" }).waitFor();
		await page.evaluate(() => {
			(globalThis as any).location.hash = "#/workflows/triggered";
		});
		await page.getByRole("heading", { name: "Triggers" }).waitFor();
		const panel = page.locator(".triggers");
		await panel.getByText(hookUrl).waitFor();
		await panel.getByText("none (the URL is the only credential)").waitFor();
		// The delivery, its outcome and a link to its run.
		await panel.getByRole("link", { name: runId }).waitFor();
		await panel.getByRole("cell", { name: "started" }).waitFor();
		// Schedule and event trigger.
		await panel.getByText("0 2 * * *").waitFor();
		await panel.getByText("in Europe/Berlin, overlap allow").waitFor();
		await panel.getByText('.entity.properties.tier == "gold"').waitFor();
		await panel.getByText("blueprintIdentifier = service").waitFor();
		await shotBothWidths(watched, "20-triggers");

		await page.getByRole("button", { name: "Copy URL" }).click();
		await page.getByText("Copied.").waitFor();
		expect(await page.evaluate(() => (globalThis as any).navigator.clipboard.readText())).toBe(
			hookUrl,
		);

		await page.getByRole("button", { name: "Pause schedule" }).click();
		await page.getByRole("button", { name: "Resume schedule" }).waitFor();
		await panel.getByText("None while paused.").waitFor();
		await page.getByRole("button", { name: "Resume schedule" }).click();
		await page.getByRole("button", { name: "Pause schedule" }).waitFor();

		await page.getByRole("button", { name: "Rotate URL" }).click();
		await page.getByRole("dialog").getByRole("button", { name: "Rotate" }).click();
		await page.getByText(hookUrl).waitFor({ state: "detached" });
		// The old URL is retired.
		const old = await fetch(hookUrl, { method: "POST", body: "{}" });
		expect(old.status).toBe(404);
	});

	it("does not show the triggers to viewers", async () => {
		const viewer = await server.token({
			tenant: "browser-triggers",
			sub: "v@b.test",
			role: "viewer",
		});
		watched = await openPage(chromium);
		const { page } = watched;
		await page.goto(await signInUrl(server, viewer));
		await page.getByRole("heading", { name: "Workflows" }).waitFor();
		await page.evaluate(() => {
			(globalThis as any).location.hash = "#/workflows/triggered";
		});
		await page.getByRole("heading", { name: "Versions" }).waitFor();
		expect(await page.getByRole("heading", { name: "Triggers" }).count()).toBe(0);
	});
});

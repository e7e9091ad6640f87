// An answer link in a real browser: the notification a run sends when it waits for input carries
// one-click links; following one shows a page with one button (opening it answered nothing), the
// click answers as the link's person and the run goes on; the same link afterwards says so.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DevServer } from "../e2e/harness";
import { startDevServer } from "../e2e/harness";
import { startReceiver } from "../support/receiver";
import {
	type BrowserSession,
	closeWatched,
	launchChromium,
	openPage,
	shotBothWidths,
	type WatchedPage,
} from "./browser";
import { apiAs } from "./fixtures";

let server: DevServer;
let chromium: BrowserSession;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let admin: string;
let alice: string;
let watched: WatchedPage | undefined;

const ship = {
	identifier: "ship_release",
	title: "Ship a release",
	nodes: [
		{ identifier: "trigger", config: { type: "SELF_SERVE_TRIGGER" } },
		{
			identifier: "approve",
			title: "Ship release 1.4?",
			description: "The canary has been green for an hour.",
			config: {
				type: "INPUT",
				outlets: [
					{ identifier: "yes", title: "Ship it" },
					{ identifier: "no", title: "Hold" },
				],
				responders: { users: ["bob@links.test"] },
			},
		},
		{ identifier: "shipped", config: { type: "DELAY", duration: "1ms" } },
	],
	connections: [
		{ identifier: "c1", sourceIdentifier: "trigger", targetIdentifier: "approve" },
		{
			identifier: "c2",
			sourceIdentifier: "approve",
			targetIdentifier: "shipped",
			sourceOptionIdentifier: "yes",
		},
	],
};

beforeAll(async () => {
	[server, chromium, receiver] = await Promise.all([
		startDevServer(),
		launchChromium(),
		startReceiver(),
	]);
	admin = await server.token({ tenant: "browser-links", sub: "admin@links.test", role: "admin" });
	alice = await server.token({ tenant: "browser-links", sub: "alice@links.test", role: "member" });
	expect((await apiAs(server, admin, "POST", "/v1/workflows", ship)).status).toBe(201);
	const settings = await apiAs(server, admin, "PATCH", "/v1/tenant/settings", {
		notifications: [
			{ url: `http://127.0.0.1:${receiver.port}/hook/links`, events: ["run.waiting_for_input"] },
		],
	});
	expect(settings.status).toBe(200);
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

async function until<T>(what: string, read: () => Promise<T | undefined>): Promise<T> {
	const deadline = Date.now() + 30_000;
	for (;;) {
		const value = await read();
		if (value !== undefined) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 100));
	}
}

describe("answer links", () => {
	it("follows a one-click link from the notification to its one button, and the run goes on", async () => {
		const started = await apiAs(server, alice, "POST", "/v1/workflows/ship_release/runs", {});
		const runId = ((await started.json()) as { id: string }).id;
		const links = await until("the notification", async () => {
			const deliveries = (await (
				await fetch(`http://127.0.0.1:${receiver.port}/_deliveries/links`)
			).json()) as Array<{ body: string }>;
			const event = deliveries.map((d) => JSON.parse(d.body)).find((e) => e.data.run.id === runId);
			return event?.data.input.responders[0] as
				| { user: string; buttons: Array<{ title: string; url: string }> }
				| undefined;
		});
		expect(links.user).toBe("bob@links.test");
		const shipIt = links.buttons.find((b) => b.title === "Ship it")?.url ?? "";

		watched = await openPage(chromium);
		const { page } = watched;
		await page.goto(shipIt);
		await page.getByRole("heading", { name: "Ship release 1.4?" }).waitFor();
		await page.getByText("You answer as bob@links.test").waitFor();
		await shotBothWidths(watched, "40-answer-link-confirm");
		const readRun = async () =>
			(await (await apiAs(server, admin, "GET", `/v1/workflows/runs/${runId}`)).json()) as {
				status: string;
				result: string | null;
				nodeRuns: Array<{ node: string; output: unknown }>;
			};
		// Opening the link answered nothing.
		expect((await readRun()).status).toBe("WAITING");

		await page.getByRole("button", { name: "Ship it" }).click();
		await page.getByRole("heading", { name: "Thank you" }).waitFor();
		const run = await until("the run to go on", async () => {
			const current = await readRun();
			return current.status === "COMPLETED" ? current : undefined;
		});
		expect(run.result).toBe("SUCCESS");
		expect(run.nodeRuns.find((n) => n.node === "approve")?.output).toMatchObject({
			outlet: "yes",
			responses: [{ by: "bob@links.test", outlet: "yes" }],
		});

		// The same link afterwards: a clear page, nothing changes.
		watched.allowHttpStatus(410);
		await page.goto(shipIt);
		await page.getByRole("heading", { name: "This request is closed" }).waitFor();
		await page.getByText("Nothing was changed.").waitFor();
		await expect(page.getByRole("button").count()).resolves.toBe(0);
	});
});

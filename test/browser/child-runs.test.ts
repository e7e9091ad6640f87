// Child runs in a real browser: a parent's RUN_WORKFLOW node lists its children with each one's
// status as it is now, each child links back to its parent, and the parent link leads back.
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
let token: string;
let watched: WatchedPage | undefined;

/** Starts `short_delay` (4 s) once per item of `.inputs.notes`, without waiting for them. */
const fanOut = {
	identifier: "fan_out",
	title: "Fan out",
	nodes: [
		{ identifier: "trigger", config: { type: "SELF_SERVE_TRIGGER" } },
		{
			identifier: "each",
			title: "One run per note",
			forEach: ".inputs.notes",
			config: {
				type: "RUN_WORKFLOW",
				workflowIdentifier: "short_delay",
				wait: false,
				inputs: { note: "{{ .item }}" },
			},
		},
	],
	connections: [{ identifier: "c1", sourceIdentifier: "trigger", targetIdentifier: "each" }],
};

beforeAll(async () => {
	[server, chromium] = await Promise.all([startDevServer(), launchChromium()]);
	token = await server.token({ tenant: "browser-children", sub: "admin@kids.test", role: "admin" });
	for (const workflow of [shortDelayWorkflow, fanOut]) {
		const res = await apiAs(server, token, "POST", "/v1/workflows", workflow);
		expect(res.status).toBe(201);
	}
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

describe("admin page: child runs", () => {
	it("shows a parent's children with their status, and links child and parent both ways", async () => {
		const res = await apiAs(server, token, "POST", "/v1/workflows/fan_out/runs", {
			inputs: { notes: ["first", "second"] },
		});
		const parentId = ((await res.json()) as { id: string }).id;
		watched = await openSignedIn(chromium, server, token, `#/runs/${parentId}?node=each`);
		const { page } = watched;
		await page
			.getByRole("heading", { level: 1 })
			.getByText("Succeeded")
			.waitFor({ timeout: 20_000 });

		const children = page.locator('table[data-child-runs="each"] tbody tr');
		await children.nth(1).waitFor();
		expect(await children.count()).toBe(2);
		// Each child's own status: they wait on their 4 s delay, then succeed.
		await children
			.first()
			.getByText(/Waiting|In progress|Queued|Succeeded/)
			.waitFor();
		await shotBothWidths(watched, "30-parent-children");

		const childLink = children.first().getByRole("link");
		const childId = (await childLink.textContent()) ?? "";
		expect(childId).toMatch(/^run_[0-9a-f]{32}$/);
		await childLink.click();
		await page.waitForURL((url) => url.hash.includes(childId));
		await page.getByText("Parent run").waitFor();
		await page
			.getByRole("heading", { level: 1 })
			.getByText("Succeeded")
			.waitFor({ timeout: 20_000 });
		await shotBothWidths(watched, "31-child-links-parent");

		await page.getByRole("link", { name: parentId }).click();
		await page.waitForURL((url) => url.hash.includes(parentId));
		// Back on the parent, the children's table now says they succeeded.
		await page
			.locator('table[data-child-runs="each"] tbody tr')
			.first()
			.getByText("Succeeded")
			.waitFor({ timeout: 20_000 });
	});
});

// The admin page in a real browser: sign-in from the printed URL, the workflows list, a
// workflow's graph, and the start-run form with an API field error.
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
import { apiAs, deployWorkflow, signInUrl } from "./fixtures";

let server: DevServer;
let chromium: BrowserSession;
let adminToken: string;
let watched: WatchedPage | undefined;

beforeAll(async () => {
	[server, chromium] = await Promise.all([startDevServer(), launchChromium()]);
	adminToken = await server.token({ tenant: "browser", sub: "admin@browser.test", role: "admin" });
	const created = await apiAs(server, adminToken, "POST", "/v1/workflows", deployWorkflow);
	expect(created.status).toBe(201);
});

/** From the landing page (the overview) to the workflows list, by the header's link. */
async function openWorkflows(page: WatchedPage["page"]) {
	await page.getByRole("heading", { name: "Overview", level: 1 }).waitFor();
	await page
		.getByRole("navigation", { name: "Sections" })
		.getByRole("link", { name: "Workflows" })
		.click();
	await page.getByRole("heading", { name: "Workflows", level: 1 }).waitFor();
}

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

/** A chain of `n` delays after the trigger: a graph far wider than any screen. */
function wideChain(n: number) {
	const ids = Array.from({ length: n }, (_, i) => `step_${String(i + 1).padStart(2, "0")}`);
	return {
		identifier: "wide_chain",
		title: "Wide chain",
		nodes: [
			{ identifier: "trigger", config: { type: "SELF_SERVE_TRIGGER" } },
			...ids.map((identifier) => ({ identifier, config: { type: "DELAY", duration: "1s" } })),
		],
		connections: ids.map((id, i) => ({
			identifier: `c${i + 1}`,
			sourceIdentifier: i === 0 ? "trigger" : ids[i - 1],
			targetIdentifier: id,
		})),
	};
}

describe("admin page: sign-in and workflows", () => {
	it("serves the page at /admin and /admin/ (assets), keeping the API on the Worker", async () => {
		const page = await fetch(`${server.baseUrl}/admin/`);
		expect(page.status).toBe(200);
		expect(page.headers.get("content-type")).toMatch(/^text\/html/);
		expect(await page.text()).toContain('src="/admin/app.js"');
		const missing = await fetch(`${server.baseUrl}/nowhere`);
		expect(missing.status).toBe(404);
		expect(missing.headers.get("content-type")).toMatch(/problem\+json/);
	});

	it("signs in with a printed one-time /admin#code=… link and removes the code from the address bar", async () => {
		watched = await openPage(chromium);
		const { page } = watched;
		const link = await signInUrl(server, adminToken);
		const code = link.split("#code=")[1] as string;
		const response = await page.goto(link);
		await page.getByRole("heading", { name: "Overview", level: 1 }).waitFor();
		// The page may not be framed and runs only its own scripts (web/src/_headers); the
		// scenario fails on any console error, so the page works under that policy.
		expect(response?.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
		expect(response?.headers()["x-content-type-options"]).toBe("nosniff");
		expect(page.url()).not.toContain(code);
		expect(page.url()).not.toContain("code=");
		await page.getByText("admin@browser.test · admin").waitFor();
		// The landing page is the overview; the workflows are one link away.
		await openWorkflows(page);
		await page.getByRole("link", { name: "Deploy a service" }).waitFor();
		await shotBothWidths(watched, "01-workflows");

		// Keyboard: Tab reaches the search box (a visible focus ring) without a mouse.
		const search = page.getByRole("searchbox", { name: "Search" });
		for (
			let i = 0;
			i < 8 && !(await search.evaluate((el) => el === el.ownerDocument.activeElement));
			i++
		) {
			await page.keyboard.press("Tab");
		}
		expect(await search.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
		await watched.shot("01-keyboard-focus-1280");

		await page.getByLabel("Search").fill("nothing-matches");
		await page.getByText("No workflow matches").waitFor();
	});

	it("returns to sign-in with a clear message when the API rejects the token", async () => {
		watched = await openPage(chromium);
		const { page } = watched;
		watched.allowHttpStatus(401);
		await page.goto(`${server.baseUrl}/admin/`);
		// Signed with another secret: well-formed and unexpired, but the API answers 401.
		const [header, payload] = adminToken.split(".");
		await page.getByLabel("Bearer token").fill(`${header}.${payload}.forged-signature`);
		await page.getByRole("button", { name: "Sign in" }).click();
		await page.getByRole("alert").filter({ hasText: "The API rejected your token" }).waitFor();
		await page.getByLabel("Bearer token").waitFor();
		await shotBothWidths(watched, "02-sign-in-rejected");
		// Pasting a good token signs in.
		await page.getByLabel("Bearer token").fill(adminToken);
		await page.getByRole("button", { name: "Sign in" }).click();
		await page.getByRole("heading", { name: "Overview", level: 1 }).waitFor();
	});

	it("never takes a token from the URL, and a spent sign-in link says so", async () => {
		watched = await openPage(chromium);
		const { page } = watched;
		watched.allowHttpStatus(401);
		await page.goto(`${server.baseUrl}/admin#token=${adminToken}`);
		await page.getByRole("alert").filter({ hasText: "not taken from the address bar" }).waitFor();
		expect(page.url()).not.toContain(adminToken);
		await page.getByLabel("Bearer token").waitFor();

		const link = await signInUrl(server, adminToken);
		await page.goto(link);
		await page.getByRole("heading", { name: "Overview", level: 1 }).waitFor();
		// The same link again, in a new tab (from history, or someone who copied it): dead.
		const again = await openPage(chromium);
		again.allowHttpStatus(401);
		try {
			await again.page.goto(link);
			await again.page
				.getByRole("alert")
				.filter({ hasText: "used already or has expired" })
				.waitFor();
			await again.page.getByLabel("Bearer token").waitFor();
		} finally {
			expect(await closeWatched(again)).toEqual([]);
		}
	});

	it("shows a workflow's graph with labelled condition option and fallback, versions and definition", async () => {
		watched = await openPage(chromium);
		const { page } = watched;
		await page.goto(await signInUrl(server, adminToken));
		await openWorkflows(page);
		await page.getByRole("link", { name: "Deploy a service" }).click();
		await page.getByRole("heading", { name: "Deploy a service" }).waitFor();
		const graph = page.locator("svg.graph");
		for (const node of ["trigger", "check", "to_prod", "to_staging"]) {
			await graph.locator(`[data-node="${node}"]`).waitFor();
		}
		await expect(graph.locator(".edge-label").allTextContents()).resolves.toEqual(
			expect.arrayContaining(["Production?", "fallback", "on error"]),
		);
		// An error handler's connection is drawn apart from the success path.
		await graph.locator('.edge.on-error[data-connection="prod_error"]').waitFor();
		await page.getByText("Definition (version 1, JSON)").click();
		await page.getByLabel("Definition of version 1").waitFor();
		await shotBothWidths(watched, "03-workflow");
	});

	it("starts a run from the generated form, showing the API's error beside the bad field", async () => {
		watched = await openPage(chromium);
		const { page } = watched;
		await page.goto(await signInUrl(server, adminToken));
		watched.allowHttpStatus(422);
		await openWorkflows(page);
		await page.getByRole("link", { name: "Deploy a service" }).click();
		// By accessible name, as a screen reader announces it (the required "*" is aria-hidden).
		const field = (name: string) => page.getByRole("textbox", { name, exact: true });
		// Service is required and left blank: blank is not a value.
		await field("Replicas").fill("0"); // minimum is 1: only the API knows
		await page.getByRole("combobox", { name: "Environment" }).selectOption("prod");
		await field("Tags").fill("blue\ngreen");
		await page.getByRole("button", { name: "Start run" }).click();
		const error = page.locator("#input-replicas-error");
		await error.waitFor();
		expect(await error.textContent()).toMatch(/1/);
		expect(await field("Replicas").getAttribute("aria-invalid")).toBe("true");
		expect(await page.locator("#input-service-error").textContent()).toMatch(/required/);
		await shotBothWidths(watched, "04-start-run-field-error");

		await field("Service").fill("billing");
		await field("Replicas").fill("2");
		await page.getByRole("button", { name: "Start run" }).click();
		await page.waitForURL(/#\/runs\/run_[0-9a-f]{32}$/);
	});
	it("keeps a graph of 55 nodes readable: actual size scrolls, Fit shows it whole, keys zoom and move it", async () => {
		const created = await apiAs(server, adminToken, "POST", "/v1/workflows", wideChain(55));
		expect(created.status).toBe(201);
		watched = await openPage(chromium);
		const { page } = watched;
		await page.goto(await signInUrl(server, adminToken));
		await page.getByRole("heading", { name: "Overview", level: 1 }).waitFor();
		await page.evaluate(() => {
			(globalThis as any).location.hash = "#/workflows/wide_chain";
		});
		const region = page.getByRole("region", { name: "Graph of Wide chain" });
		await region.locator('[data-node="step_55"]').waitFor({ state: "attached" });
		const level = page.getByRole("status", { name: "Zoom level" });
		const sizes = () =>
			region.evaluate((el) => ({
				graph: Number(el.querySelector("svg")?.getAttribute("width")),
				view: el.clientWidth,
				left: el.scrollLeft,
			}));
		// At actual size the nodes keep their size and the graph scrolls.
		await expect(level.textContent()).resolves.toBe("100 %");
		expect((await sizes()).graph).toBeGreaterThan(3 * (await sizes()).view);

		await page.getByRole("button", { name: "Fit" }).click();
		await expect.poll(async () => (await sizes()).graph <= (await sizes()).view).toBe(true);
		expect(Number.parseInt((await level.textContent()) ?? "", 10)).toBeLessThan(100);
		await shotBothWidths(watched, "31-wide-graph-fit");

		// The keyboard alone: the region takes focus, 0 is actual size, arrows move, - zooms out.
		await region.focus();
		await page.keyboard.press("0");
		await expect.poll(() => level.textContent()).toBe("100 %");
		const before = (await sizes()).left;
		for (let i = 0; i < 10; i++) await page.keyboard.press("ArrowRight");
		await expect.poll(async () => (await sizes()).left).toBeGreaterThan(before);
		await page.keyboard.press("-");
		await expect.poll(() => level.textContent()).toBe("80 %");
		await page.getByRole("button", { name: "Zoom in" }).click();
		await expect.poll(() => level.textContent()).toBe("100 %");
		await watched.shot("32-wide-graph-actual-size-1280");
	});
	it("works with the keyboard alone: every stop shows its focus, from sign-in to a started run's timeline", async () => {
		const quick = {
			identifier: "keyboard_only",
			title: "Keyboard only",
			nodes: [
				{ identifier: "trigger", config: { type: "SELF_SERVE_TRIGGER" } },
				{ identifier: "pause", config: { type: "DELAY", duration: "1s" } },
			],
			connections: [{ identifier: "c1", sourceIdentifier: "trigger", targetIdentifier: "pause" }],
		};
		expect((await apiAs(server, adminToken, "POST", "/v1/workflows", quick)).status).toBe(201);
		watched = await openPage(chromium);
		const { page } = watched;
		await page.goto(await signInUrl(server, adminToken));
		await page.getByRole("heading", { name: "Overview", level: 1 }).waitFor();
		/** Tabs (at most `max` times) to the element `name` names, checking it shows its focus. */
		const tabTo = async (role: "link" | "button", name: string, max = 40) => {
			const target = page.getByRole(role, { name, exact: true }).first();
			for (let i = 0; i < max; i++) {
				if (await target.evaluate((el) => el === el.ownerDocument.activeElement)) {
					const ring = await target.evaluate((el) => {
						const style = (globalThis as any).getComputedStyle(el);
						return `${style.outlineStyle} ${style.outlineWidth}`;
					});
					expect(ring, `${name} shows its focus`).toBe("solid 3px");
					return;
				}
				await page.keyboard.press("Tab");
			}
			throw new Error(`Tab never reached ${role} "${name}"`);
		};
		await tabTo("link", "Workflows");
		await page.keyboard.press("Enter");
		await page.getByRole("heading", { name: "Workflows", level: 1 }).waitFor();
		await tabTo("link", "Keyboard only");
		await page.keyboard.press("Enter");
		await page.getByRole("heading", { name: "Keyboard only", level: 1 }).waitFor();
		await tabTo("button", "Start run");
		await page.keyboard.press("Enter");
		await page.waitForURL(/#\/runs\/run_[0-9a-f]{32}$/);
		await page
			.getByRole("heading", { level: 1 })
			.getByText(/Waiting|In progress|Succeeded/)
			.waitFor();
		await tabTo("link", "Timeline");
		await page.keyboard.press("Enter");
		await page.getByRole("heading", { name: "Timeline", level: 2 }).waitFor();
		await page.locator('[data-timeline-row="pause"]').waitFor();
		await watched.shot("33-keyboard-timeline-1280");
	});
});

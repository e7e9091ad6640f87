// The workflow editor in a real browser: a mistake saved shows the API's 422 at its line,
// fixed and saved it becomes a new version that a run then uses; completion and hover docs
// come from the definition's JSON Schema; the graph follows the typing; "Try it" dry-runs the
// unsaved text; two versions side by side as a diff.
import type { Page } from "playwright-core";
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
import { apiAs, openSignedIn } from "./fixtures";

let server: DevServer;
let chromium: BrowserSession;
let token: string;
let watched: WatchedPage | undefined;

const greet = {
	identifier: "greet",
	title: "Greet someone",
	nodes: [
		{
			identifier: "trigger",
			title: "Start",
			config: {
				type: "SELF_SERVE_TRIGGER",
				userInputs: { properties: { name: { type: "string" } }, required: ["name"] },
			},
		},
		{ identifier: "pause", title: "Pause", config: { type: "DELAY", duration: "1s" } },
	],
	connections: [{ identifier: "c1", sourceIdentifier: "trigger", targetIdentifier: "pause" }],
};

beforeAll(async () => {
	[server, chromium] = await Promise.all([startDevServer(), launchChromium()]);
	token = await server.token({ tenant: "browser-editor", sub: "ada@editor.test", role: "admin" });
	expect((await apiAs(server, token, "POST", "/v1/workflows", greet)).status).toBe(201);
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

async function open(route: string) {
	watched = await openSignedIn(chromium, server, token, route);
	return watched.page;
}

/** The editor's text box (inside its shadow root; playwright's locators go through). */
const editorOf = (page: Page) => page.getByRole("textbox", { name: "Definition of greet" });

/** Replaces the whole text as a paste would. */
async function replaceText(page: Page, text: string) {
	await editorOf(page).click();
	await page.keyboard.press("Control+a");
	await page.keyboard.insertText(text);
}

const lineOf = (text: string, needle: string) =>
	text.split("\n").findIndex((line) => line.includes(needle)) + 1;

describe("admin page: the workflow editor", () => {
	it("shows a 422 at its line, saves the fix as a new version and starts a run of it", async () => {
		const page = await open("#/workflows/greet/edit");
		watched!.allowHttpStatus(422);
		await editorOf(page).waitFor();
		const broken = JSON.stringify(
			{
				...greet,
				title: "Greet someone, slowly",
				nodes: [
					greet.nodes[0],
					{ ...greet.nodes[1], config: { type: "DELAY", duration: "2 fortnights" } },
				],
			},
			null,
			2,
		);
		await replaceText(page, broken);
		// The graph follows the text (the title is not drawn, but the nodes are).
		await page.locator('[data-node="pause"]').waitFor();
		await page.getByRole("button", { name: "Save new version" }).click();

		const issue = page.locator('[data-pointer="/nodes/1/config/duration"]');
		await issue.waitFor();
		const line = lineOf(broken, "2 fortnights");
		expect(line).toBeGreaterThan(1);
		await expect(issue.textContent()).resolves.toContain(`Line ${line}, column`);
		await expect(issue.textContent()).resolves.toContain("is not a duration");
		// Marked in the editor itself, on that line.
		const mark = page.locator(".cm-lintRange-error");
		await mark.first().waitFor();
		await expect(mark.first().textContent()).resolves.toContain('"duration"');
		// The button takes the cursor there.
		await issue.getByRole("button").click();
		await expect(page.locator(".cm-lineNumbers .cm-activeLineGutter").textContent()).resolves.toBe(
			String(line),
		);
		await shotBothWidths(watched!, "20-editor-422");

		await replaceText(page, broken.replace("2 fortnights", "2s"));
		await page.getByRole("button", { name: "Save new version" }).click();
		await page.getByRole("status").getByText("Saved as version 2.").waitFor();
		await expect(issue.count()).resolves.toBe(0);
		await page.getByRole("link", { name: "Open the workflow to start a run" }).click();
		await page.getByRole("heading", { name: "Greet someone, slowly" }).waitFor();
		await page.getByRole("textbox", { name: "name", exact: true }).fill("Ada");
		await page.getByRole("button", { name: "Start run" }).click();
		await page.waitForURL(/#\/runs\/run_[0-9a-f]{32}$/);
		await page.getByText("v2", { exact: true }).waitFor();
	});

	it("completes field names and values from the schema and explains a field on hover", async () => {
		const page = await open("#/workflows/greet/edit");
		await editorOf(page).waitFor();
		const text = JSON.stringify(greet, null, 2).replace(
			'"duration": "1s"',
			'"duration": "1s",\n        ',
		);
		await replaceText(page, text);
		// The empty line inside the DELAY's config, below its duration.
		await page.locator(".cm-line", { hasText: '"duration": "1s",' }).click();
		await page.keyboard.press("ArrowDown");
		await page.keyboard.press("End");
		await page.keyboard.press("Control+Space");
		const list = page.getByRole("listbox");
		await list.waitFor();
		// A DELAY's config offers `until` (its own field), not a WEBHOOK's `url`.
		await list.getByRole("option", { name: /^until/ }).waitFor();
		await expect(list.getByRole("option", { name: /^url/ }).count()).resolves.toBe(0);
		await page.keyboard.press("Escape");

		// Values: a node's config.type offers every node type.
		await page.locator(".cm-line", { hasText: '"type": "DELAY"' }).getByText('"DELAY"').click();
		await page.keyboard.press("Control+Space");
		await list.getByRole("option", { name: '"WEBHOOK"' }).waitFor();
		await page.keyboard.press("Escape");

		// Hover a key (a few characters into the line, past the indent): its type and description.
		const key = page.locator(".cm-line", { hasText: '"identifier": "greet"' });
		await key.scrollIntoViewIfNeeded();
		const line = await key.boundingBox();
		await page.mouse.move((line?.x ?? 0) + 40, (line?.y ?? 0) + 8);
		await page.mouse.move((line?.x ?? 0) + 44, (line?.y ?? 0) + 9, { steps: 3 });
		const doc = page.locator(".schema-doc");
		await doc.waitFor();
		await expect(doc.textContent()).resolves.toMatch(/identifier: string.*Letters, digits/s);
		await shotBothWidths(watched!, "21-editor-completion");
	});

	it("creates a workflow, dry-runs the unsaved text and compares two versions", async () => {
		const page = await open("#/workflows");
		await page.getByRole("link", { name: "New workflow" }).click();
		await page.getByRole("heading", { name: "New workflow" }).waitFor();
		const draft = {
			identifier: "route_order",
			title: "Route an order",
			nodes: [
				{
					identifier: "trigger",
					config: {
						type: "SELF_SERVE_TRIGGER",
						userInputs: { properties: { amount: { type: "number" } } },
					},
				},
				{
					identifier: "big",
					config: {
						type: "CONDITION",
						options: [{ identifier: "yes", expression: ".inputs.amount > 100" }],
					},
				},
				{
					identifier: "notify",
					config: {
						type: "WEBHOOK",
						url: "https://example.com/orders",
						body: { a: "{{ .inputs.amount }}" },
					},
				},
			],
			connections: [
				{ identifier: "c1", sourceIdentifier: "trigger", targetIdentifier: "big" },
				{
					identifier: "c2",
					sourceIdentifier: "big",
					sourceOptionIdentifier: "yes",
					targetIdentifier: "notify",
				},
			],
		};
		const editor = page.getByRole("textbox", { name: "Definition of the new workflow" });
		await editor.click();
		await page.keyboard.press("Control+a");
		await page.keyboard.insertText(JSON.stringify(draft, null, 2));
		await page.locator('[data-node="notify"]').first().waitFor();

		await page.getByLabel("Inputs (JSON)").fill('{ "amount": 250 }');
		await page
			.getByLabel("Responses (JSON)")
			.fill('{ "notify": { "status": 202, "body": { "queued": true } } }');
		await page.getByRole("button", { name: "Dry run" }).click();
		const report = page.getByRole("status", { name: "Dry run result" });
		await report.getByText("trigger → big → notify").waitFor();
		await expect(report.textContent()).resolves.toContain(".inputs.amount > 100 → true");
		await expect(
			report.getByRole("region", { name: "Request body of notify, attempt 1" }).textContent(),
		).resolves.toContain("250");
		await shotBothWidths(watched!, "22-editor-try-it");

		await page.getByRole("button", { name: "Create workflow" }).click();
		await page.getByRole("heading", { name: "Edit route_order" }).waitFor();
		await page.getByRole("status").getByText("Saved as version 1.").waitFor();
		const edited = page.getByRole("textbox", { name: "Definition of route_order" });
		await edited.click();
		await page.keyboard.press("Control+a");
		await page.keyboard.insertText(
			JSON.stringify({ ...draft, title: "Route a large order" }, null, 2).replace(
				"> 100",
				"> 1000",
			),
		);
		await page.getByRole("button", { name: "Save new version" }).click();
		await page.getByRole("status").getByText("Saved as version 2.").waitFor();

		await page.getByRole("link", { name: "Compare versions" }).click();
		await page.getByRole("heading", { name: "Compare versions of route_order" }).waitFor();
		await expect(page.getByLabel("Compare version").inputValue()).resolves.toBe("1");
		await expect(page.getByLabel("with version").inputValue()).resolves.toBe("2");
		// Each side shows its text, and the changed lines are marked.
		await page.getByRole("textbox", { name: "Version 1" }).getByText("> 100").waitFor();
		await page.getByRole("textbox", { name: "Version 2" }).getByText("> 1000").waitFor();
		expect(await page.locator(".cm-changedLine").count()).toBeGreaterThanOrEqual(2);
		await shotBothWidths(watched!, "23-version-diff");
	});
});

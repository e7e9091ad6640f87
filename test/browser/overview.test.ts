// The landing page and the Settings page in a real browser: the runs of the last day and week
// counted with a chart, the busiest and most failing workflows, the slots in use against the
// limit; an admin changes the limit (a 422 beside the field first) and the signing secret, a
// viewer only reads them.
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
	twoCallsWorkflow,
} from "./fixtures";

let server: DevServer;
let chromium: BrowserSession;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const tokens: Record<"admin" | "vera", string> = {} as never;
let watched: WatchedPage | undefined;

async function startRun(workflow: string, inputs: object = {}) {
	const res = await apiAs(server, tokens.admin, "POST", `/v1/workflows/${workflow}/runs`, {
		inputs,
	});
	expect(res.status).toBe(202);
	return ((await res.json()) as { id: string }).id;
}

/** Until the overview API counts the runs as the page should show them (the index follows the runs). */
async function counted(expected: { total: number; failed: number; waiting: number }) {
	let last: unknown;
	for (let i = 0; i < 240; i++) {
		const res = await apiAs(server, tokens.admin, "GET", "/v1/tenant/overview");
		const day = ((await res.json()) as { last24Hours: any }).last24Hours;
		last = day;
		if (
			day.total === expected.total &&
			day.byResult.FAILED === expected.failed &&
			day.byStatus.WAITING === expected.waiting &&
			day.byStatus.COMPLETED === expected.total - expected.waiting
		)
			return;
		await new Promise((r) => setTimeout(r, 250));
	}
	throw new Error(
		`the overview never counted ${JSON.stringify(expected)}: ${JSON.stringify(last)}`,
	);
}

async function openAs(who: keyof typeof tokens, route = "") {
	watched = await openSignedIn(chromium, server, tokens[who], route);
	return watched.page;
}

beforeAll(async () => {
	[server, chromium, receiver] = await Promise.all([
		startDevServer(),
		launchChromium(),
		startReceiver(),
	]);
	const tenant = "browser-overview";
	tokens.admin = await server.token({ tenant, sub: "admin@overview.test", role: "admin" });
	tokens.vera = await server.token({ tenant, sub: "vera@overview.test", role: "viewer" });
	const hooks = `http://127.0.0.1:${receiver.port}/hook`;
	await fetch(`http://127.0.0.1:${receiver.port}/_script/inventory`, {
		method: "PUT",
		body: JSON.stringify([{ status: 500, body: { error: "down" } }]),
	});
	for (const workflow of [
		twoCallsWorkflow(hooks),
		failingCallWorkflow(`${hooks}/inventory`),
		longDelayWorkflow,
	]) {
		const res = await apiAs(server, tokens.admin, "POST", "/v1/workflows", workflow);
		expect(res.status).toBe(201);
	}
	// Three successes, two failures (each retried once), one run waiting an hour.
	for (const workflow of ["two_calls", "two_calls", "two_calls", "failing_call", "failing_call"])
		await startRun(workflow, workflow === "failing_call" ? { sku: "A" } : {});
	await startRun("long_delay");
	await counted({ total: 6, failed: 2, waiting: 1 });
	const secret = await apiAs(server, tokens.admin, "PUT", "/v1/secrets/SIGNING", {
		value: "whsec_dGVzdHRlc3R0ZXN0dGVzdA==",
	});
	expect(secret.status).toBe(201);
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

describe("admin page: overview and settings", () => {
	it("lands on the overview: counts, a chart per window, busiest and most failing workflows, slots", async () => {
		const page = await openAs("admin");
		const day = page.getByRole("region", { name: "Last 24 hours" });
		const count = (label: string) => day.locator(`[data-count="${label}"] dd`).textContent();
		await expect(count("Runs")).resolves.toBe("6");
		await expect(count("Succeeded")).resolves.toBe("3");
		await expect(count("Failed")).resolves.toBe("2");
		await expect(count("Not ended")).resolves.toBe("1");
		await expect(day.getByRole("img").getAttribute("aria-label")).resolves.toMatch(
			/^Runs of the last 24 hours: 6 runs/,
		);
		const week = page.getByRole("region", { name: "Last 7 days" });
		await expect(week.locator('[data-count="Runs"] dd').textContent()).resolves.toBe("6");

		const busiest = page.getByRole("list", { name: "Busiest this week" });
		await expect(busiest.getByRole("listitem").first().textContent()).resolves.toContain(
			"Two calls",
		);
		const failing = page.getByRole("list", { name: "Most failing this week" });
		await expect(failing.textContent()).resolves.toContain("2 failed of 2");
		await expect(failing.textContent()).resolves.not.toContain("Two calls");
		// A waiting run holds no slot.
		await page.getByText("0 of 5 run slots in use").waitFor();
		await shotBothWidths(watched!, "28-overview");

		// A count opens the runs it counts.
		await day.locator('[data-count="Failed"] a').click();
		await page.waitForURL(/#\/runs\?.*result=FAILED/);
		await expect.poll(() => page.locator("tr[data-run]").count()).toBe(2);
	});

	it("lets an admin change the settings, with the API's error beside the field", async () => {
		const page = await openAs("admin", "#/settings");
		await page.getByRole("heading", { name: "Settings", level: 1 }).waitFor();
		const limit = page.getByLabel("Runs in progress at once");
		await expect(limit.inputValue()).resolves.toBe("5");
		await limit.fill("150");
		watched!.allowHttpStatus(422);
		await page.getByRole("button", { name: "Save settings" }).click();
		const field = page.locator(".field", { has: limit });
		await field.locator(".field-error").getByText(/100/).waitFor();
		await expect(limit.getAttribute("aria-invalid")).resolves.toBe("true");
		await shotBothWidths(watched!, "29-settings-error");

		await limit.fill("3");
		await page.getByLabel("Default signing secret").selectOption("SIGNING");
		const retention = page.getByLabel("Keep ended runs (days)");
		await expect(retention.inputValue()).resolves.toBe("30");
		await retention.fill("90");
		await page.getByRole("button", { name: "Save settings" }).click();
		await page.getByRole("status").getByText("Saved.").waitFor();
		const stored = await apiAs(server, tokens.admin, "GET", "/v1/tenant/settings");
		expect(await stored.json()).toMatchObject({
			maxConcurrentRuns: 3,
			defaultSigningSecret: "SIGNING",
			runRetentionDays: 90,
		});

		await page.getByRole("link", { name: "Overview" }).click();
		await page.getByText("0 of 3 run slots in use").waitFor();
	});

	it("shows a viewer the settings without a form", async () => {
		const page = await openAs("vera", "#/settings");
		await page.getByText("Only admins change them.").waitFor();
		await page.getByText("Runs in progress at once").waitFor();
		await expect(page.getByRole("button", { name: "Save settings" }).count()).resolves.toBe(0);
		await shotBothWidths(watched!, "30-settings-viewer");
	});
});

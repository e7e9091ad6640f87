// The API reference at /docs in a real browser: Swagger UI from the swagger-ui-dist package,
// served from this origin's static assets. It renders the OpenAPI document, and every request
// the page makes — scripts, styles, images, the document — goes to this origin and nowhere else.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DevServer } from "../e2e/harness";
import { startDevServer } from "../e2e/harness";
import { type BrowserSession, closeWatched, launchChromium, openPage } from "./browser";

let server: DevServer;
let chromium: BrowserSession;

beforeAll(async () => {
	[server, chromium] = await Promise.all([startDevServer(), launchChromium()]);
});

afterAll(async () => {
	await chromium?.close();
	await server?.stop();
});

describe("/docs", () => {
	it("renders the API reference with no request to any other origin", async () => {
		const watched = await openPage(chromium);
		const { page } = watched;
		const requested: string[] = [];
		page.on("request", (request) => requested.push(request.url()));
		try {
			const response = await page.goto(`${server.baseUrl}/docs`);
			expect(response?.status()).toBe(200);
			const csp = response?.headers()["content-security-policy"] ?? "";
			expect(csp).toContain("default-src 'self'");
			expect(csp).toContain("script-src 'self'");
			// No outside origin anywhere in the policy.
			expect(csp).not.toMatch(/https?:|\*/);
			await page.getByRole("heading", { name: /Stepline API/ }).waitFor();
			await page.getByText("/v1/workflows/{identifier}", { exact: true }).first().waitFor();
			const origin = new URL(server.baseUrl).origin;
			const elsewhere = requested.filter(
				(url) => !url.startsWith("data:") && new URL(url).origin !== origin,
			);
			expect(elsewhere).toEqual([]);
			expect(requested).toContain(`${origin}/openapi.json`);
			expect(requested).toContain(`${origin}/docs/swagger-ui-bundle.js`);
		} finally {
			// Fails on console errors, which is what a CSP violation is.
			expect(await closeWatched(watched)).toEqual([]);
		}
	});
});

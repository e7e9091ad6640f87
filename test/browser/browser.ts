// Drives Debian's Chromium (never a downloaded browser) with playwright-core against a
// throwaway `wrangler dev` from the e2e harness. Every page records console errors and
// uncaught exceptions so a test can fail on them, saves screenshots under
// test-results/browser/, and is checked with axe-core wherever a screenshot is taken.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { repoRoot } from "../e2e/harness";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const screenshotDir = join(repoRoot, "test-results/browser");

export const WIDTHS = { laptop: { width: 1280, height: 860 }, phone: { width: 390, height: 844 } };

export interface BrowserSession {
	context: BrowserContext;
	close(): Promise<void>;
}

export async function launchChromium(): Promise<BrowserSession> {
	const profile = mkdtempSync(join(tmpdir(), "stepline-chromium-"));
	// A persistent context is how playwright passes a fresh --user-data-dir; headless, no
	// network chatter of its own (updates, sync, component downloads).
	const context = await chromium.launchPersistentContext(profile, {
		executablePath: CHROMIUM,
		headless: true,
		viewport: WIDTHS.laptop,
		args: [
			"--no-sandbox",
			"--disable-gpu",
			"--disable-background-networking",
			"--disable-component-update",
			"--disable-sync",
			"--no-first-run",
		],
	});
	return {
		context,
		close: async () => {
			await context.close();
			rmSync(profile, { recursive: true, force: true });
		},
	};
}

export interface WatchedPage {
	page: Page;
	/** Console errors and uncaught exceptions seen so far (minus allowed ones). */
	problems: string[];
	/**
	 * Chromium logs every 4xx/5xx fetch as a console error ("Failed to load resource: … 422").
	 * A scenario that provokes one on purpose allows exactly that status; nothing else.
	 */
	allowHttpStatus(status: number): void;
	shot(name: string): Promise<void>;
}

/** A new page that remembers every console error and page error. */
export async function openPage(
	session: BrowserSession,
	viewport = WIDTHS.laptop,
): Promise<WatchedPage> {
	const page = await session.context.newPage();
	await page.setViewportSize(viewport);
	const problems: string[] = [];
	const allowed = new Set<number>();
	page.on("console", (message) => {
		if (message.type() !== "error") return;
		const status = /Failed to load resource: the server responded with a status of (\d{3})/.exec(
			message.text(),
		);
		if (status && allowed.has(Number(status[1]))) return;
		problems.push(`console: ${message.text()}`);
	});
	page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
	mkdirSync(screenshotDir, { recursive: true });
	return {
		page,
		problems,
		allowHttpStatus: (status) => allowed.add(status),
		shot: async (name) => {
			await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
		},
	};
}

const axeSource = readFileSync(
	createRequire(import.meta.url).resolve("axe-core/axe.min.js"),
	"utf8",
);

/** Impacts that fail a page: axe's "serious" and "critical" (not "moderate" or "minor"). */
const FAILING_IMPACTS = ["serious", "critical"];

/**
 * axe-core's violations on the page as it is now, serious or critical only, one line each
 * ("rule: help (selector, …)"). Injected through the DevTools protocol, so the page's
 * Content-Security-Policy (own scripts only) stays as it is.
 */
export async function accessibilityViolations(page: Page): Promise<string[]> {
	// Root tsconfig has no DOM types: the callbacks run in the page, where globalThis is window.
	if (!(await page.evaluate(() => "axe" in globalThis))) await page.evaluate(axeSource);
	return page.evaluate(async (impacts) => {
		const axe = (globalThis as any).axe;
		const result = await axe.run((globalThis as any).document, { resultTypes: ["violations"] });
		return (result.violations as any[])
			.filter((v) => impacts.includes(v.impact))
			.map(
				(v) =>
					`${v.id} (${v.impact}): ${v.help} at ${v.nodes
						.slice(0, 5)
						.map((n: any) => n.target.join(" "))
						.join(", ")}`,
			);
	}, FAILING_IMPACTS);
}

/** Fails with axe-core's serious and critical violations of the page as it is now. */
export async function expectAccessible(watched: WatchedPage, name: string) {
	const violations = await accessibilityViolations(watched.page);
	if (violations.length > 0)
		throw new Error(`axe-core on ${name}:\n${violations.map((v) => `  ${v}`).join("\n")}`);
}

/**
 * Screenshots of the current page at laptop and phone widths (back to laptop afterwards), and
 * an axe-core check at each width: every page a test shows is checked, feature pages included.
 */
export async function shotBothWidths(watched: WatchedPage, name: string) {
	await watched.page.setViewportSize(WIDTHS.laptop);
	await watched.shot(`${name}-1280`);
	await expectAccessible(watched, `${name} at 1280 px`);
	await watched.page.setViewportSize(WIDTHS.phone);
	await watched.shot(`${name}-390`);
	await expectAccessible(watched, `${name} at 390 px`);
	await watched.page.setViewportSize(WIDTHS.laptop);
}

/**
 * Closes a scenario's page and returns the console errors and page errors it saw: every
 * browser scenario ends with `expect(await closeWatched(watched)).toEqual([])`.
 */
export async function closeWatched(watched: WatchedPage | undefined): Promise<string[]> {
	const problems = watched?.problems ?? [];
	await watched?.page.close();
	return problems;
}

#!/usr/bin/env node
// `npm test`: every check CI runs, in order, stopping at the first failure.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

// The browser suite drives the system's Chromium (never a downloaded one): say how to get it
// rather than fail with playwright's stack trace. Same default as test/browser/browser.ts.
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const BROWSER_SUITE = "browser tests (Chromium)";

const steps = [
	["type check", "npx", ["tsc", "--noEmit", "-p", "."]],
	["type check (admin page)", "npx", ["tsc", "--noEmit", "-p", "web"]],
	["lint", "npx", ["biome", "check", "."]],
	// No import cycles, run/ and tenant/ apart, engine/ pure (.dependency-cruiser.mjs).
	["import rules", "npm", ["run", "-s", "check:imports"]],
	["engine tests (Node)", "npx", ["vitest", "run", "--config", "vitest.node.config.mts"]],
	["worker tests (workerd)", "npx", ["vitest", "run", "--config", "vitest.config.mts"]],
	[
		"end-to-end tests (wrangler dev)",
		"npx",
		["vitest", "run", "--config", "vitest.e2e.config.mts"],
	],
	[BROWSER_SUITE, "npx", ["vitest", "run", "--config", "vitest.browser.config.mts"]],
];

const only = process.argv.slice(2);
for (const [name, cmd, args] of steps) {
	if (only.length > 0 && !only.some((o) => name.startsWith(o))) continue;
	console.log(`\n▶ ${name}`);
	if (name === BROWSER_SUITE && !existsSync(chromium)) {
		console.error(
			`✖ ${name}: no Chromium at ${chromium}. Install Debian's (sudo apt-get install chromium; .ci/run does it) or set CHROMIUM_PATH.`,
		);
		process.exit(1);
	}
	const started = Date.now();
	const result = spawnSync(cmd, args, {
		stdio: "inherit",
		env: { ...process.env, FORCE_COLOR: "0" },
	});
	const seconds = ((Date.now() - started) / 1000).toFixed(1);
	if (result.status !== 0) {
		console.error(`✖ ${name} failed after ${seconds}s`);
		process.exit(result.status ?? 1);
	}
	console.log(`✔ ${name} (${seconds}s)`);
}

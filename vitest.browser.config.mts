import { defineConfig } from "vitest/config";

// Browser tests: Debian's Chromium (playwright-core) against a real `wrangler dev` per file.
// One file at a time (2 cores, one server and one browser each), with generous timeouts.
export default defineConfig({
	test: {
		include: ["test/browser/**/*.test.ts"],
		environment: "node",
		fileParallelism: false,
		testTimeout: 90_000,
		hookTimeout: 120_000,
		teardownTimeout: 30_000,
	},
});

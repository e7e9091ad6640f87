import { defineConfig } from "vitest/config";

// End-to-end tests drive `wrangler dev` and the npm scripts from plain Node. Each file starts
// its own server (tens of seconds), so files run one at a time with generous timeouts.
export default defineConfig({
	test: {
		include: ["test/e2e/**/*.test.ts"],
		environment: "node",
		fileParallelism: false,
		testTimeout: 60_000,
		hookTimeout: 120_000,
		teardownTimeout: 30_000,
	},
});

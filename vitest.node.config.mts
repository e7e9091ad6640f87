import { defineConfig } from "vitest/config";

// The engine is pure TypeScript: its tests run in plain Node, no workerd. So do the CLI's
// offline commands (run as `node cli/bin.mjs`) and the typed client's drift check.
export default defineConfig({
	test: {
		include: ["engine/**/*.test.ts", "cli/**/*.test.ts", "clients/**/*.test.ts"],
		environment: "node",
	},
});

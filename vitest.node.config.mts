import { defineConfig } from "vitest/config";

// The engine is pure TypeScript: its tests run in plain Node, no workerd.
export default defineConfig({
	test: {
		include: ["engine/**/*.test.ts"],
		environment: "node",
	},
});

import { defineConfig } from "drizzle-kit";

// `npm run db:generate` writes reviewed SQL into migrations/, applied by `wrangler d1 migrations apply`.
export default defineConfig({
	dialect: "sqlite",
	schema: "./worker/db/schema.ts",
	out: "./migrations",
});

import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

// Worker and Durable Object tests run inside workerd against a real local D1.
export default defineConfig(async () => {
	const migrations = await readD1Migrations("./migrations");
	return {
		plugins: [
			cloudflareTest({
				wrangler: { configPath: "./wrangler.toml" },
				miniflare: {
					bindings: {
						TEST_MIGRATIONS: migrations,
						JWT_SECRET: "test-secret-do-not-use-in-production-0123456789",
						// 32 bytes of 0x01 under key id "test": tests read raw rows and must find no plaintext.
						SECRETS_MASTER_KEY: `test:${Buffer.alloc(32, 1).toString("base64")}`,
						// Outgoing calls in tests go to the real receiver on loopback (test/support).
						ALLOW_LOOPBACK_TARGETS: "true",
						// Callback URLs and answer links are made under it (test/worker/helpers.ts BASE).
						PUBLIC_URL: "https://stepline.test",
					},
					// Small request quotas for test/worker/request-rate.test.ts, counted by real Rate
					// Limiting bindings of its own: the app's quotas are too large to reach in a test.
					ratelimits: {
						TEST_TENANT_RATE_LIMITER: { namespace_id: "9001", simple: { limit: 40, period: 10 } },
						TEST_TOKEN_RATE_LIMITER: { namespace_id: "9002", simple: { limit: 20, period: 10 } },
					},
				},
			}),
		],
		test: {
			include: ["test/worker/**/*.test.ts"],
			setupFiles: ["./test/worker/apply-migrations.ts"],
			globalSetup: ["./test/support/global-setup.ts"],
		},
	};
});

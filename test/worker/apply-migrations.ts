import { applyD1Migrations, env } from "cloudflare:test";

// Runs in every test file's isolated storage; applyD1Migrations skips already-applied ones.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);

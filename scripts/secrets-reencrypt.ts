// `npm run secrets:reencrypt -- [--local | --remote] [--persist-to DIR] [--dry-run]`
// Re-encrypts every tenant secret stored under an older master key with the current one (the
// first entry of SECRETS_MASTER_KEY), through `wrangler d1 execute`. Safe to run again and to
// run while the Worker serves: each update only applies to the row it read (same version,
// same old key id); a row written meanwhile is already under the current key. See README
// "Secrets" for the whole rotation.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { KeyRingError, parseKeyRing } from "../engine/crypto/keyring";
import {
	reencryptRows,
	type StoredSecret,
	staleRowsQuery,
	updateStatement,
} from "../worker/secrets/reencrypt";
import { devVarsPath, parseDevVars } from "./lib/dev-vars.mjs";
import { repoRoot } from "./lib/paths.mjs";
import { wranglerBin } from "./lib/process.mjs";

const USAGE = `Usage: npm run secrets:reencrypt -- [--local | --remote] [--persist-to DIR] [--dry-run]

  --local        the local D1 of npm start (default); stop npm start first
  --remote       the deployed D1 (wrangler's login); the Worker may keep serving
  --persist-to   local state directory (default STEPLINE_STATE_DIR or .wrangler/state)
  --dry-run      only count what would be re-encrypted

The key ring comes from the SECRETS_MASTER_KEY environment variable, else (local only) from
.dev.vars (STEPLINE_DEV_VARS): the same value the Worker has, new key first.`;

const PAGE = 100;

function fail(message: string, code = 2): never {
	console.error(`secrets:reencrypt: ${message}`);
	process.exit(code);
}

const { values: args } = (() => {
	try {
		return parseArgs({
			options: {
				local: { type: "boolean" },
				remote: { type: "boolean" },
				"persist-to": { type: "string" },
				"dry-run": { type: "boolean" },
				help: { type: "boolean", short: "h" },
			},
		});
	} catch (error) {
		return fail(`${(error as Error).message}\n\n${USAGE}`);
	}
})();
if (args.help) {
	console.log(USAGE);
	process.exit(0);
}
if (args.local && args.remote) fail("choose one of --local and --remote");
const remote = args.remote === true;

const ringText =
	process.env.SECRETS_MASTER_KEY ??
	(!remote && existsSync(devVarsPath())
		? parseDevVars(readFileSync(devVarsPath(), "utf8")).SECRETS_MASTER_KEY
		: undefined);
let ring: ReturnType<typeof parseKeyRing>;
try {
	ring = parseKeyRing(ringText);
} catch (error) {
	if (error instanceof KeyRingError) fail(error.message);
	throw error;
}

const target = remote
	? ["--remote"]
	: [
			"--local",
			"--persist-to",
			resolve(
				args["persist-to"] ?? process.env.STEPLINE_STATE_DIR ?? join(repoRoot, ".wrangler/state"),
			),
		];

function d1(extra: string[]): unknown {
	const out = execFileSync(
		process.execPath,
		[wranglerBin, "d1", "execute", "DB", ...target, "--json", ...extra],
		{
			cwd: repoRoot,
			env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false" },
			encoding: "utf8",
			maxBuffer: 64 * 1024 * 1024,
		},
	);
	return JSON.parse(out);
}

function select(sql: string): StoredSecret[] {
	const [result] = d1(["--command", sql]) as { results: StoredSecret[] }[];
	return result?.results ?? [];
}

const work = mkdtempSync(join(tmpdir(), "stepline-reencrypt-"));
let done = 0;
let failed = 0;
let after: { tenant_id: string; name: string } | null = null;
try {
	for (;;) {
		const rows = select(staleRowsQuery(ring.current, after, PAGE));
		if (rows.length === 0) break;
		after = rows[rows.length - 1] ?? null;
		const plan = await reencryptRows(ring, rows);
		for (const failure of plan.failures) {
			failed++;
			console.error(`  cannot re-encrypt ${failure.tenant_id}/${failure.name}: ${failure.reason}`);
		}
		if (args["dry-run"] || plan.updates.length === 0) {
			done += plan.updates.length;
			continue;
		}
		// Ciphertexts only go through the file: no plaintext ever leaves this process.
		const file = join(work, "update.sql");
		writeFileSync(file, plan.updates.map(updateStatement).join("\n"), { mode: 0o600 });
		d1(["--file", file, "--yes"]);
		done += plan.updates.length;
	}
} finally {
	rmSync(work, { recursive: true, force: true });
}

const verb = args["dry-run"] ? "would re-encrypt" : "re-encrypted";
console.log(
	`${verb} ${done} secret${done === 1 ? "" : "s"} under key "${ring.current}"${failed ? `; ${failed} could not be opened with this key ring` : ""}`,
);
if (failed > 0) process.exit(1);

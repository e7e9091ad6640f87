// Local secrets for `wrangler dev`, shared by start.mjs and token.mjs so both sign and
// verify with the same JWT_SECRET, and the master key of tenant secrets (SECRETS_MASTER_KEY).
// The file is git-ignored (.dev.vars) and never printed.
import { randomBytes } from "node:crypto";
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { repoRoot } from "./paths.mjs";

/**
 * Where the local vars live. STEPLINE_DEV_VARS lets tests (and anyone running a second
 * instance) point start.mjs and token.mjs at a throwaway file instead of `.dev.vars`.
 */
export function devVarsPath() {
	const override = process.env.STEPLINE_DEV_VARS;
	return override ? resolve(override) : resolve(repoRoot, ".dev.vars");
}

/** Minimal dotenv parse: KEY=VALUE lines, `#` comments, optional surrounding quotes. */
export function parseDevVars(text) {
	const vars = {};
	for (const raw of text.split(/\r?\n/)) {
		const line = raw.trim();
		if (line === "" || line.startsWith("#")) continue;
		const eq = line.indexOf("=");
		if (eq <= 0) continue;
		const key = line.slice(0, eq).trim();
		let value = line.slice(eq + 1).trim();
		const quoted = /^(["']).*\1$/.test(value);
		if (quoted) value = value.slice(1, -1);
		vars[key] = value;
	}
	return vars;
}

// Defaults are functions so a fresh secret is drawn only when the key is actually missing.
const DEFAULTS = {
	JWT_SECRET: () => randomBytes(32).toString("base64url"),
	// Encrypts tenant secrets: "<key id>:<base64 key>", newest first (README "Secrets").
	SECRETS_MASTER_KEY: () => `k1:${randomBytes(32).toString("base64")}`,
	// Lets local workflows call http://127.0.0.1 services; production never sets it.
	ALLOW_LOOPBACK_TARGETS: () => "true",
};

/**
 * Creates the file if missing and appends any missing default key, leaving existing values
 * alone (re-running never rotates the secret, so old tokens keep working).
 * Returns { path, vars, created, added } — callers must not print vars.JWT_SECRET or
 * vars.SECRETS_MASTER_KEY.
 */
export function ensureDevVars(path = devVarsPath()) {
	const created = !existsSync(path);
	const text = created ? "" : readFileSync(path, "utf8");
	const vars = parseDevVars(text);
	const added = Object.keys(DEFAULTS).filter((key) => !(key in vars) || vars[key] === "");
	if (added.length > 0) {
		const lines = added.map((key) => {
			vars[key] = DEFAULTS[key]();
			return `${key}=${vars[key]}\n`;
		});
		if (created) {
			const header =
				"# Local secrets for wrangler dev (created by scripts/start.mjs). Never commit.\n";
			writeFileSync(path, header + lines.join(""), { mode: 0o600 });
		} else {
			const sep = text === "" || text.endsWith("\n") ? "" : "\n";
			appendFileSync(path, sep + lines.join(""));
		}
	}
	return { path, vars, created, added };
}

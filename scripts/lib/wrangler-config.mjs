// Reads the few `[vars]` the scripts need from wrangler.toml without a TOML dependency:
// only `KEY = "string"` lines inside the top-level [vars] table are understood, which is
// all this repository writes there.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { repoRoot } from "./paths.mjs";

export function readWranglerVars(path = resolve(repoRoot, "wrangler.toml")) {
	const vars = {};
	let inVars = false;
	for (const raw of readFileSync(path, "utf8").split(/\r?\n/)) {
		const line = raw.trim();
		if (line.startsWith("[")) {
			inVars = line === "[vars]";
			continue;
		}
		if (!inVars) continue;
		const match = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*(#.*)?$/.exec(line);
		if (match) vars[match[1]] = JSON.parse(`"${match[2]}"`);
	}
	return vars;
}

/** Issuer and audience the Worker checks; both must be present or tokens would never verify. */
export function readJwtConfig() {
	const vars = readWranglerVars();
	const issuer = vars.JWT_ISSUER;
	const audience = vars.JWT_AUDIENCE;
	if (!issuer || !audience) {
		throw new Error("wrangler.toml [vars] must set JWT_ISSUER and JWT_AUDIENCE");
	}
	return { issuer, audience };
}

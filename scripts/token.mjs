#!/usr/bin/env node
// `npm run token -- --tenant T --sub U --role admin|member|viewer [--ttl 1h] [--scope S]`
// Prints one JWT for the local configuration. Only the token goes to stdout, so
// `TOKEN=$(npm run -s token -- --tenant demo --sub me@demo.local --role admin)` works.
import { parseArgs } from "node:util";
import { parseTtl, ROLES, signDevToken } from "./lib/jwt.mjs";
import { readWranglerVars } from "./lib/wrangler-config.mjs";

const USAGE = `Usage: npm run -s token -- --tenant <id> --sub <user> --role <${ROLES.join("|")}> [--ttl 1h] [--scope <s>]

Prints an HS256 bearer token accepted by the local Worker (npm start).

  --tenant  tenant id, becomes the "tid" claim (tenants are implicit: any id works)
  --sub     user id, becomes the "sub" claim
  --role    ${ROLES.join(" | ")}
  --ttl     lifetime: <n>s, <n>m, <n>h or <n>d (default 1h, at most JWT_MAX_TTL)
  --scope   optional "scope" claim

The signing secret is JWT_SECRET from .dev.vars (created if missing); set
STEPLINE_DEV_VARS=<path> to use another file. iss/aud come from wrangler.toml [vars].`;

function fail(message) {
	console.error(`token: ${message}\n\n${USAGE}`);
	process.exit(2);
}

let values;
try {
	({ values } = parseArgs({
		options: {
			tenant: { type: "string" },
			sub: { type: "string" },
			role: { type: "string" },
			ttl: { type: "string", default: "1h" },
			scope: { type: "string" },
			help: { type: "boolean", short: "h" },
		},
		strict: true,
		allowPositionals: false,
	}));
} catch (error) {
	fail(error.message);
}

if (values.help) {
	console.log(USAGE);
	process.exit(0);
}
for (const name of ["tenant", "sub", "role"]) {
	if (!values[name]?.trim()) fail(`--${name} is required`);
}
// Same rule as worker/auth/verify-token.ts, so a bad tenant fails here, not as a 401 later.
if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/.test(values.tenant)) {
	fail(
		`--tenant must be 1-63 letters, digits, "_", "." or "-" (starting alphanumeric), got "${values.tenant}"`,
	);
}
if (!ROLES.includes(values.role))
	fail(`--role must be one of ${ROLES.join(", ")}, got "${values.role}"`);
if (parseTtl(values.ttl) === undefined)
	fail(`--ttl must look like 90s, 30m, 1h or 7d, got "${values.ttl}"`);
// The Worker refuses a token minted to live longer than JWT_MAX_TTL: say so here, not as a 401.
const maxTtl = readWranglerVars().JWT_MAX_TTL || "24h";
if (parseTtl(maxTtl) !== undefined && parseTtl(values.ttl) > parseTtl(maxTtl))
	fail(
		`--ttl ${values.ttl} is longer than JWT_MAX_TTL (${maxTtl}, wrangler.toml), which the server refuses`,
	);

try {
	console.log(await signDevToken(values));
} catch (error) {
	console.error(`token: ${error.message}`);
	process.exit(1);
}

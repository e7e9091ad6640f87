#!/usr/bin/env node
// `npm run size:web`: the gzip size of what the admin page's first load fetches: index.html
// and every stylesheet and script it references (the bundle has no lazy chunks). Builds the
// page first when it is stale. Exits 1 over the budget (under 100 KB of JS + CSS, gzip).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { buildWeb, webIsStale, webOut } from "./build-web.mjs";

export const BUDGET_BYTES = 100_000;

/** Files the first load fetches, as paths under /admin/, with raw and gzip sizes. */
export async function measureFirstLoad() {
	if (webIsStale()) await buildWeb();
	const html = readFileSync(join(webOut, "index.html"), "utf8");
	const referenced = [...html.matchAll(/(?:href|src)="\/admin\/([^"]+\.(?:js|css))"/g)].map(
		(m) => m[1],
	);
	const files = ["index.html", ...referenced].map((name) => {
		const bytes = readFileSync(join(webOut, name));
		// Level 9: what a CDN's best gzip sends; brotli would be smaller still.
		return { name, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
	});
	const assets = files.filter((f) => /\.(js|css)$/.test(f.name));
	const jsCssGzip = assets.reduce((sum, f) => sum + f.gzip, 0);
	return { files, jsCssGzip };
}

async function main() {
	const { files, jsCssGzip } = await measureFirstLoad();
	const kb = (n) => `${(n / 1000).toFixed(1)} KB`;
	for (const f of files)
		console.log(`${f.name.padEnd(12)} ${kb(f.raw).padStart(9)} raw ${kb(f.gzip).padStart(9)} gzip`);
	console.log(`JS + CSS, gzip: ${kb(jsCssGzip)} (budget ${kb(BUDGET_BYTES)})`);
	if (jsCssGzip >= BUDGET_BYTES) {
		console.error("over budget");
		process.exit(1);
	}
}

if (import.meta.url === `file://${process.argv[1]}`) await main();

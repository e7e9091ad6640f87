#!/usr/bin/env node
// `npm run size:web`: the gzip size of what the admin page's first load fetches: index.html,
// every stylesheet and script it references, and every chunk those scripts import statically.
// Chunks loaded only with import() (the workflow editor) are not part of the first load; they
// are listed apart. Builds the page first when it is stale. Exits 1 over the budget (under
// 100 KB of JS + CSS, gzip).
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
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
	const firstLoad = new Set(referenced);
	// Static imports (`import{a}from"./chunks/x.js"`, `import"./x.js"`) load with their importer;
	// `import("./x.js")` does not match (a parenthesis follows the keyword).
	for (const name of firstLoad) {
		if (!name.endsWith(".js")) continue;
		const code = readFileSync(join(webOut, name), "utf8");
		for (const m of code.matchAll(/(?:\bfrom|\bimport)\s*"(\.{1,2}\/[^"]+\.js)"/g)) {
			firstLoad.add(relative(webOut, normalize(join(webOut, dirname(name), m[1]))));
		}
	}
	const sized = (name) => {
		const bytes = readFileSync(join(webOut, name));
		// Level 9: what a CDN's best gzip sends; brotli would be smaller still.
		return { name, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
	};
	const files = ["index.html", ...firstLoad].map(sized);
	const assets = files.filter((f) => /\.(js|css)$/.test(f.name));
	const jsCssGzip = assets.reduce((sum, f) => sum + f.gzip, 0);
	const lazy = chunkNames()
		.filter((name) => !firstLoad.has(name))
		.map(sized);
	return { files, jsCssGzip, lazy };
}

function chunkNames() {
	try {
		return readdirSync(join(webOut, "chunks"))
			.filter((f) => /\.(js|css)$/.test(f))
			.map((f) => `chunks/${f}`);
	} catch {
		return [];
	}
}

async function main() {
	const { files, jsCssGzip, lazy } = await measureFirstLoad();
	const kb = (n) => `${(n / 1000).toFixed(1)} KB`;
	const line = (f) =>
		console.log(`${f.name.padEnd(34)} ${kb(f.raw).padStart(9)} raw ${kb(f.gzip).padStart(9)} gzip`);
	files.forEach(line);
	console.log(`JS + CSS, gzip: ${kb(jsCssGzip)} (budget ${kb(BUDGET_BYTES)})`);
	if (lazy.length > 0) {
		console.log("Loaded later, by the pages that need them:");
		lazy.forEach(line);
	}
	if (jsCssGzip >= BUDGET_BYTES) {
		console.error("over budget");
		process.exit(1);
	}
}

if (import.meta.url === `file://${process.argv[1]}`) await main();

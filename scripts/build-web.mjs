#!/usr/bin/env node
// `npm run build:web`: bundles the admin page (web/src) into web/dist/admin/ with esbuild, where
// the Worker serves it as static assets at /admin/ (wrangler.toml [assets]), and puts the API
// reference (web/docs and Swagger UI's files) in web/dist/docs/, served at /docs/.
//
//   node scripts/build-web.mjs             always build
//   node scripts/build-web.mjs --if-stale  build only when web/dist is missing or older than
//                                          web/src (npm start, the e2e and browser harness)
//
// The entry files (app.js, app.css) carry no hash, so they keep the platform's default
// revalidating cache (ETag, max-age=0). Code that only some pages need (the workflow editor)
// is split into chunks/ named by their content's hash: a page loads it when it opens, and a
// new build never serves an old chunk under a name the new app.js asks for.
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));
export const webSrc = resolve(repoRoot, "web/src");
export const webOut = resolve(repoRoot, "web/dist/admin");
/** The API reference page (web/docs) and the Swagger UI files it runs, served at /docs/. */
const docsSrc = resolve(repoRoot, "web/docs");
const docsOut = resolve(repoRoot, "web/dist/docs");
const SWAGGER_UI_FILES = ["swagger-ui-bundle.js", "swagger-ui.css", "LICENSE"];
const stamp = join(webOut, "app.js");

function newestMtime(dir) {
	let newest = 0;
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const path = join(dir, entry.name);
		const mtime = entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs;
		newest = Math.max(newest, mtime);
	}
	return newest;
}

/** True when the bundle is missing or any source (or this script) changed after it. */
export function webIsStale() {
	if (!existsSync(stamp) || !existsSync(join(docsOut, "index.html"))) return true;
	const inputs = Math.max(
		newestMtime(webSrc),
		newestMtime(docsSrc),
		statSync(fileURLToPath(import.meta.url)).mtimeMs,
	);
	return statSync(stamp).mtimeMs < inputs;
}

export async function buildWeb() {
	// Imported lazily so `npm start` can load this file before `npm ci` has installed esbuild.
	const { build } = await import("esbuild");
	rmSync(webOut, { recursive: true, force: true });
	mkdirSync(webOut, { recursive: true });
	const started = Date.now();
	const result = await build({
		entryPoints: { app: join(webSrc, "main.tsx") },
		outdir: webOut,
		bundle: true,
		minify: true,
		format: "esm",
		splitting: true,
		chunkNames: "chunks/[name]-[hash]",
		target: "es2022",
		jsx: "automatic",
		jsxImportSource: "preact",
		sourcemap: "linked",
		legalComments: "linked",
		metafile: true,
		logLevel: "warning",
	});
	copyFileSync(join(webSrc, "index.html"), join(webOut, "index.html"));
	// Security headers of the static files: read by the platform from the assets root.
	copyFileSync(join(webSrc, "_headers"), resolve(webOut, "../_headers"));
	const files = Object.keys(result.metafile.outputs).length + 1 + copyDocs();
	return { files, ms: Date.now() - started };
}

/**
 * /docs without a third-party script: the page and Swagger UI's own files from node_modules,
 * served from this origin like the admin page (the same version every build, from the lock).
 */
function copyDocs() {
	rmSync(docsOut, { recursive: true, force: true });
	mkdirSync(docsOut, { recursive: true });
	const swaggerUi = resolve(repoRoot, "node_modules/swagger-ui-dist");
	for (const name of SWAGGER_UI_FILES) copyFileSync(join(swaggerUi, name), join(docsOut, name));
	const own = readdirSync(docsSrc);
	for (const name of own) copyFileSync(join(docsSrc, name), join(docsOut, name));
	return SWAGGER_UI_FILES.length + own.length;
}

async function main() {
	if (process.argv.includes("--if-stale") && !webIsStale()) return;
	const { files, ms } = await buildWeb();
	console.log(`[build:web] ${files} files in web/dist/admin and web/dist/docs (${ms} ms)`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
	main().catch((error) => {
		console.error(`[build:web] ${error.message}`);
		process.exit(1);
	});
}

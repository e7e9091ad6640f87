#!/usr/bin/env node
// The API's OpenAPI document without a server: the Worker's app (worker/app.ts) bundled with
// esbuild for Node, asked for /openapi.json in process. The document is built from the routes'
// zod schemas alone, so the Durable Object base class the bundle pulls in through the routes
// is replaced by an empty one (nothing here constructs an object).
//
//   node scripts/openapi-document.mjs   prints the document
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));

const cloudflareStub = {
	name: "cloudflare-workers-stub",
	setup(build) {
		build.onResolve({ filter: /^cloudflare:workers$/ }, () => ({
			path: "cloudflare:workers",
			namespace: "stub",
		}));
		build.onLoad({ filter: /.*/, namespace: "stub" }, () => ({
			contents:
				"export class DurableObject { constructor(ctx, env) { this.ctx = ctx; this.env = env; } }",
			loader: "js",
		}));
	},
};

/** The document exactly as GET /openapi.json serves it, as a parsed object. */
export async function openApiDocument() {
	const { build } = await import("esbuild");
	const result = await build({
		absWorkingDir: repoRoot,
		stdin: {
			contents: 'export { createApp } from "./worker/app.ts";',
			resolveDir: repoRoot,
			loader: "ts",
		},
		bundle: true,
		platform: "node",
		format: "esm",
		target: "node20",
		write: false,
		logLevel: "warning",
		plugins: [cloudflareStub],
	});
	const dir = mkdtempSync(join(tmpdir(), "stepline-openapi-"));
	try {
		const file = join(dir, "app.mjs");
		writeFileSync(file, result.outputFiles[0].contents);
		const { createApp } = await import(pathToFileURL(file).href);
		const response = await createApp().request("/openapi.json");
		if (!response.ok) throw new Error(`GET /openapi.json answered ${response.status}`);
		return await response.json();
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
	process.stdout.write(`${JSON.stringify(await openApiDocument(), null, 2)}\n`);
}

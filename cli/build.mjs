// The CLI's bundle: cli/src (TypeScript, importing engine/ and worker/ code) → one ESM file for
// plain Node 20+, so `stepline` needs neither tsx nor a TypeScript loader at run time.
// `cli/bin.mjs` calls this when the bundle is missing or older than any file it was built from
// (listed in the esbuild metafile beside it); `npm run build:cli` forces it.
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
export const bundlePath = here("dist/stepline.mjs");
const metaPath = here("dist/meta.json");
const repoRoot = here("..");

/**
 * True when the bundle is missing, or when it came from this checkout (a metafile is beside
 * it) and one of its inputs changed since. A packed CLI ships the bundle without a metafile.
 */
export function isStale() {
	if (!existsSync(bundlePath)) return true;
	if (!existsSync(metaPath)) return false;
	const built = statSync(bundlePath).mtimeMs;
	const { inputs } = JSON.parse(readFileSync(metaPath, "utf8"));
	for (const input of [...Object.keys(inputs), "cli/build.mjs", "package-lock.json"]) {
		const path = `${repoRoot}/${input}`;
		if (!existsSync(path) || statSync(path).mtimeMs > built) return true;
	}
	return false;
}

export async function buildCli() {
	const { build } = await import("esbuild");
	const result = await build({
		absWorkingDir: repoRoot,
		entryPoints: ["cli/src/main.ts"],
		bundle: true,
		platform: "node",
		format: "esm",
		target: "node20",
		// ESM builds first: jsonc-parser's UMD "main" requires its own files at run time.
		mainFields: ["module", "main"],
		write: false,
		metafile: true,
		logLevel: "warning",
		// A bundled CommonJS dependency may call require() for Node's built-ins.
		banner: {
			js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);',
		},
	});
	mkdirSync(here("dist"), { recursive: true });
	const [output] = result.outputFiles;
	// Written aside and renamed: two commands building at once each see a whole file.
	const temp = `${bundlePath}.${process.pid}.tmp`;
	writeFileSync(temp, output.contents);
	renameSync(temp, bundlePath);
	const metaTemp = `${metaPath}.${process.pid}.tmp`;
	writeFileSync(metaTemp, JSON.stringify({ inputs: result.metafile.inputs }));
	renameSync(metaTemp, metaPath);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildCli();

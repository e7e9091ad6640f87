// The first load of the admin page stays under 100 KB of JS + CSS (gzip), measured by the same
// script as `npm run size:web`; the workflow editor (CodeMirror) is a chunk of its own that
// only the editor's pages load.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect, it } from "vitest";
import { repoRoot } from "../e2e/harness";

it("keeps the admin page's first load under 100 KB of JS + CSS, gzip", async () => {
	const { stdout } = await promisify(execFile)(process.execPath, [
		join(repoRoot, "scripts/measure-web.mjs"),
	]);
	const total = /JS \+ CSS, gzip: ([\d.]+) KB/.exec(stdout);
	expect(total, stdout).not.toBeNull();
	expect(Number(total?.[1])).toBeGreaterThan(5); // the bundle really was measured
	expect(Number(total?.[1])).toBeLessThan(100);
	const [firstLoad = "", later = ""] = stdout.split("Loaded later");
	expect(later).toMatch(/chunks\/workflow-editor-\w+\.js/);
	expect(firstLoad).not.toMatch(/workflow-editor|version-compare/);
});

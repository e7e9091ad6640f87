/**
 * The checked-in client must match the API: its generated files are made again from the app's
 * OpenAPI document as it is now and compared byte for byte. A route, schema or operationId
 * changed without `npm run client:generate` fails here, naming the file and the command.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generatedDir, generatedFiles } from "../../scripts/generate-client.mjs";

describe("clients/typescript/generated", () => {
	it("is what `npm run client:generate` makes from the API as it is now", async () => {
		const files = await generatedFiles();
		expect(Object.keys(files).sort()).toEqual(["openapi.json", "operations.ts", "schema.ts"]);
		for (const [name, content] of Object.entries(files)) {
			const checkedIn = readFileSync(join(generatedDir, name), "utf8");
			expect(
				checkedIn === content,
				`clients/typescript/generated/${name} differs from the API: run npm run client:generate and commit it`,
			).toBe(true);
		}
	}, 60_000);

	it("names every operation by its operationId, once", async () => {
		const document = JSON.parse(readFileSync(join(generatedDir, "openapi.json"), "utf8"));
		const ids = Object.values(
			document.paths as Record<string, Record<string, { operationId?: string }>>,
		).flatMap((item) => Object.values(item).map((op) => op.operationId));
		expect(ids.every((id) => typeof id === "string")).toBe(true);
		expect(new Set(ids).size).toBe(ids.length);
	});
});

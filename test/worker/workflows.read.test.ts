import { describe, expect, it } from "vitest";
import { as, expectProblem, sampleWorkflow, uniqueTenant } from "./helpers";

describe("GET /v1/workflows/{identifier}", () => {
	it("returns the latest version with its metadata", async () => {
		const alice = await as({ tenant: uniqueTenant(), sub: "alice" });
		await alice.call("/v1/workflows", { method: "POST", body: sampleWorkflow() });
		await alice.call("/v1/workflows/deploy_service", {
			method: "PUT",
			body: { ...sampleWorkflow(), title: "Deploy, v2" },
		});
		const res = await alice.call("/v1/workflows/deploy_service");
		expect(res.status).toBe(200);
		expect(res.body).toMatchObject({
			identifier: "deploy_service",
			title: "Deploy, v2",
			version: 2,
			createdBy: "alice",
		});
		expect(res.body.definition.title).toBe("Deploy, v2");
	});

	it("is 404 for an unknown identifier, naming it", async () => {
		const res = await (await as({ tenant: uniqueTenant() })).call("/v1/workflows/nope");
		expect(expectProblem(res, 404, "not_found").detail).toContain('"nope"');
	});

	it("is 422 for a malformed identifier", async () => {
		const res = await (await as({ tenant: uniqueTenant() })).call("/v1/workflows/9%20bad");
		expect(expectProblem(res, 422, "validation_failed").errors?.[0]).toMatchObject({
			in: "path",
			pointer: "/identifier",
		});
	});

	it("lets viewers read", async () => {
		const tenant = uniqueTenant();
		await (await as({ tenant })).call("/v1/workflows", { method: "POST", body: sampleWorkflow() });
		const viewer = await as({ tenant, role: "viewer" });
		expect((await viewer.call("/v1/workflows/deploy_service")).status).toBe(200);
		expect((await viewer.call("/v1/workflows")).body.data).toHaveLength(1);
	});
});

describe("GET /v1/workflows", () => {
	async function seeded(count: number) {
		const admin = await as({ tenant: uniqueTenant() });
		for (let i = 0; i < count; i++) {
			const id = `wf_${String(i).padStart(2, "0")}`;
			await admin.call("/v1/workflows", {
				method: "POST",
				body: sampleWorkflow(id, i % 2 ? `Odd ${i}` : `Even ${i}`),
			});
		}
		return admin;
	}

	it("pages through every workflow exactly once, ordered by identifier", async () => {
		const admin = await seeded(7);
		const seen: string[] = [];
		let cursor: string | null = null;
		do {
			const res: { body: { data: { identifier: string }[]; nextCursor: string | null } } =
				await admin.call(`/v1/workflows?limit=3${cursor ? `&cursor=${cursor}` : ""}`);
			expect(res.body.data.length).toBeLessThanOrEqual(3);
			seen.push(...res.body.data.map((w) => w.identifier));
			cursor = res.body.nextCursor;
		} while (cursor);
		expect(seen).toEqual(["wf_00", "wf_01", "wf_02", "wf_03", "wf_04", "wf_05", "wf_06"]);
	});

	it("searches identifier and title, case-insensitively", async () => {
		const admin = await seeded(5);
		const byTitle = await admin.call("/v1/workflows?search=odd");
		expect(byTitle.body.data.map((w: { identifier: string }) => w.identifier)).toEqual([
			"wf_01",
			"wf_03",
		]);
		const byId = await admin.call("/v1/workflows?search=wf_04");
		expect(byId.body.data).toHaveLength(1);
		// LIKE wildcards in the search text match literally.
		expect((await admin.call("/v1/workflows?search=%25")).body.data).toHaveLength(0);
	});

	it("lists summaries without definitions", async () => {
		const admin = await seeded(1);
		const [item] = (await admin.call("/v1/workflows")).body.data;
		expect(item).toMatchObject({ identifier: "wf_00", version: 1 });
		expect(item.definition).toBeUndefined();
	});

	it("rejects a limit over 100 and a cursor it did not issue", async () => {
		const admin = await as({ tenant: uniqueTenant() });
		const tooMany = expectProblem(
			await admin.call("/v1/workflows?limit=101"),
			422,
			"validation_failed",
		);
		expect(tooMany.errors?.[0]).toMatchObject({ in: "query", pointer: "/limit" });
		const badCursor = expectProblem(
			await admin.call("/v1/workflows?cursor=garbage"),
			422,
			"validation_failed",
		);
		expect(badCursor.errors?.[0]).toMatchObject({ in: "query", pointer: "/cursor" });
		// A runs listing's cursor is not a workflows cursor, though both name an `i`.
		const runsCursor = btoa(JSON.stringify({ t: Date.now(), i: "run_x" })).replace(/=+$/, "");
		expectProblem(await admin.call(`/v1/workflows?cursor=${runsCursor}`), 422, "validation_failed");
	});

	it("needs a token", async () => {
		const res = await (await as({})).call("/v1/workflows", {});
		expect(res.status).toBe(200);
		const anonymous = await import("./helpers").then((h) =>
			h.call("/v1/workflows", { token: null }),
		);
		expectProblem(anonymous, 401, "unauthorized");
	});
});

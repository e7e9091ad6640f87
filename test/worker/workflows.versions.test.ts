import { describe, expect, it } from "vitest";
import { as, expectProblem, sampleWorkflow, uniqueTenant } from "./helpers";

async function withVersions(titles: string[]) {
	const admin = await as({ tenant: uniqueTenant(), sub: "bob" });
	await admin.call("/v1/workflows", { method: "POST", body: sampleWorkflow("wf", titles[0]) });
	for (const title of titles.slice(1)) {
		await admin.call("/v1/workflows/wf", { method: "PUT", body: sampleWorkflow("wf", title) });
	}
	return admin;
}

describe("PUT /v1/workflows/{identifier}", () => {
	it("stores a new immutable version and keeps the old one readable", async () => {
		const admin = await withVersions(["First"]);
		const res = await admin.call("/v1/workflows/wf", {
			method: "PUT",
			body: sampleWorkflow("wf", "Second"),
		});
		expect(res.status).toBe(200);
		expect(res.body.version).toBe(2);
		expect((await admin.call("/v1/workflows/wf/versions/1")).body.definition.title).toBe("First");
		expect((await admin.call("/v1/workflows/wf/versions/2")).body.definition.title).toBe("Second");
	});

	it("stores nothing when the definition is unchanged, whatever the key order", async () => {
		const admin = await withVersions(["Same"]);
		const reordered = Object.fromEntries(Object.entries(sampleWorkflow("wf", "Same")).reverse());
		const res = await admin.call("/v1/workflows/wf", { method: "PUT", body: reordered });
		expect(res.status).toBe(200);
		expect(res.body.version).toBe(1);
		expect((await admin.call("/v1/workflows/wf/versions")).body.data).toHaveLength(1);
	});

	it("creates a missing workflow with 201 (push from git)", async () => {
		const admin = await as({ tenant: uniqueTenant() });
		const res = await admin.call("/v1/workflows/fresh", {
			method: "PUT",
			body: sampleWorkflow("fresh"),
		});
		expect(res.status).toBe(201);
		expect(res.headers.get("location")).toBe("/v1/workflows/fresh");
	});

	it("rejects a body whose identifier differs from the URL", async () => {
		const admin = await withVersions(["x"]);
		const res = await admin.call("/v1/workflows/wf", {
			method: "PUT",
			body: sampleWorkflow("other"),
		});
		expect(expectProblem(res, 422, "validation_failed").errors?.[0]?.pointer).toBe("/identifier");
	});

	it("does not let viewers write", async () => {
		const viewer = await as({ tenant: uniqueTenant(), role: "viewer" });
		expectProblem(
			await viewer.call("/v1/workflows/wf", { method: "PUT", body: sampleWorkflow("wf") }),
			403,
			"forbidden",
		);
	});
});

describe("PATCH /v1/workflows/{identifier}", () => {
	it("merges the patch into the latest definition as a new version", async () => {
		const admin = await withVersions(["Before"]);
		const res = await admin.call("/v1/workflows/wf", {
			method: "PATCH",
			body: { title: "After", description: null },
			headers: { "content-type": "application/merge-patch+json" },
		});
		expect(res.status).toBe(200);
		expect(res.body).toMatchObject({ version: 2, title: "After" });
		expect(res.body.definition.description).toBeUndefined();
		expect(res.body.definition.nodes).toHaveLength(4);
	});

	it("validates the merged result with pointers", async () => {
		const admin = await withVersions(["x"]);
		const res = await admin.call("/v1/workflows/wf", {
			method: "PATCH",
			body: { connections: [], nodes: [] },
		});
		const problem = expectProblem(res, 422, "validation_failed");
		expect(problem.errors?.some((e) => e.pointer === "/nodes")).toBe(true);
		expect((await admin.call("/v1/workflows/wf")).body.version).toBe(1);
	});

	it("answers a patch nested too deep for any definition with a 422, not a stack overflow", async () => {
		const admin = await withVersions(["x"]);
		let deep: unknown = "x";
		for (let i = 0; i < 5_000; i++) deep = { a: deep };
		const res = await admin.call("/v1/workflows/wf", { method: "PATCH", body: { title: deep } });
		const issue = expectProblem(res, 422, "validation_failed").errors?.[0];
		expect(issue).toMatchObject({
			code: "too_deep",
			pointer: expect.stringMatching(/^\/title\/a\/a/),
		});
		expect((await admin.call("/v1/workflows/wf")).body.version).toBe(1);
	});

	it("refuses to change the identifier", async () => {
		const admin = await withVersions(["x"]);
		const res = await admin.call("/v1/workflows/wf", {
			method: "PATCH",
			body: { identifier: "renamed" },
		});
		expect(expectProblem(res, 422, "validation_failed").errors?.[0]?.pointer).toBe("/identifier");
	});

	it("is 404 for a missing workflow and 403 for viewers", async () => {
		const tenant = uniqueTenant();
		expectProblem(
			await (await as({ tenant })).call("/v1/workflows/nope", { method: "PATCH", body: {} }),
			404,
			"not_found",
		);
		const viewer = await as({ tenant, role: "viewer" });
		expectProblem(
			await viewer.call("/v1/workflows/nope", { method: "PATCH", body: {} }),
			403,
			"forbidden",
		);
	});
});

describe("versions", () => {
	it("lists versions newest first with cursor paging", async () => {
		const admin = await withVersions(["v1", "v2", "v3", "v4", "v5"]);
		const first = await admin.call("/v1/workflows/wf/versions?limit=2");
		expect(first.body.data.map((v: { version: number }) => v.version)).toEqual([5, 4]);
		expect(first.body.data[0]).toMatchObject({ title: "v5", createdBy: "bob" });
		const second = await admin.call(
			`/v1/workflows/wf/versions?limit=2&cursor=${first.body.nextCursor}`,
		);
		expect(second.body.data.map((v: { version: number }) => v.version)).toEqual([3, 2]);
		const third = await admin.call(
			`/v1/workflows/wf/versions?limit=2&cursor=${second.body.nextCursor}`,
		);
		expect(third.body.data.map((v: { version: number }) => v.version)).toEqual([1]);
		expect(third.body.nextCursor).toBeNull();
	});

	it("is 404 for a version that does not exist", async () => {
		const admin = await withVersions(["v1"]);
		expectProblem(await admin.call("/v1/workflows/wf/versions/9"), 404, "not_found");
		expectProblem(await admin.call("/v1/workflows/wf/versions/0"), 422, "validation_failed");
	});
});

import { describe, expect, it } from "vitest";
import { as, expectProblem, sampleWorkflow, uniqueTenant } from "./helpers";

describe("DELETE /v1/workflows/{identifier}", () => {
	it("hides the workflow and frees its identifier for a new one", async () => {
		const admin = await as({ tenant: uniqueTenant() });
		await admin.call("/v1/workflows", { method: "POST", body: sampleWorkflow("wf", "Old") });
		await admin.call("/v1/workflows/wf", { method: "PUT", body: sampleWorkflow("wf", "Old v2") });

		const res = await admin.call("/v1/workflows/wf", { method: "DELETE" });
		expect(res.status).toBe(204);
		expectProblem(await admin.call("/v1/workflows/wf"), 404, "not_found");
		expectProblem(await admin.call("/v1/workflows/wf/versions"), 404, "not_found");
		expect((await admin.call("/v1/workflows")).body.data).toHaveLength(0);

		const again = await admin.call("/v1/workflows", {
			method: "POST",
			body: sampleWorkflow("wf", "New"),
		});
		expect(again.status).toBe(201);
		expect(again.body.version).toBe(1);
		expect((await admin.call("/v1/workflows/wf")).body.title).toBe("New");
	});

	it("is 404 the second time", async () => {
		const admin = await as({ tenant: uniqueTenant() });
		await admin.call("/v1/workflows", { method: "POST", body: sampleWorkflow("wf") });
		expect((await admin.call("/v1/workflows/wf", { method: "DELETE" })).status).toBe(204);
		expectProblem(await admin.call("/v1/workflows/wf", { method: "DELETE" }), 404, "not_found");
	});

	it("does not let viewers delete", async () => {
		const tenant = uniqueTenant();
		await (await as({ tenant })).call("/v1/workflows", {
			method: "POST",
			body: sampleWorkflow("wf"),
		});
		const viewer = await as({ tenant, role: "viewer" });
		expectProblem(await viewer.call("/v1/workflows/wf", { method: "DELETE" }), 403, "forbidden");
		expect((await viewer.call("/v1/workflows/wf")).status).toBe(200);
	});
});

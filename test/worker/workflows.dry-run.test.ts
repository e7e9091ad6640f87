import { describe, expect, it } from "vitest";
import { as, expectProblem, sampleWorkflow, uniqueTenant } from "./helpers";
import { hook } from "./run-helpers";

/** sampleWorkflow with its WEBHOOK pointed at a real receiver, to prove nothing reaches it. */
async function watchedWorkflow() {
	const receiver = await hook([{ status: 200 }]);
	const wf = sampleWorkflow();
	const notify = wf.nodes.find((n) => n.identifier === "notify") as { config: { url: string } };
	notify.config.url = receiver.url;
	return { wf, receiver };
}

describe("POST /v1/workflows/{identifier}/dry-run", () => {
	it("plays the latest version against the fixture: path, requests, conditions; nothing sent or stored", async () => {
		const alice = await as({ tenant: uniqueTenant(), role: "member" });
		const { wf, receiver } = await watchedWorkflow();
		expect((await alice.call("/v1/workflows", { method: "POST", body: wf })).status).toBe(201);
		const res = await alice.call("/v1/workflows/deploy_service/dry-run", {
			method: "POST",
			body: {
				inputs: { service: "billing", env: "prod" },
				responses: { notify: [{ status: 503 }, { status: 202, body: { id: "d1" } }] },
				expect: {
					path: ["trigger", "check", "notify"],
					requests: { notify: { method: "POST", body: { service: "billing" } } },
				},
			},
		});
		expect(res.status).toBe(200);
		// No retry policy: the 503 fails the node, so the fixture's expectations say why.
		expect(res.body).toMatchObject({
			result: "FAILED",
			error: { code: "http_error", node: "notify" },
			path: ["trigger", "check", "notify"],
			conditions: [
				{
					node: "check",
					option: "prod",
					evaluated: [{ identifier: "prod", value: true }],
				},
			],
			requests: [
				{
					node: "notify",
					attempt: 1,
					method: "POST",
					url: receiver.url,
					body: { service: "billing" },
					answeredBy: "notify",
					headers: expect.objectContaining({ "Idempotency-Key": "dry-run:notify" }),
				},
			],
			expectations: {
				passed: false,
				checked: ["result", "path", "requests.notify"],
				failures: [
					expect.objectContaining({ check: "result", expected: "SUCCESS", actual: "FAILED" }),
				],
			},
		});
		expect(await receiver.deliveries()).toEqual([]);
		const runs = await alice.call("/v1/workflows/runs?workflowIdentifiers=deploy_service");
		expect(runs.body.data).toEqual([]);
	});

	it("runs a pinned version, or an unsaved definition that need not exist yet", async () => {
		const alice = await as({ tenant: uniqueTenant(), role: "member" });
		const wf = sampleWorkflow();
		await alice.call("/v1/workflows", { method: "POST", body: wf });
		await alice.call("/v1/workflows/deploy_service", {
			method: "PATCH",
			body: { title: "v2" },
		});
		const pinned = await alice.call("/v1/workflows/deploy_service/dry-run", {
			method: "POST",
			body: { version: 1, inputs: { service: "a" } },
		});
		expect(pinned.status).toBe(200);
		expect(pinned.body.result).toBe("SUCCESS");
		expect(pinned.body.path).toEqual(["trigger", "check", "wait"]);
		// The DELAY passed on the dry run's own clock, at once.
		expect(Date.parse(pinned.body.endedAt) - Date.parse(pinned.body.startedAt)).toBe(5_000);

		const draft = { ...sampleWorkflow("draft_only"), outputs: { env: "{{ .inputs.env }}" } };
		const unsaved = await alice.call("/v1/workflows/draft_only/dry-run", {
			method: "POST",
			body: {
				definition: draft,
				inputs: { service: "a", env: "dev" },
				expect: { outputs: { env: "dev" } },
			},
		});
		expect(unsaved.status).toBe(200);
		expect(unsaved.body.expectations).toEqual({
			passed: true,
			checked: ["result", "outputs"],
			failures: [],
		});
		expect((await alice.call("/v1/workflows/draft_only")).status).toBe(404);
	});

	it("checks inputs as a start does and names fixture mistakes with pointers", async () => {
		const alice = await as({ tenant: uniqueTenant(), role: "viewer" });
		const admin = await as({ tenant: uniqueTenant(), role: "admin" });
		await admin.call("/v1/workflows", { method: "POST", body: sampleWorkflow() });
		const noInputs = await admin.call("/v1/workflows/deploy_service/dry-run", {
			method: "POST",
			body: { inputs: {} },
		});
		expect(expectProblem(noInputs, 422, "validation_failed").errors).toEqual([
			expect.objectContaining({ in: "body", pointer: "/inputs/service", code: "invalid_input" }),
		]);
		const typo = await admin.call("/v1/workflows/deploy_service/dry-run", {
			method: "POST",
			body: {
				inputs: { service: "a" },
				responses: { notfy: { status: 200 } },
				expect: { path: ["x"] },
			},
		});
		expect(
			expectProblem(typo, 422, "validation_failed").errors?.map((e) => [e.pointer, e.code]),
		).toEqual([
			["/responses/notfy", "unknown_node"],
			["/expect/path/0", "unknown_node"],
		]);
		const shape = await admin.call("/v1/workflows/deploy_service/dry-run", {
			method: "POST",
			body: { responses: { notify: { status: 99 } }, surprise: 1 },
		});
		expect(expectProblem(shape, 422, "validation_failed").errors?.map((e) => e.pointer)).toEqual(
			expect.arrayContaining(["/surprise"]),
		);
		const mismatch = await admin.call("/v1/workflows/deploy_service/dry-run", {
			method: "POST",
			body: { definition: sampleWorkflow("other"), version: 1 },
		});
		expect(
			expectProblem(mismatch, 422, "validation_failed").errors?.map((e) => [e.pointer, e.code]),
		).toEqual([
			["/definition/identifier", "identifier_mismatch"],
			["/version", "conflicting_fields"],
		]);
		// Another tenant's workflow does not exist for this caller.
		expectProblem(
			await alice.call("/v1/workflows/deploy_service/dry-run", { method: "POST", body: {} }),
			404,
			"not_found",
		);
	});

	it("lets a viewer dry-run (nothing is executed) and needs a body", async () => {
		const tenant = uniqueTenant();
		const admin = await as({ tenant, role: "admin" });
		const viewer = await as({ tenant, role: "viewer" });
		await admin.call("/v1/workflows", { method: "POST", body: sampleWorkflow() });
		const res = await viewer.call("/v1/workflows/deploy_service/dry-run", {
			method: "POST",
			body: { inputs: { service: "s" } },
		});
		expect(res.status).toBe(200);
		expect(res.body.nodes.trigger.output).toEqual({ service: "s" });
		expectProblem(
			await viewer.call("/v1/workflows/deploy_service/dry-run", { method: "POST" }),
			422,
			"validation_failed",
		);
	});
});

import { describe, expect, it } from "vitest";
import { as, expectProblem, uniqueTenant } from "./helpers";
import { documentedOperations, samplePath } from "./operations";
import { tenantWithWorkflow, waitingWorkflow } from "./runs-helpers";

/** The query issue a 422 carries for `name`, by its pointer. */
function queryIssue(
	problem: { errors?: { in: string; pointer: string; code?: string }[] },
	name: string,
) {
	return problem.errors?.find((e) => e.in === "query" && e.pointer === `/${name}`);
}

// The first test calls every operation: room for a machine shared with other test runs.
describe("query strings are exact", { timeout: 60_000 }, () => {
	it("every documented operation answers an unknown query parameter with a 422 naming it", async () => {
		const admin = await as({ tenant: uniqueTenant("query"), role: "admin" });
		const operations = await documentedOperations();
		expect(operations.length).toBeGreaterThan(10);
		for (const operation of operations) {
			const what = `${operation.method} ${operation.path}`;
			const res = await admin.call(samplePath(operation, "definitelyNotAFilter=1"), {
				method: operation.method,
				body: operation.hasBody ? {} : undefined,
			});
			const problem = expectProblem(res, 422, "validation_failed");
			expect(queryIssue(problem, "definitelyNotAFilter"), what).toMatchObject({
				code: "unknown_field",
			});
		}
	});

	it("names every unknown parameter, among known ones", async () => {
		const admin = await as({ tenant: uniqueTenant("query"), role: "admin" });
		const problem = expectProblem(
			await admin.call("/v1/workflows/runs?status=WAITING&workflowId=a&searchTerm=b"),
			422,
			"validation_failed",
		);
		expect(problem.errors?.map((e) => e.pointer).sort()).toEqual(["/searchTerm", "/workflowId"]);
	});

	it("answers a single-value parameter given twice with a 422 saying so", async () => {
		const { admin, identifier } = await tenantWithWorkflow();
		for (const path of [
			"/v1/workflows/runs?limit=1&limit=2",
			"/v1/workflows/runs?status=WAITING&status=QUEUED",
			"/v1/workflows/runs?search=a&search=b",
			"/v1/workflows?limit=1&limit=2",
			`/v1/workflows/${identifier}/versions?cursor=a&cursor=b`,
			`/v1/workflows/runs/run_${"0".repeat(32)}/events?after=1&after=2`,
		]) {
			const problem = expectProblem(await admin.call(path), 422, "validation_failed");
			const name = /\?(\w+)=/.exec(path)?.[1] ?? "";
			expect(queryIssue(problem, name), path).toMatchObject({
				code: "repeated_parameter",
				message: `${name} takes one value; it was given 2 times.`,
			});
		}
		// A parameter that takes a list may repeat.
		const listed = await admin.call(
			`/v1/workflows/runs?workflowIdentifiers=${identifier}&workflowIdentifiers=other`,
		);
		expect(listed.status).toBe(200);
	});
});

describe("the runs listing takes Cortex's names", () => {
	async function twoWorkflowsWithRuns() {
		const setup = await tenantWithWorkflow(
			waitingWorkflow("deploy_api", { description: "Ships the payments service" }),
		);
		await setup.admin.call("/v1/workflows", {
			method: "POST",
			body: waitingWorkflow("rollback", { description: "Undo a release" }),
		});
		const start = async (identifier: string) =>
			(
				await setup.alice.call(`/v1/workflows/${identifier}/runs`, {
					method: "POST",
					body: { inputs: { message: "x" } },
				})
			).body.id as string;
		return { ...setup, deploy: await start("deploy_api"), rollback: await start("rollback") };
	}
	const ids = (res: { body: { data: { id: string }[] } }) => res.body.data.map((r) => r.id);

	it("workflowIds filters like workflowIdentifiers, and searchQuery searches like search", async () => {
		const { alice, deploy, rollback } = await twoWorkflowsWithRuns();
		expect(ids(await alice.call("/v1/workflows/runs?workflowIds=rollback"))).toEqual([rollback]);
		expect(ids(await alice.call("/v1/workflows/runs?workflowIds=deploy_api,rollback"))).toEqual([
			rollback,
			deploy,
		]);
		expect(ids(await alice.call("/v1/workflows/runs?searchQuery=payments"))).toEqual([deploy]);
	});

	it("search finds workflows by their description, and a pasted run id finds that run", async () => {
		const { alice, bob, deploy, rollback } = await twoWorkflowsWithRuns();
		expect(ids(await alice.call("/v1/workflows/runs?search=UNDO%20a"))).toEqual([rollback]);
		expect(ids(await alice.call(`/v1/workflows/runs?search=${deploy}`))).toEqual([deploy]);
		expect(ids(await alice.call(`/v1/workflows/runs?searchQuery=${rollback}`))).toEqual([rollback]);
		// Other filters still apply to it, and so does who may see it.
		expect(ids(await alice.call(`/v1/workflows/runs?search=${deploy}&status=QUEUED`))).toEqual([]);
		expect(ids(await bob.call(`/v1/workflows/runs?search=${deploy}`))).toEqual([]);
		expect(ids(await alice.call(`/v1/workflows/runs?search=run_${"f".repeat(32)}`))).toEqual([]);
	});

	it("refuses a name and its alias together, in the query and in bulk cancel's body", async () => {
		const { admin } = await tenantWithWorkflow();
		for (const [query, alias] of [
			["workflowIds=a&workflowIdentifiers=b", "workflowIds"],
			["searchQuery=a&search=b", "searchQuery"],
		] as const) {
			const problem = expectProblem(
				await admin.call(`/v1/workflows/runs?${query}`),
				422,
				"validation_failed",
			);
			expect(queryIssue(problem, alias)).toMatchObject({ code: "duplicate_filter" });
		}
		const problem = expectProblem(
			await admin.call("/v1/workflows/runs/cancel", {
				method: "POST",
				body: { workflowIds: ["a"], workflowIdentifiers: ["b"] },
			}),
			422,
			"validation_failed",
		);
		expect(problem.errors).toContainEqual(
			expect.objectContaining({ in: "body", pointer: "/workflowIds", code: "duplicate_filter" }),
		);
	});
});

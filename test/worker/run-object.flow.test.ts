import { describe, expect, it } from "vitest";
import {
	definition,
	finished,
	hook,
	link,
	nodeRun,
	startRun,
	trigger,
	waitForIndex,
	waitForRun,
} from "./run-helpers";

describe("RunObject: a run from trigger to result", () => {
	it("renders the request, records the response and follows the matching condition", async () => {
		const receiver = await hook([{ status: 200, body: { requestId: "r-42" } }]);
		const def = definition({
			identifier: "deploy",
			title: "Deploy",
			nodes: [
				trigger({ service: { type: "string" }, env: { type: "string" } }),
				{
					identifier: "check",
					config: {
						type: "CONDITION",
						options: [{ identifier: "prod", expression: '.outputs.trigger.env == "prod"' }],
					},
				},
				{
					identifier: "notify",
					config: {
						type: "WEBHOOK",
						url: receiver.url,
						method: "POST",
						headers: { Authorization: "Bearer s3cret", "X-Service": "{{ .inputs.service }}" },
						body: { service: "{{ .outputs.trigger.service }}", env: "{{ .inputs.env }}" },
					},
					variables: { request_id: "{{ .response.data.requestId }}" },
				},
				{ identifier: "skipped_branch", config: { type: "DELAY", duration: "1h" } },
			],
			connections: [
				link("c1", "trigger", "check"),
				link("c2", "check", "notify", { sourceOptionIdentifier: "prod" }),
				link("c3", "check", "skipped_branch", { fallback: true }),
			],
			outputs: { id: "{{ .outputs.notify.request_id }}" },
		});

		const { runId, stub, view } = await startRun(def, { service: "api", env: "prod" });
		expect(["IN_PROGRESS", "COMPLETED"]).toContain(view.status);
		const run = await waitForRun(stub, finished);

		expect(run).toMatchObject({ status: "COMPLETED", result: "SUCCESS", outputs: { id: "r-42" } });
		expect(run.variables.outputs.trigger).toEqual({ service: "api", env: "prod" });
		expect(run.variables.outputs.notify).toEqual({ request_id: "r-42" });
		expect(run.connections.taken.sort()).toEqual(["c1", "c2"]);
		expect(nodeRun(run, "skipped_branch").result).toBe("SKIPPED");

		const notify = nodeRun(run, "notify");
		expect(notify.attempts).toHaveLength(1);
		expect(notify.attempts[0]?.responseStatus).toBe(200);
		// Secrets in recorded headers are masked; what was sent was not.
		expect(
			notify.attempts[0]?.request.headers.Authorization ??
				notify.attempts[0]?.request.headers.authorization,
		).not.toContain("s3cret");

		const [delivery] = await receiver.deliveries();
		expect(JSON.parse(delivery?.body ?? "")).toEqual({ service: "api", env: "prod" });
		expect(delivery?.headers.authorization).toBe("Bearer s3cret");
		expect(delivery?.headers["x-service"]).toBe("api");
		expect(delivery?.headers["idempotency-key"]).toBe(`${runId}:notify`);
	});

	it("shows each forEach item with its place in the list and its value", async () => {
		const receiver = await hook([{ status: 200 }]);
		const def = definition({
			identifier: "each",
			nodes: [
				trigger({ xs: { type: "array" } }),
				{
					identifier: "call",
					config: { type: "WEBHOOK", url: `${receiver.url}/{{ .item }}`, method: "POST" },
					forEach: { items: "{{ .inputs.xs }}", concurrency: 2 },
				},
			],
			connections: [link("c1", "trigger", "call")],
		});
		const { stub } = await startRun(def, { xs: ["p", "q", "r"] });
		const run = await waitForRun(stub, finished);
		expect(run.result).toBe("SUCCESS");
		const items = nodeRun(run, "call").items ?? [];
		expect(items.map((i) => [i.index, i.item, i.result])).toEqual([
			[0, "p", "SUCCESS"],
			[1, "q", "SUCCESS"],
			[2, "r", "SUCCESS"],
		]);
	});

	it("fails the run on a 4xx without retrying, and records the error", async () => {
		const receiver = await hook([{ status: 404, body: { error: "nope" } }]);
		const def = definition({
			identifier: "fails",
			nodes: [
				trigger(),
				{
					identifier: "call",
					config: { type: "WEBHOOK", url: receiver.url, method: "GET" },
					retry: { maxAttempts: 3, initialDelay: "1ms" },
				},
			],
			connections: [link("c1", "trigger", "call")],
		});
		const { stub } = await startRun(def);
		const run = await waitForRun(stub, finished);
		expect(run).toMatchObject({ result: "FAILED", error: { node: "call" } });
		expect(nodeRun(run, "call").error?.code).toBe("http_error");
		expect(await receiver.deliveries()).toHaveLength(1);
	});

	it("writes the run to the D1 index at start and at the end only", async () => {
		const receiver = await hook();
		const def = definition({
			identifier: "indexed",
			nodes: [
				trigger(),
				{ identifier: "call", config: { type: "WEBHOOK", url: receiver.url, method: "POST" } },
			],
			connections: [link("c1", "trigger", "call")],
		});
		const { runId, stub } = await startRun(def);
		const run = await waitForRun(stub, finished);
		const row = await waitForIndex(runId, "COMPLETED");
		expect(row).toMatchObject({
			status: "COMPLETED",
			result: "SUCCESS",
			workflow_identifier: "indexed",
			initiated_by: "alice",
		});
		expect(row.ended_at).toBe(Date.parse(run.endedAt ?? ""));
	});
});

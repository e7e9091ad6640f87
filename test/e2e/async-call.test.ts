// A long job that calls back, end to end against a real `wrangler dev`: the workflow's async
// WEBHOOK sends its callback URL to a job runner on loopback, the runner answers 202 at once
// and calls back a second later, and the run goes on from the callback
// (docs/ARCHITECTURE.md#waiting-on-the-outside).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DevServer } from "./harness";
import { startDevServer } from "./harness";

let server: DevServer;
let token: string;
let runner: Server;
let runnerUrl: string;
const callbacks: Array<{ url: string; status: number; body: unknown }> = [];

beforeAll(async () => {
	server = await startDevServer();
	token = await server.token({ tenant: "e2e-async", sub: "alice@e2e", role: "member" });
	// The job runner: takes the job, answers 202, calls back later with the job's result.
	runner = createServer((req, res) => {
		let text = "";
		req.on("data", (c: Buffer) => {
			text += c.toString();
		});
		req.on("end", () => {
			const url = String(req.headers["stepline-callback-url"]);
			const job = JSON.parse(text) as { service: string };
			res.writeHead(202).end();
			setTimeout(async () => {
				const answer = await fetch(url, {
					method: "POST",
					headers: { "content-type": "application/json" },
					body: JSON.stringify({ status: "SUCCESS", output: { deployed: job.service } }),
				});
				callbacks.push({ url, status: answer.status, body: await answer.json() });
			}, 1_000);
		});
	});
	await new Promise<void>((resolve) => runner.listen(0, "127.0.0.1", resolve));
	runnerUrl = `http://127.0.0.1:${(runner.address() as AddressInfo).port}/jobs`;
});
afterAll(async () => {
	runner?.close();
	await server?.stop();
});

const api = (path: string, init: RequestInit = {}) =>
	fetch(`${server.baseUrl}${path}`, {
		...init,
		headers: {
			authorization: `Bearer ${token}`,
			"content-type": "application/json",
			...init.headers,
		},
	});

describe("async WEBHOOK over real HTTP", () => {
	it("waits for the job's callback, then finishes with its output", async () => {
		const saved = await api("/v1/workflows/deploy_async", {
			method: "PUT",
			body: JSON.stringify({
				identifier: "deploy_async",
				title: "Deploy and wait for the job",
				nodes: [
					{ identifier: "trigger", config: { type: "SELF_SERVE_TRIGGER" } },
					{
						identifier: "deploy",
						config: {
							type: "WEBHOOK",
							url: runnerUrl,
							synchronized: false,
							body: { service: "{{ .inputs.service }}" },
						},
						variables: { deployed: "{{ .response.data.output.deployed }}" },
						timeout: "10m",
					},
				],
				connections: [
					{ identifier: "c1", sourceIdentifier: "trigger", targetIdentifier: "deploy" },
				],
			}),
		});
		expect(saved.status, await saved.clone().text()).toBeLessThan(300);
		const started = await api("/v1/workflows/deploy_async/runs", {
			method: "POST",
			body: JSON.stringify({ inputs: { service: "billing" } }),
		});
		expect(started.status).toBe(202);
		const { id } = (await started.json()) as { id: string };

		let run: {
			status: string;
			result: string | null;
			nodeRuns: Array<{ node: string; status: string; output: unknown }>;
		};
		let sawWaiting = false;
		const deadline = Date.now() + 30_000;
		for (;;) {
			run = (await (await api(`/v1/workflows/runs/${id}`)).json()) as typeof run;
			if (run.status === "WAITING") sawWaiting = true;
			if (run.status === "COMPLETED" || Date.now() > deadline) break;
			await new Promise((r) => setTimeout(r, 100));
		}
		expect(sawWaiting).toBe(true);
		expect(run.result).toBe("SUCCESS");
		expect(run.nodeRuns.find((n) => n.node === "deploy")?.output).toEqual({ deployed: "billing" });
		expect(callbacks).toHaveLength(1);
		expect(callbacks[0]).toMatchObject({ status: 200, body: { outcome: "accepted" } });
		expect(callbacks[0]?.url.startsWith(`${server.baseUrl}/callbacks/`)).toBe(true);

		// The job runner retries its callback: answered 200, nothing changes.
		const again = await fetch(callbacks[0]?.url ?? "", {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ status: "FAILED" }),
		});
		expect(again.status).toBe(200);
		expect(await again.json()).toEqual({ outcome: "already_received" });
		const after = (await (await api(`/v1/workflows/runs/${id}`)).json()) as typeof run;
		expect(after.result).toBe("SUCCESS");
	}, 90_000);
});

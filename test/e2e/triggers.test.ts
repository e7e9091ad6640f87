// Triggers under the real `wrangler dev`: webhook deliveries over HTTP (exactly once per
// delivery id, the refusals that start nothing) and a schedule that starts a run on its own.
import { execFileSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DevServer } from "./harness";
import { repoRoot, startDevServer } from "./harness";

let server: DevServer;
let token: string;

const api = async (path: string, init: RequestInit = {}) => {
	const res = await fetch(`${server.baseUrl}${path}`, {
		...init,
		headers: {
			authorization: `Bearer ${token}`,
			"content-type": "application/json",
			...init.headers,
		},
	});
	return { status: res.status, body: (await res.json()) as any };
};

const post = (url: string, body: string, headers: Record<string, string> = {}) =>
	fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });

function hookWorkflow(identifier: string, config: Record<string, unknown> = {}) {
	return {
		identifier,
		title: identifier,
		nodes: [
			{
				identifier: "hook",
				config: {
					type: "WEBHOOK_TRIGGER",
					userInputs: { properties: { repo: { type: "string" } }, required: ["repo"] },
					...config,
				},
			},
			{ identifier: "wait", config: { type: "DELAY", duration: "1h" } },
		],
		connections: [{ identifier: "c1", sourceIdentifier: "hook", targetIdentifier: "wait" }],
	};
}

async function create(definition: Record<string, unknown>): Promise<string | undefined> {
	const res = await api("/v1/workflows", { method: "POST", body: JSON.stringify(definition) });
	expect(res.status).toBe(201);
	const triggers = await api(`/v1/workflows/${definition.identifier}/triggers`);
	return triggers.body.data[0]?.webhook?.url;
}

const runsOf = async (identifier: string) =>
	(await api(`/v1/workflows/runs?workflowIdentifiers=${identifier}`)).body.data as {
		id: string;
		trigger: Record<string, unknown>;
	}[];

beforeAll(async () => {
	server = await startDevServer();
	token = await server.token({ tenant: "e2e-triggers" });
	// Created first: the schedule's first tick is at most a minute away, and the webhook tests
	// below run in the meantime.
	await create({
		identifier: "every_minute",
		title: "Every minute",
		nodes: [
			{ identifier: "tick", config: { type: "SCHEDULE_TRIGGER", cron: "* * * * *" } },
			{ identifier: "wait", config: { type: "DELAY", duration: "1h" } },
		],
		connections: [{ identifier: "c1", sourceIdentifier: "tick", targetIdentifier: "wait" }],
	});
});

afterAll(async () => {
	await server?.stop();
});

describe("webhook deliveries under wrangler dev", () => {
	it("starts a run with the mapped inputs for a GitHub-style signed delivery", async () => {
		const secret = "e2e GitHub secret";
		expect(
			(
				await api("/v1/secrets/GH_SECRET", {
					method: "PUT",
					body: JSON.stringify({ value: secret }),
				})
			).status,
		).toBe(201);
		const url = (await create(
			hookWorkflow("github_signed", {
				signature: { type: "HMAC_SHA256", secret: "GH_SECRET" },
				mapping: "{ repo: .body.repository.full_name }",
			}),
		)) as string;
		const body = JSON.stringify({
			repository: { full_name: "acme/signed" },
			ref: "refs/heads/main",
		});
		const signature = `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
		const ok = await post(url, body, {
			"X-Hub-Signature-256": signature,
			"X-GitHub-Delivery": "gh-1",
		});
		expect(ok.status).toBe(202);
		const { run } = (await ok.json()) as any;
		expect((await api(`/v1/workflows/runs/${run.id}`)).body.inputs).toEqual({
			repo: "acme/signed",
		});
		const bad = await post(url, body, { "X-Hub-Signature-256": `sha256=${"0".repeat(64)}` });
		expect(bad.status).toBe(401);
		expect(await runsOf("github_signed")).toHaveLength(1);
	});

	it("starts a run for a delivery signed by the standardwebhooks package; a stale one is 401", async () => {
		const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
		await api("/v1/secrets/SW_SECRET", { method: "PUT", body: JSON.stringify({ value: secret }) });
		const url = (await create(
			hookWorkflow("standard_signed", {
				signature: { type: "STANDARD_WEBHOOKS", secret: "SW_SECRET" },
			}),
		)) as string;
		const webhook = new Webhook(secret);
		const body = JSON.stringify({ repo: "acme/standard" });
		const headers = (id: string, at: Date) => ({
			"webhook-id": id,
			"webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
			"webhook-signature": webhook.sign(id, at, body),
		});
		const ok = await post(url, body, headers("msg_e2e_1", new Date()));
		expect(ok.status).toBe(202);
		const stale = await post(url, body, headers("msg_e2e_2", new Date(Date.now() - 10 * 60_000)));
		expect(stale.status).toBe(401);
		const runs = await runsOf("standard_signed");
		expect(runs.map((r) => r.trigger.deliveryId)).toEqual(["msg_e2e_1"]);
	});

	it("starts one run for a delivery sent five times at once", async () => {
		const url = await create(hookWorkflow("five_times"));
		expect(url).toMatch(new RegExp(`^${server.baseUrl}/hooks/[A-Za-z0-9_-]{22}$`));
		const body = JSON.stringify({ repo: "acme/api" });
		const answers = await Promise.all(
			Array.from({ length: 5 }, () =>
				post(url as string, body, { "X-GitHub-Delivery": "d6b1c0de-0000-4000-8000-000000000001" }),
			),
		);
		expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202]);
		const replayed = answers.filter((a) => a.headers.get("idempotent-replayed") === "true");
		expect(replayed).toHaveLength(4);
		const ids = new Set(
			await Promise.all(answers.map(async (a) => ((await a.json()) as any).run.id)),
		);
		expect(ids.size).toBe(1);
		const runs = await runsOf("five_times");
		expect(runs.map((r) => r.id)).toEqual([...ids]);
		expect(runs[0]?.trigger).toEqual({
			type: "WEBHOOK_TRIGGER",
			node: "hook",
			deliveryId: "d6b1c0de-0000-4000-8000-000000000001",
		});
	});

	it("answers an unknown hook id, a body over 1 MiB and a burst over the limit, starting nothing", {
		timeout: 120_000,
	}, async () => {
		const unknown = await post(`${server.baseUrl}/hooks/AAAAAAAAAAAAAAAAAAAAAA`, "{}");
		expect(unknown.status).toBe(404);
		expect(unknown.headers.get("content-type")).toMatch(/^application\/problem\+json/);

		const url = (await create(
			hookWorkflow("refusals", { filter: ".body.start == true" }),
		)) as string;
		const big = await post(url, JSON.stringify({ repo: "r", pad: "x".repeat(1024 * 1024) }));
		expect(big.status).toBe(413);
		// Over the URL's limit (100 per 10 s in wrangler.toml, in windows aligned to the clock):
		// sent at the start of one, 250 at once put well over 100 into it. These are filtered out
		// (`start` is not true), so the accepted ones start nothing either.
		await new Promise((resolve) => setTimeout(resolve, 10_000 - (Date.now() % 10_000)));
		const burst = await Promise.all(
			Array.from({ length: 250 }, async () => {
				const res = await post(url, JSON.stringify({ repo: "r" }));
				return {
					status: res.status,
					retryAfter: res.headers.get("retry-after"),
					text: await res.text(),
				};
			}),
		);
		const limited = burst.filter((r) => r.status === 429);
		expect(limited.length).toBeGreaterThan(0);
		expect(limited[0]?.retryAfter).toBe("10");
		// Local wrangler's dev proxy drops a few requests under such a burst (503 "restarted
		// mid-request", workers-sdk#14641) before they reach the Worker; every other answer is ours.
		const dropped = burst.filter(
			(r) => r.status === 503 && r.text.includes("restarted mid-request"),
		);
		const ours = burst.filter((r) => r.status === 202 || r.status === 429);
		expect(ours.length + dropped.length).toBe(burst.length);
		expect(await runsOf("refusals")).toEqual([]);
		// Every delivery is in the trigger's log (paged newest first).
		const outcomes: string[] = [];
		let cursor: string | null = "";
		while (cursor !== null) {
			const page = await api(
				`/v1/workflows/refusals/triggers/hook/deliveries?limit=100${cursor ? `&cursor=${cursor}` : ""}`,
			);
			outcomes.push(...page.body.data.map((d: { outcome: string }) => d.outcome));
			cursor = page.body.nextCursor;
		}
		// Every answer the Worker gave is in the log (plus the 413), each dropped one at most once.
		expect(outcomes.length).toBeGreaterThanOrEqual(ours.length + 1);
		expect(outcomes.length).toBeLessThanOrEqual(burst.length + 1);
		expect(new Set(outcomes)).toEqual(new Set(["invalid", "ignored", "limited"]));
	});
});

describe("schedules under wrangler dev", () => {
	it("starts a run at the schedule's next tick", { timeout: 150_000 }, async () => {
		const deadline = Date.now() + 140_000;
		let runs = await runsOf("every_minute");
		while (runs.length === 0 && Date.now() < deadline) {
			await new Promise((r) => setTimeout(r, 2_000));
			runs = await runsOf("every_minute");
		}
		expect(runs.length).toBeGreaterThanOrEqual(1);
		const tickAt = String(runs[0]?.trigger.tickAt);
		expect(runs[0]?.trigger).toMatchObject({ type: "SCHEDULE_TRIGGER", node: "tick" });
		// A whole minute in UTC, as "* * * * *" ticks.
		expect(tickAt).toMatch(/T\d\d:\d\d:00\.000Z$/);
		const triggers = await api("/v1/workflows/every_minute/triggers");
		expect(triggers.body.data[0].schedule.lastFires[0]).toMatchObject({
			outcome: "started",
			runId: runs.at(-1)?.id,
		});
	});
});

describe("docs/TRIGGERS.md examples", () => {
	it("run as written, in order, in one shell", () => {
		const page = readFileSync(join(repoRoot, "docs/TRIGGERS.md"), "utf8");
		const blocks = [...page.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");
		expect(blocks.length).toBeGreaterThanOrEqual(5);
		const script = ["set -euo pipefail", ...blocks]
			.join("\n")
			.replace("BASE=http://localhost:8787", `BASE=${server.baseUrl}`);
		const output = execFileSync("bash", ["-c", script], {
			cwd: repoRoot,
			env: server.childEnv,
			encoding: "utf8",
		});
		expect(output).not.toContain("stepline.dev/problems/");
		expect(output).toContain(`${server.baseUrl}/hooks/`);
		expect(output).toMatch(/"outcome":"started"/);
		expect(output).toMatch(/idempotent-replayed: true/i);
		expect(output).toMatch(/"outcome": "duplicate"|"outcome":"duplicate"/);
		expect(output).toContain('"deliveryId": "5d1c1c1e-7a52-11ef-9a3c-000000000001"');
		expect(output).toContain('"type": "WEBHOOK_TRIGGER"');
		expect(output).toContain('"nextTicks": [');
		expect(output).toMatch(/^401$/m);
		expect(output).toMatch(/\{"id":"evt-1","runs":\["run_[0-9a-f]{32}"\]\}/);
		expect(output).toContain('{"id":"evt-2","runs":[]}');
	});
});

import { describe, expect, it } from "vitest";
import { expectProblem } from "./helpers";
import { deliver, runsOf, tenantWithHook, webhookWorkflow } from "./trigger-helpers";

describe("webhook URLs", { timeout: 60_000 }, () => {
	it("lists a random URL per webhook trigger that stays the same across versions", async () => {
		const { admin, identifier, hookPath } = await tenantWithHook();
		expect(hookPath).toMatch(/^\/hooks\/[A-Za-z0-9_-]{22}$/);
		const v2 = webhookWorkflow(identifier, {}, { title: "Version 2" });
		expect(
			(await admin.call(`/v1/workflows/${identifier}`, { method: "PUT", body: v2 })).status,
		).toBe(200);
		const after = await admin.call(`/v1/workflows/${identifier}/triggers`);
		expect(after.body.data).toHaveLength(1);
		expect(new URL(after.body.data[0].webhook.url).pathname).toBe(hookPath);
		expect(after.body.data[0]).toMatchObject({ node: "github", type: "WEBHOOK_TRIGGER" });
	});

	it("starts a run with the body as its inputs, and answers 202 with the run", async () => {
		const { admin, identifier, hookPath } = await tenantWithHook();
		const res = await deliver(hookPath, { body: { repo: "acme/api", action: "opened" } });
		expect(res.status).toBe(202);
		expect(res.body.outcome).toBe("started");
		expect(res.body.run.id).toMatch(/^run_[0-9a-f]{32}$/);
		expect(res.body.run.url).toBe(`https://stepline.test/v1/workflows/runs/${res.body.run.id}`);
		const run = await admin.call(`/v1/workflows/runs/${res.body.run.id}`);
		expect(run.body.inputs).toEqual({ repo: "acme/api", action: "opened" });
		expect(run.body.trigger).toEqual({ type: "WEBHOOK_TRIGGER", node: "github", deliveryId: null });
		expect(run.body.initiator).toBe("webhook:github");
		const listed = await runsOf(admin.token, identifier);
		expect(listed.map((r) => r.trigger)).toEqual([
			{ type: "WEBHOOK_TRIGGER", node: "github", deliveryId: null },
		]);
	});

	it("answers every unknown, retired or malformed hook id with the same 404 and no token needed", async () => {
		const { admin, identifier, hookPath } = await tenantWithHook();
		const bodies = [];
		for (const path of ["/hooks/AAAAAAAAAAAAAAAAAAAAAA", "/hooks/x", `${hookPath}A`]) {
			const res = await deliver(path, { body: { repo: "r" } });
			expectProblem(res, 404, "not_found");
			const { requestId: _r, instance: _i, ...rest } = res.body;
			bodies.push(rest);
		}
		// Rotation retires the old URL.
		const rotated = await admin.call(`/v1/workflows/${identifier}/triggers/github/rotate`, {
			method: "POST",
		});
		expect(rotated.status).toBe(200);
		expect(new URL(rotated.body.webhook.url).pathname).not.toBe(hookPath);
		const old = await deliver(hookPath, { body: { repo: "r" } });
		expectProblem(old, 404, "not_found");
		const { requestId: _r, instance: _i, ...rest } = old.body;
		bodies.push(rest);
		for (const body of bodies) expect(body).toEqual(bodies[0]);
		const fresh = await deliver(new URL(rotated.body.webhook.url).pathname, {
			body: { repo: "r" },
		});
		expect(fresh.status).toBe(202);
	});

	it("retires the URL when the node or the workflow is deleted", async () => {
		const { admin, identifier, hookPath } = await tenantWithHook();
		const selfServeOnly = {
			identifier,
			title: "No webhook",
			nodes: [{ identifier: "start", config: { type: "SELF_SERVE_TRIGGER" } }],
			connections: [],
		};
		await admin.call(`/v1/workflows/${identifier}`, { method: "PUT", body: selfServeOnly });
		expectProblem(await deliver(hookPath, { body: { repo: "r" } }), 404, "not_found");
		// Back as a webhook: a new URL, never the retired one.
		await admin.call(`/v1/workflows/${identifier}`, {
			method: "PUT",
			body: webhookWorkflow(identifier),
		});
		const triggers = await admin.call(`/v1/workflows/${identifier}/triggers`);
		const url = new URL(triggers.body.data[0].webhook.url).pathname;
		expect(url).not.toBe(hookPath);
		expect((await deliver(url, { body: { repo: "r" } })).status).toBe(202);
		expect((await admin.call(`/v1/workflows/${identifier}`, { method: "DELETE" })).status).toBe(
			204,
		);
		expectProblem(await deliver(url, { body: { repo: "r" } }), 404, "not_found");
	});

	it("lets members list triggers, only admins rotate, and viewers neither", async () => {
		const { alice, viewer, identifier } = await tenantWithHook();
		expect((await alice.call(`/v1/workflows/${identifier}/triggers`)).status).toBe(200);
		expectProblem(await viewer.call(`/v1/workflows/${identifier}/triggers`), 403, "forbidden");
		expectProblem(
			await alice.call(`/v1/workflows/${identifier}/triggers/github/rotate`, { method: "POST" }),
			403,
			"forbidden",
		);
	});
});

describe("webhook payloads", { timeout: 60_000 }, () => {
	it("maps the payload with JQ, copies named headers, and checks the result against userInputs", async () => {
		const { admin, identifier, hookPath } = await tenantWithHook(
			webhookWorkflow("mapped", {
				includeHeaders: ["X-GitHub-Event"],
				mapping: '{ repo: .body.repository.full_name, action: .headers["x-github-event"] }',
			}),
		);
		const res = await deliver(hookPath, {
			headers: { "X-GitHub-Event": "push" },
			body: { repository: { full_name: "acme/api" } },
		});
		expect(res.status).toBe(202);
		const run = await admin.call(`/v1/workflows/runs/${res.body.run.id}`);
		expect(run.body.inputs).toEqual({ repo: "acme/api", action: "push" });

		const bad = await deliver(hookPath, { body: { repository: {} } });
		const problem = expectProblem(bad, 422, "validation_failed");
		expect(problem.errors?.[0]?.pointer).toBe("/inputs/repo");
		expect(await runsOf(admin.token, identifier)).toHaveLength(1);
		const log = await admin.call(`/v1/workflows/${identifier}/triggers/github/deliveries`);
		expect(
			log.body.data.map((d: { outcome: string; status: number }) => [d.outcome, d.status]),
		).toEqual([
			["invalid", 422],
			["started", 202],
		]);
	});

	it("takes GitHub's form-encoded deliveries", async () => {
		const { admin, hookPath } = await tenantWithHook();
		const payload = JSON.stringify({ repo: "acme/web" });
		const res = await deliver(hookPath, {
			headers: { "content-type": "application/x-www-form-urlencoded" },
			raw: `payload=${encodeURIComponent(payload)}`,
		});
		expect(res.status).toBe(202);
		const run = await admin.call(`/v1/workflows/runs/${res.body.run.id}`);
		expect(run.body.inputs).toEqual({ repo: "acme/web" });
	});

	it("answers 202 ignored and starts nothing when the filter is false", async () => {
		const { admin, identifier, hookPath } = await tenantWithHook(
			webhookWorkflow("filtered", { filter: '.body.action == "opened"' }),
		);
		const ignored = await deliver(hookPath, { body: { repo: "r", action: "closed" } });
		expect(ignored.status).toBe(202);
		expect(ignored.body).toEqual({ outcome: "ignored", run: null });
		expect(await runsOf(admin.token, identifier)).toHaveLength(0);
		const started = await deliver(hookPath, { body: { repo: "r", action: "opened" } });
		expect(started.body.outcome).toBe("started");
	});

	it("refuses bodies over 1 MiB, malformed JSON and other media types, starting nothing", async () => {
		const { admin, identifier, hookPath } = await tenantWithHook();
		const big = JSON.stringify({ repo: "r", pad: "x".repeat(1024 * 1024) });
		expectProblem(await deliver(hookPath, { raw: big }), 413, "payload_too_large");
		expectProblem(await deliver(hookPath, { raw: "{not json" }), 400, "malformed_json");
		expectProblem(
			await deliver(hookPath, { raw: "hello", headers: { "content-type": "text/plain" } }),
			415,
			"unsupported_media_type",
		);
		expect(await runsOf(admin.token, identifier)).toHaveLength(0);
		const log = await admin.call(`/v1/workflows/${identifier}/triggers/github/deliveries`);
		expect(log.body.data.map((d: { status: number }) => d.status).sort()).toEqual([400, 413, 415]);
	});
});

/** Waits for the start of the next rate-limit window (they are aligned to the wall clock). */
const windowStart = (period: number) =>
	new Promise((resolve) => setTimeout(resolve, period - (Date.now() % period)));

describe("rate limits", { timeout: 60_000 }, () => {
	it("answers a burst over the URL's limit with 429 and Retry-After, and records it", {
		timeout: 60_000,
	}, async () => {
		const { admin, identifier, hookPath } = await tenantWithHook(
			webhookWorkflow("burst", { filter: "false" }),
		);
		// wrangler.toml allows 100 deliveries per 10 s per URL, in windows aligned to the clock:
		// sent at the start of one, 250 at once put well over 100 into it even on a slow machine.
		await windowStart(10_000);
		const answers = await Promise.all(
			Array.from({ length: 250 }, () => deliver(hookPath, { body: { repo: "r" } })),
		);
		const statuses = answers.map((a) => a.status);
		const limited = answers.find((a) => a.status === 429);
		expect(limited).toBeDefined();
		expectProblem(limited as never, 429, "rate_limited");
		expect(limited?.headers.get("retry-after")).toBe("10");
		expect(statuses.filter((s) => s === 202).length).toBeGreaterThanOrEqual(100);
		expect(statuses.every((s) => s === 202 || s === 429)).toBe(true);
		const log = await admin.call(
			`/v1/workflows/${identifier}/triggers/github/deliveries?limit=100`,
		);
		expect(log.body.data.some((d: { outcome: string }) => d.outcome === "limited")).toBe(true);
		expect(await runsOf(admin.token, identifier)).toHaveLength(0);
	});
});

describe("exactly once per delivery", { timeout: 60_000 }, () => {
	it("answers a repeated delivery id with the first run, also when the retries race", async () => {
		const { admin, identifier, hookPath } = await tenantWithHook();
		const headers = { "X-GitHub-Delivery": "72d3162e-cc78-11e3-81ab-4c9367dc0958" };
		const answers = await Promise.all(
			Array.from({ length: 5 }, () => deliver(hookPath, { headers, body: { repo: "r" } })),
		);
		const ids = new Set(answers.map((a) => a.body.run.id));
		expect(ids.size).toBe(1);
		expect(answers.every((a) => a.status === 202)).toBe(true);
		expect(answers.filter((a) => a.body.outcome === "started")).toHaveLength(1);
		const replays = answers.filter((a) => a.headers.get("idempotent-replayed") === "true");
		expect(replays).toHaveLength(4);
		const again = await deliver(hookPath, { headers, body: { repo: "r" } });
		expect(again.body.run.id).toBe([...ids][0]);
		expect(again.headers.get("idempotent-replayed")).toBe("true");
		const runs = await runsOf(admin.token, identifier);
		expect(runs).toHaveLength(1);
		expect(runs[0].trigger.deliveryId).toBe(headers["X-GitHub-Delivery"]);
		// The log has every one of them: one start, five answers with the same run.
		const log = await admin.call(`/v1/workflows/${identifier}/triggers/github/deliveries`);
		const rows = log.body.data as { outcome: string; runId: string; deliveryId: string }[];
		expect(rows.map((d) => d.outcome).sort()).toEqual([
			"duplicate",
			"duplicate",
			"duplicate",
			"duplicate",
			"duplicate",
			"started",
		]);
		expect(new Set(rows.map((d) => d.runId))).toEqual(ids);
	});

	it("logs a keyed delivery its form refuses as invalid, and frees the key for a corrected one", async () => {
		const { admin, identifier, hookPath } = await tenantWithHook();
		const headers = { "X-GitHub-Delivery": "0b6a2f1e-0000-4000-8000-000000000001" };
		const refused = await deliver(hookPath, { headers, body: { repo: 7 } });
		expectProblem(refused, 422, "validation_failed");
		const corrected = await deliver(hookPath, { headers, body: { repo: "r" } });
		expect(corrected.status).toBe(202);
		expect(corrected.body.outcome).toBe("started");
		const log = await admin.call(`/v1/workflows/${identifier}/triggers/github/deliveries`);
		expect(
			log.body.data.map((d: { outcome: string; status: number; runId: string | null }) => [
				d.outcome,
				d.status,
				d.runId,
			]),
		).toEqual([
			["started", 202, corrected.body.run.id],
			["invalid", 422, null],
		]);
		expect(await runsOf(admin.token, identifier)).toHaveLength(1);
	});

	it("dedupes by webhook-id, Idempotency-Key or the trigger's dedupeKey", async () => {
		for (const header of ["webhook-id", "Idempotency-Key"]) {
			const { admin, identifier, hookPath } = await tenantWithHook();
			const first = await deliver(hookPath, {
				headers: { [header]: "msg_1" },
				body: { repo: "r" },
			});
			const second = await deliver(hookPath, {
				headers: { [header]: "msg_1" },
				body: { repo: "r" },
			});
			expect(second.body.run.id).toBe(first.body.run.id);
			const third = await deliver(hookPath, {
				headers: { [header]: "msg_2" },
				body: { repo: "r" },
			});
			expect(third.body.run.id).not.toBe(first.body.run.id);
			expect(await runsOf(admin.token, identifier)).toHaveLength(2);
		}
		const { admin, identifier, hookPath } = await tenantWithHook(
			webhookWorkflow("keyed", { dedupeKey: ".body.alert.id" }),
		);
		const a = await deliver(hookPath, { body: { repo: "r", alert: { id: 7 } } });
		const b = await deliver(hookPath, { body: { repo: "r", alert: { id: 7 }, retry: 1 } });
		expect(b.body.run.id).toBe(a.body.run.id);
		expect(b.body.outcome).toBe("duplicate");
		expect(await runsOf(admin.token, identifier)).toHaveLength(1);
	});

	it("filters runs by how they started", async () => {
		const { admin, identifier, hookPath } = await tenantWithHook(
			webhookWorkflow(
				"both",
				{},
				{
					nodes: [
						...webhookWorkflow("both").nodes,
						{ identifier: "manual", config: { type: "SELF_SERVE_TRIGGER" } },
					],
					connections: [
						...webhookWorkflow("both").connections,
						{ identifier: "c2", sourceIdentifier: "manual", targetIdentifier: "wait" },
					],
				},
			),
		);
		const hooked = await deliver(hookPath, { body: { repo: "r" } });
		const manual = await admin.call(`/v1/workflows/${identifier}/runs`, {
			method: "POST",
			body: {},
		});
		expect(manual.body.trigger).toEqual({ type: "SELF_SERVE_TRIGGER", node: "manual" });
		const byWebhook = await admin.call("/v1/workflows/runs?triggerType=WEBHOOK_TRIGGER");
		expect(byWebhook.body.data.map((r: { id: string }) => r.id)).toEqual([hooked.body.run.id]);
		const bySelfServe = await admin.call("/v1/workflows/runs?triggerType=SELF_SERVE_TRIGGER");
		expect(bySelfServe.body.data.map((r: { id: string }) => r.id)).toEqual([manual.body.id]);
	});
});

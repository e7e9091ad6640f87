import { env } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { AUDIT_RETENTION_MS, listAuditEvents } from "../../worker/db/audit.repo";
import { database } from "../../worker/db/client";
import { FAILED_START_RETENTION_MS } from "../../worker/db/failed-starts.repo";
import { purgeExpired } from "../../worker/retention";
import { apiKeyFrom } from "./api-key-helpers";
import { as, type CallResult, call, expectProblem, uniqueTenant } from "./helpers";
import { tenantWithWorkflow, waitingWorkflow } from "./runs-helpers";

interface Entry {
	id: string;
	at: string;
	actor: string;
	actorKind: string;
	action: string;
	target: { type: string; id: string | null };
	requestId: string;
	outcome: string;
	status: number;
	errorCode: string | null;
}

type Caller = Awaited<ReturnType<typeof as>>;

async function auditLog(admin: Caller, query = ""): Promise<Entry[]> {
	const res = await admin.call(`/v1/audit-log?limit=100${query ? `&${query}` : ""}`);
	expect(res.status, JSON.stringify(res.body)).toBe(200);
	return res.body.data;
}

/** The entry a response was recorded as, found by its X-Request-Id. */
async function entryOf(admin: Caller, res: CallResult): Promise<Entry | undefined> {
	const requestId = res.headers.get("x-request-id");
	return (await auditLog(admin)).find((e) => e.requestId === requestId);
}

// Each test makes a few dozen requests: room for a machine shared with other test runs.
describe("GET /v1/audit-log", { timeout: 60_000 }, () => {
	it("records every write with actor, time, action, target, request id and outcome", async () => {
		const { admin, identifier } = await tenantWithWorkflow(
			waitingWorkflow("audited", { allowAnyoneToViewRuns: true }),
		);
		const key = await apiKeyFrom(admin, { name: "ci", role: "member", scopes: ["runs:write"] });
		const started = await key.call(`/v1/workflows/${identifier}/runs`, {
			method: "POST",
			body: { inputs: { message: "x" } },
		});
		const runId = started.body.id;
		const writes: [CallResult, Partial<Entry>][] = [
			[
				started,
				{
					action: "run.start",
					actor: key.subject,
					actorKind: "api_key",
					target: { type: "run", id: runId },
				},
			],
			[
				await admin.call(`/v1/workflows/${identifier}`, { method: "PATCH", body: { title: "T" } }),
				{ action: "workflow.update", target: { type: "workflow", id: identifier } },
			],
			[
				await admin.call("/v1/secrets/DEPLOY_TOKEN", { method: "PUT", body: { value: "v" } }),
				{ action: "secret.set", target: { type: "secret", id: "DEPLOY_TOKEN" } },
			],
			[
				await admin.call("/v1/secrets/DEPLOY_TOKEN", { method: "DELETE" }),
				{ action: "secret.delete", target: { type: "secret", id: "DEPLOY_TOKEN" } },
			],
			[
				await admin.call("/v1/tenant/settings", {
					method: "PATCH",
					body: { maxConcurrentRuns: 7 },
				}),
				{ action: "tenant.settings.update", target: { type: "tenant", id: expect.any(String) } },
			],
			[
				await admin.call(`/v1/workflows/runs/${runId}/cancel`, { method: "POST" }),
				{ action: "run.cancel", target: { type: "run", id: runId } },
			],
			[
				await admin.call(`/v1/workflows/runs/${runId}/retry`, { method: "POST" }),
				{ action: "run.retry", target: { type: "run", id: runId } },
			],
			[
				await admin.call("/v1/workflows/runs/cancel", {
					method: "POST",
					body: { workflowIdentifiers: [identifier] },
				}),
				{ action: "run.bulk_cancel", target: { type: "run", id: null } },
			],
			[
				await admin.call(`/v1/api-keys/${key.id}`, { method: "DELETE" }),
				{ action: "api_key.revoke", target: { type: "api_key", id: key.id } },
			],
			[
				await admin.call(`/v1/workflows/${identifier}`, { method: "DELETE" }),
				{ action: "workflow.delete", target: { type: "workflow", id: identifier } },
			], // A PUT that creates is a create; one that replaces, an update.
			[
				await admin.call("/v1/workflows/put_made", {
					method: "PUT",
					body: waitingWorkflow("put_made"),
				}),
				{ action: "workflow.create", target: { type: "workflow", id: "put_made" } },
			],
			[
				await admin.call("/v1/workflows/put_made", {
					method: "PUT",
					body: waitingWorkflow("put_made", { title: "Again" }),
				}),
				{ action: "workflow.update", target: { type: "workflow", id: "put_made" } },
			],
		];
		const log = await auditLog(admin);
		for (const [res, expected] of writes) {
			expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
			const entry = log.find((e) => e.requestId === res.headers.get("x-request-id"));
			expect(entry, expected.action).toMatchObject({
				actor: "admin@x",
				actorKind: "jwt",
				outcome: "success",
				status: res.status,
				errorCode: null,
				...expected,
			});
		}
		// The key's creation and the workflow's too (tenantWithWorkflow's), newest first.
		expect(log.map((e) => e.action).slice(-2)).toEqual(["api_key.create", "workflow.create"]);
		expect(log.find((e) => e.action === "api_key.create")?.target).toEqual({
			type: "api_key",
			id: key.id,
		});
		const times = log.map((e) => Date.parse(e.at));
		expect([...times].sort((a, b) => b - a)).toEqual(times);
	});

	it("records refused writes as failures with the problem's code", async () => {
		const { admin, alice, identifier } = await tenantWithWorkflow();
		const noScope = await apiKeyFrom(admin, { role: "admin", scopes: ["runs:read"] });
		const cases: [CallResult, string, string, number][] = [
			[
				await alice.call("/v1/tenant/settings", {
					method: "PATCH",
					body: { maxConcurrentRuns: 3 },
				}),
				"tenant.settings.update",
				"forbidden",
				403,
			],
			[
				await noScope.call(`/v1/workflows/${identifier}`, { method: "DELETE" }),
				"workflow.delete",
				"insufficient_scope",
				403,
			],
			[
				await alice.call("/v1/workflows", { method: "POST", body: { identifier: "x", nodes: [] } }),
				"workflow.create",
				"validation_failed",
				422,
			],
			[
				await alice.call("/v1/workflows/missing", { method: "DELETE" }),
				"workflow.delete",
				"not_found",
				404,
			],
		];
		for (const [res, action, code, status] of cases) {
			expect(res.status).toBe(status);
			expect(await entryOf(admin, res), action).toMatchObject({
				action,
				outcome: "failure",
				status,
				errorCode: code,
			});
		}
		// A request that never proved who it was is no one's write.
		const anonymous = await call("/v1/workflows", {
			method: "POST",
			body: waitingWorkflow("anon"),
			token: "not-a-token",
		});
		expect(anonymous.status).toBe(401);
		expect(await entryOf(admin, anonymous)).toBeUndefined();
	});

	it("records webhook URL rotations, schedule pauses and event posts; not deliveries", async () => {
		const { admin, alice } = await tenantWithWorkflow();
		const saved = await admin.call("/v1/workflows", {
			method: "POST",
			body: {
				identifier: "triggered",
				title: "Triggered",
				nodes: [
					{ identifier: "hook", config: { type: "WEBHOOK_TRIGGER" } },
					{ identifier: "nightly", config: { type: "SCHEDULE_TRIGGER", cron: "0 2 * * *" } },
				],
				connections: [],
			},
		});
		expect(saved.status).toBe(201);
		const rotated = await admin.call("/v1/workflows/triggered/triggers/hook/rotate", {
			method: "POST",
		});
		const paused = await alice.call("/v1/workflows/triggered/triggers/nightly", {
			method: "PATCH",
			body: { paused: true },
		});
		const refused = await alice.call("/v1/workflows/triggered/triggers/hook/rotate", {
			method: "POST",
		});
		const posted = await alice.call("/v1/events", {
			method: "POST",
			body: [
				{ id: "evt-a", type: "deploy.finished" },
				{ id: "evt-b", type: "deploy.finished" },
			],
		});
		expect([rotated.status, paused.status, refused.status, posted.status]).toEqual([
			200, 200, 403, 202,
		]);
		expect(await entryOf(admin, rotated)).toMatchObject({
			action: "trigger.rotate",
			actor: "admin@x",
			outcome: "success",
			target: { type: "trigger", id: "triggered/hook" },
		});
		expect(await entryOf(admin, paused)).toMatchObject({
			action: "trigger.update",
			actor: "alice@x",
			target: { type: "trigger", id: "triggered/nightly" },
		});
		expect(await entryOf(admin, refused)).toMatchObject({
			action: "trigger.rotate",
			outcome: "failure",
			errorCode: "forbidden",
			target: { type: "trigger", id: "triggered/hook" },
		});
		expect(await entryOf(admin, posted)).toMatchObject({
			action: "events.post",
			outcome: "success",
			target: { type: "event", id: "evt-a,evt-b" },
		});
		// A delivery is a third party's call, in the trigger's own delivery log instead.
		const url = rotated.body.webhook.url as string;
		const delivered = await call(new URL(url).pathname, { method: "POST", body: {}, token: null });
		expect(delivered.status).toBe(202);
		expect(await entryOf(admin, delivered)).toBeUndefined();
	});

	it("records answers to INPUT nodes, and refused ones", async () => {
		const { admin, alice, viewer } = await tenantWithWorkflow();
		const saved = await admin.call("/v1/workflows", {
			method: "POST",
			body: {
				identifier: "asking",
				title: "Asking",
				nodes: [
					{ identifier: "trigger", config: { type: "SELF_SERVE_TRIGGER" } },
					{ identifier: "ask", config: { type: "INPUT", outlets: [{ identifier: "ok" }] } },
				],
				connections: [{ identifier: "c1", sourceIdentifier: "trigger", targetIdentifier: "ask" }],
			},
		});
		expect(saved.status).toBe(201);
		const runId = (await admin.call("/v1/workflows/asking/runs", { method: "POST", body: {} })).body
			.id as string;
		await vi.waitFor(
			async () => {
				const run = await admin.call(`/v1/workflows/runs/${runId}`);
				if (run.body.status !== "WAITING") throw new Error(run.body.status);
			},
			{ timeout: 10_000, interval: 50 },
		);
		const path = `/v1/runs/${runId}/inputs/ask`;
		const refused = await viewer.call(path, { method: "POST", body: { outlet: "ok" } });
		const answered = await alice.call(path, { method: "POST", body: { outlet: "ok" } });
		expect([refused.status, answered.status]).toEqual([403, 200]);
		expect(await entryOf(admin, refused)).toMatchObject({
			action: "run.input_respond",
			actor: "vera@x",
			outcome: "failure",
			errorCode: "forbidden",
			target: { type: "run", id: runId },
		});
		expect(await entryOf(admin, answered)).toMatchObject({
			action: "run.input_respond",
			actor: "alice@x",
			outcome: "success",
			target: { type: "run", id: runId },
		});
	});

	it("records run starts by API keys, not a person's (the run is its record)", async () => {
		const { admin, alice, identifier } = await tenantWithWorkflow();
		const byAlice = await alice.call(`/v1/workflows/${identifier}/runs`, {
			method: "POST",
			body: { inputs: { message: "x" } },
		});
		expect(byAlice.status).toBe(202);
		expect(await entryOf(admin, byAlice)).toBeUndefined();
		const key = await apiKeyFrom(admin, { role: "member", scopes: ["runs:write"] });
		const batch = await key.call(`/v1/workflows/${identifier}/runs/batch`, {
			method: "POST",
			body: { runs: [{ inputs: { message: "x" } }, { inputs: { message: "y" } }] },
		});
		expect(await entryOf(admin, batch)).toMatchObject({
			action: "run.start_batch",
			actor: key.subject,
			target: { type: "workflow", id: identifier },
		});
	});

	it("filters by actor, action, target, outcome and time, and pages with a cursor", async () => {
		const tenant = uniqueTenant("audit");
		const admin = await as({ tenant, role: "admin", sub: "ada@x" });
		const other = await as({ tenant, role: "admin", sub: "bo@x" });
		for (const id of ["wf_a", "wf_b", "wf_c"])
			await admin.call("/v1/workflows", { method: "POST", body: waitingWorkflow(id) });
		await other.call("/v1/workflows/wf_b", { method: "PATCH", body: { title: "B" } });
		await other.call("/v1/workflows/missing", { method: "PATCH", body: { title: "B" } });
		const targets = (entries: Entry[]) => entries.map((e) => `${e.action} ${e.target.id}`);
		expect(targets(await auditLog(admin, "actor=bo@x"))).toEqual([
			"workflow.update missing",
			"workflow.update wf_b",
		]);
		expect(targets(await auditLog(admin, "action=workflow.create"))).toEqual([
			"workflow.create wf_c",
			"workflow.create wf_b",
			"workflow.create wf_a",
		]);
		expect(targets(await auditLog(admin, "target=wf_b"))).toEqual([
			"workflow.update wf_b",
			"workflow.create wf_b",
		]);
		expect(targets(await auditLog(admin, "outcome=failure"))).toEqual(["workflow.update missing"]);
		const all = await auditLog(admin);
		const middle = all[2] as Entry;
		const window = await auditLog(
			admin,
			`after=${encodeURIComponent(middle.at)}&before=${encodeURIComponent(all[0]?.at ?? "")}`,
		);
		expect(window.every((e) => e.at >= middle.at && e.at < (all[0]?.at ?? ""))).toBe(true);
		expect(window.map((e) => e.id)).toContain(middle.id);
		// Paged two at a time: every entry once, newest first.
		const paged: string[] = [];
		let cursor: string | null = "";
		while (cursor !== null) {
			const res: CallResult = await admin.call(
				`/v1/audit-log?limit=2${cursor ? `&cursor=${cursor}` : ""}`,
			);
			paged.push(...res.body.data.map((e: Entry) => e.id));
			cursor = res.body.nextCursor;
		}
		expect(paged).toEqual(all.map((e) => e.id));
		expectProblem(await admin.call("/v1/audit-log?outcome=maybe"), 422, "validation_failed");
	});

	it("is for admins of the tenant only", async () => {
		const { admin, alice } = await tenantWithWorkflow();
		expectProblem(await alice.call("/v1/audit-log"), 403, "forbidden");
		const runner = await apiKeyFrom(admin, { scopes: ["runs:write"] });
		expectProblem(await runner.call("/v1/audit-log"), 403, "insufficient_scope");
		const elsewhere = await as({ tenant: uniqueTenant("other"), role: "admin" });
		expect(await auditLog(elsewhere)).toEqual([]);
		expect((await auditLog(admin)).length).toBeGreaterThan(0);
	});

	it("pages within a scan budget when a filter matches rarely: every match once, in order", async () => {
		const tenant = uniqueTenant("audit");
		const admin = await as({ tenant, role: "admin", sub: "ada@x" });
		for (let i = 0; i < 7; i++)
			await admin.call("/v1/workflows", { method: "POST", body: waitingWorkflow(`w${i}`) });
		await admin.call("/v1/workflows/w0", { method: "DELETE" });
		const db = database(env.DB);
		const pages: string[][] = [];
		let after: { at: number; id: string } | undefined;
		do {
			const page = await listAuditEvents(
				db,
				tenant,
				{ action: "workflow.create" },
				{ limit: 2, after, now: Date.now(), budget: 3 },
			);
			pages.push(page.rows.map((r) => r.targetId ?? ""));
			after = page.next ?? undefined;
		} while (after && pages.length < 20);
		expect(pages.flat()).toEqual(["w6", "w5", "w4", "w3", "w2", "w1", "w0"]);
		// No page held more than the limit; the first examined only its budget, three rows (the
		// delete and two creates), and still carried on with a cursor.
		expect(pages.every((p) => p.length <= 2)).toBe(true);
		expect(pages[0]).toEqual(["w6", "w5"]);
	});
});

describe("retention", () => {
	it("lists and keeps audit entries 90 days and failed starts 7; the cron deletes older ones", async () => {
		const tenant = uniqueTenant("retention");
		const admin = await as({ tenant, role: "admin" });
		const now = Date.now();
		const insertAudit = env.DB.prepare(
			`INSERT INTO audit_events (id, tenant_id, at, actor, actor_kind, action, target_type, target_id,
			   request_id, outcome, status, error_code) VALUES (?, ?, ?, 'old@x', 'jwt', 'workflow.create',
			   'workflow', 'w', 'r', 'success', 201, NULL)`,
		);
		const insertFailed = env.DB.prepare(
			`INSERT INTO failed_starts (id, tenant_id, at, actor, workflow_identifier, status, error_code,
			   detail, request_id) VALUES (?, ?, ?, 'old@x', 'w', 404, 'not_found', 'gone', 'r')`,
		);
		await env.DB.batch([
			insertAudit.bind(`${tenant}-old`, tenant, now - AUDIT_RETENTION_MS - 60_000),
			insertAudit.bind(`${tenant}-kept`, tenant, now - AUDIT_RETENTION_MS + 3_600_000),
			insertFailed.bind(`${tenant}-old`, tenant, now - FAILED_START_RETENTION_MS - 60_000),
			insertFailed.bind(`${tenant}-kept`, tenant, now - FAILED_START_RETENTION_MS + 3_600_000),
		]);
		expect((await auditLog(admin)).map((e) => e.id)).toEqual([`${tenant}-kept`]);
		const failed = await admin.call("/v1/workflows/runs/failed-starts");
		expect(failed.body.data.map((f: { id: string }) => f.id)).toEqual([`${tenant}-kept`]);

		const removed = await purgeExpired(env, now);
		expect(removed.audit).toBeGreaterThanOrEqual(1);
		expect(removed.failedStarts).toBeGreaterThanOrEqual(1);
		const left = await env.DB.prepare(
			"SELECT id FROM audit_events WHERE tenant_id = ?1 UNION ALL SELECT id FROM failed_starts WHERE tenant_id = ?1",
		)
			.bind(tenant)
			.all<{ id: string }>();
		expect(left.results.map((r) => r.id)).toEqual([`${tenant}-kept`, `${tenant}-kept`]);
		// Nothing left to do: a second run deletes nothing of this tenant.
		await purgeExpired(env, now);
		expect((await auditLog(admin)).map((e) => e.id)).toEqual([`${tenant}-kept`]);
	});
});

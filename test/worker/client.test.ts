/**
 * The typed client (clients/typescript) against the real Worker in workerd: every operation
 * of the OpenAPI document is called at least once through its generated method, and the
 * hand-written parts — problems as typed errors, Idempotency-Keys for starts, following a
 * run's events across a dropped connection, walking every page — are seen working.
 */
import { SELF } from "cloudflare:test";
import { afterAll, describe, expect, it } from "vitest";
import document from "../../clients/typescript/generated/openapi.json";
import { createStepline, type RunEvent, StepLineProblem } from "../../clients/typescript/src";
import { BASE, sampleWorkflow, tokenFor, uniqueTenant } from "./helpers";
import { hook } from "./run-helpers";

type Seen = { method: string; path: string; headers: Headers };

/** A client for one tenant whose fetch goes to the Worker and remembers every request. */
async function clientFor(role: "admin" | "member" | "viewer" = "admin", tenant = uniqueTenant()) {
	const seen: Seen[] = [];
	const token = await tokenFor({ tenant, role });
	const client = createStepline({
		baseUrl: BASE,
		token,
		fetch: async (input, init) => {
			const request = new Request(input, init);
			seen.push({
				method: request.method,
				path: new URL(request.url).pathname,
				headers: request.headers,
			});
			return SELF.fetch(request);
		},
	});
	return { client, seen, tenant };
}

/** Operation ids called by this file, checked against the document at the end. */
const called = new Set<string>();
const operations = Object.values(
	document.paths as Record<string, Record<string, { operationId: string }>>,
).flatMap((item) => Object.values(item).map((op) => op.operationId));
const mark = <T>(operationId: string, result: Promise<T>) => {
	called.add(operationId);
	return result;
};

afterAll(() => {
	const missing = operations.filter((id) => !called.has(id));
	// A new operation needs a call here (and `npm run client:generate`): the client must work for it.
	expect(missing, "operations no test called through the client").toEqual([]);
});

async function waitForEnd(client: Awaited<ReturnType<typeof clientFor>>["client"], runId: string) {
	for (let i = 0; i < 200; i++) {
		const run = await client.getRun({ params: { path: { runId } } });
		if (run.status === "COMPLETED") return run;
		await new Promise((r) => setTimeout(r, 50));
	}
	throw new Error(`run ${runId} did not end`);
}

// Each test makes a few dozen calls (a run started, followed and retried among them): a loaded
// machine took over 5 s for one that takes under 1 s alone.
describe("typed client", { timeout: 60_000 }, () => {
	it("is generated from the document the Worker serves", async () => {
		// `servers` says where the document was fetched from; the client takes a base URL instead.
		const { servers: _servers, ...served } = (await (
			await SELF.fetch(`${BASE}/openapi.json`)
		).json()) as Record<string, unknown>;
		// Otherwise: npm run client:generate, and commit clients/typescript/generated.
		expect(served).toEqual(document);
	});

	it("covers workflows: create, list, read, replace, patch, versions, dry run, delete", async () => {
		const { client } = await clientFor();
		const created = await mark(
			"createWorkflow",
			client.createWorkflow({ body: sampleWorkflow() as never }),
		);
		expect(created).toMatchObject({ identifier: "deploy_service", version: 1 });
		const list = await mark(
			"listWorkflows",
			client.listWorkflows({ params: { query: { search: "deploy" } } }),
		);
		expect(list.data.map((w) => w.identifier)).toEqual(["deploy_service"]);
		const read = await mark(
			"getWorkflow",
			client.getWorkflow({ params: { path: { identifier: "deploy_service" } } }),
		);
		expect(read.definition.nodes).toHaveLength(4);
		const replaced = await mark(
			"replaceWorkflow",
			client.replaceWorkflow({
				params: { path: { identifier: "deploy_service" } },
				body: { ...sampleWorkflow(), title: "Deploy v2" } as never,
			}),
		);
		expect(replaced.version).toBe(2);
		const patched = await mark(
			"patchWorkflow",
			client.patchWorkflow({
				params: { path: { identifier: "deploy_service" } },
				body: { title: "Deploy v3" },
			}),
		);
		expect(patched).toMatchObject({ version: 3, title: "Deploy v3" });
		const versions = await mark(
			"listWorkflowVersions",
			client.listWorkflowVersions({ params: { path: { identifier: "deploy_service" } } }),
		);
		expect(versions.data.map((v) => v.version)).toEqual([3, 2, 1]);
		const v1 = await mark(
			"getWorkflowVersion",
			client.getWorkflowVersion({ params: { path: { identifier: "deploy_service", version: 1 } } }),
		);
		expect(v1.definition.title).toBe("Deploy a service");
		const dry = await mark(
			"dryRunWorkflow",
			client.dryRunWorkflow({
				params: { path: { identifier: "deploy_service" } },
				body: {
					inputs: { service: "api", env: "prod" },
					expect: { path: ["trigger", "check", "notify"] },
				},
			}),
		);
		expect(dry).toMatchObject({ result: "SUCCESS", expectations: { passed: true } });
		await mark(
			"deleteWorkflow",
			client.deleteWorkflow({ params: { path: { identifier: "deploy_service" } } }),
		);
		const gone = await client
			.getWorkflow({ params: { path: { identifier: "deploy_service" } } })
			.catch((e) => e);
		expect(gone).toBeInstanceOf(StepLineProblem);
		expect(gone).toMatchObject({ status: 404, code: "not_found" });
	});

	it("calls back an async node: a callback URL no run made is a typed 404", async () => {
		const { client } = await clientFor();
		const unknown = await mark(
			"postCallback",
			client.postCallback({ params: { path: { token: `bm8.${"A".repeat(43)}` } } }),
		).catch((e: unknown) => e);
		expect(unknown).toBeInstanceOf(StepLineProblem);
		expect(unknown).toMatchObject({ status: 404, code: "not_found" });
	});

	it("answers an INPUT node: a run of another tenant is a typed 404", async () => {
		const { client } = await clientFor("member");
		const unknown = await mark(
			"respondToInput",
			client.respondToInput({
				params: { path: { runId: `run_${"0".repeat(32)}`, node: "approve" } },
				body: { outlet: "approved" },
			}),
		).catch((e: unknown) => e);
		expect(unknown).toBeInstanceOf(StepLineProblem);
		expect(unknown).toMatchObject({ status: 404, code: "not_found" });
	});

	it("lists input requests: a new tenant has none pending for its member", async () => {
		const { client } = await clientFor("member");
		const page = await mark(
			"listInputRequests",
			client.listInputRequests({ params: { query: { status: "pending" } } }),
		);
		expect(page).toEqual({ data: [], nextCursor: null });
	});

	it("throws problem documents as typed errors, field errors with their pointers", async () => {
		const { client } = await clientFor();
		const wf = sampleWorkflow();
		wf.connections[1] = { ...wf.connections[1]!, targetIdentifier: "nowhere" };
		const error = await client.createWorkflow({ body: wf as never }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(StepLineProblem);
		const problem = error as StepLineProblem;
		expect(problem.status).toBe(422);
		expect(problem.code).toBe("validation_failed");
		expect(problem.errors).toContainEqual(
			expect.objectContaining({
				pointer: "/connections/1/targetIdentifier",
				code: "unknown_target",
			}),
		);
		expect(problem.requestId).toEqual(expect.any(String));
	});

	it("covers runs: start (with a generated Idempotency-Key), batch, read, events, stream, cancel, retry", async () => {
		const { client, seen } = await clientFor();
		const receiver = await hook([{ status: 500 }, { status: 200 }]);
		const wf = sampleWorkflow("runner");
		(wf.nodes[2] as { config: { url: string } }).config.url = receiver.url;
		await client.createWorkflow({ body: wf as never });
		const path = { identifier: "runner" };

		const started = await mark(
			"startRun",
			client.startRun({ params: { path }, body: { inputs: { service: "a", env: "prod" } } }),
		);
		const key = seen.at(-1)?.headers.get("idempotency-key");
		expect(key).toMatch(/^[0-9a-f-]{36}$/);
		// A given key is sent as is: the same key and body replay the first run.
		const again = await client.startRun({
			params: { path, header: { "idempotency-key": "fixed-key" } },
			body: { inputs: { service: "b" } },
		});
		const replay = await client.startRun({
			params: { path, header: { "idempotency-key": "fixed-key" } },
			body: { inputs: { service: "b" } },
		});
		expect(replay.id).toBe(again.id);

		const batch = await mark(
			"startRunBatch",
			client.startRunBatch({
				params: { path },
				body: { runs: [{ inputs: { service: "c" } }, { inputs: { service: "d" } }] },
			}),
		);
		expect(batch.data).toHaveLength(2);
		expect(seen.at(-1)?.headers.get("idempotency-key")).toMatch(/^[0-9a-f-]{36}$/);

		const failed = await waitForEnd(client, started.id);
		expect(failed.result).toBe("FAILED");
		called.add("getRun");
		const scoped = await mark(
			"getWorkflowRun",
			client.getWorkflowRun({ params: { path: { identifier: "runner", runId: started.id } } }),
		);
		expect(scoped.id).toBe(started.id);
		const events = await mark(
			"listRunEvents",
			client.listRunEvents({ params: { path: { runId: started.id }, query: { limit: 3 } } }),
		);
		expect(events.data.map((e) => e.seq)).toEqual([1, 2, 3]);
		const call = failed.nodeRuns.find((n) => n.type === "WEBHOOK");
		if (!call) throw new Error("the sample workflow has a WEBHOOK node");
		const attempts = await mark(
			"listRunNodeAttempts",
			client.listRunNodeAttempts({
				params: { path: { runId: started.id, node: call.node }, query: { limit: 1 } },
			}),
		);
		expect(attempts.total).toBe(call.attemptCount);
		expect(attempts.data.map((a) => a.number)).toEqual([1]);
		// Not a forEach node: it has no items to page.
		const items = await mark(
			"listRunNodeItems",
			client.listRunNodeItems({ params: { path: { runId: started.id, node: call.node } } }),
		);
		expect(items).toEqual({ data: [], nextAfter: null, total: 0 });
		// The generated method hands over the raw event stream; followRun parses and resumes it.
		const raw = await mark(
			"streamRunEvents",
			client.streamRunEvents({ params: { path: { runId: started.id } } }),
		);
		expect(await new Response(raw).text()).toContain("event: end");
		const streamed: RunEvent[] = [];
		for await (const event of client.followRun(started.id)) streamed.push(event);
		expect(streamed.at(-1)?.type).toBe("run_failed");
		const all: RunEvent[] = [];
		for await (const event of client.all.runEvents(started.id)) all.push(event);
		expect(all).toEqual(streamed);

		const retried = await mark(
			"retryRun",
			client.retryRun({ params: { path: { runId: started.id } }, body: {} }),
		);
		expect(retried.retryOf).toBe(started.id);
		expect(seen.at(-1)?.headers.get("idempotency-key")).toMatch(/^[0-9a-f-]{36}$/);
		expect((await waitForEnd(client, retried.id)).result).toBe("SUCCESS");

		const waiting = await client.createWorkflow({
			body: { ...sampleWorkflow("sleeper") } as never,
		});
		expect(waiting.identifier).toBe("sleeper");
		const sleeping = await client.startRun({
			params: { path: { identifier: "sleeper" } },
			body: { inputs: { service: "s" } },
		});
		const cancelled = await mark(
			"cancelRun",
			client.cancelRun({ params: { path: { runId: sleeping.id } } }),
		);
		expect(cancelled.id).toBe(sleeping.id);
		const bulk = await mark(
			"cancelRuns",
			client.cancelRuns({ body: { workflowIdentifiers: ["sleeper"] } }),
		);
		expect(bulk).toMatchObject({ alreadyFinished: expect.any(Number) });
	});

	it("follows a run across a dropped connection with Last-Event-ID: no event lost or repeated", async () => {
		const { client: direct, tenant } = await clientFor();
		// trigger → condition: a run of a few events that ends at once.
		const quick = sampleWorkflow("followed");
		quick.nodes = quick.nodes.slice(0, 2);
		quick.connections = quick.connections.slice(0, 1);
		await direct.createWorkflow({ body: quick as never });
		const run = await direct.startRun({
			params: { path: { identifier: "followed" } },
			body: { inputs: { service: "x" } },
		});
		const complete = await waitForEnd(direct, run.id);
		expect(complete.status).toBe("COMPLETED");
		const token = await tokenFor({ tenant });
		const lastEventIds: (string | null)[] = [];
		// The first connection is cut after two events, the way a proxy drops an idle stream.
		const flaky = createStepline({
			baseUrl: BASE,
			token,
			fetch: async (input, init) => {
				const request = new Request(input, init);
				lastEventIds.push(request.headers.get("last-event-id"));
				const response = await SELF.fetch(request);
				if (lastEventIds.length > 1 || !response.body) return response;
				const text = await response.text();
				const cut = `${text.split("\n\n").slice(0, 3).join("\n\n")}\n\n`;
				return new Response(cut, { headers: response.headers });
			},
		});
		const reconnects: number[] = [];
		const seen: number[] = [];
		for await (const event of flaky.followRun(run.id, {
			onReconnect: ({ after }) => reconnects.push(after),
		}))
			seen.push(event.seq);
		expect(lastEventIds).toEqual([null, "2"]);
		expect(reconnects).toEqual([2]);
		const all: number[] = [];
		for await (const event of direct.all.runEvents(run.id)) all.push(event.seq);
		expect(seen).toEqual(all);
	});

	it("walks every page of a list", async () => {
		const { client } = await clientFor();
		for (const id of ["wf_a", "wf_b", "wf_c"])
			await client.createWorkflow({ body: sampleWorkflow(id) as never });
		const identifiers: string[] = [];
		for await (const wf of client.all.workflows({ limit: 1 })) identifiers.push(wf.identifier);
		expect(identifiers).toEqual(["wf_a", "wf_b", "wf_c"]);
		const runs = [];
		for (let i = 0; i < 3; i++)
			runs.push(
				await client.startRun({
					params: { path: { identifier: "wf_a" } },
					body: { inputs: { service: `s${i}` } },
				}),
			);
		const listed: string[] = [];
		called.add("listRuns");
		for await (const run of client.all.runs({ limit: 2, workflowIdentifiers: ["wf_a"] }))
			listed.push(run.id);
		expect(listed.sort()).toEqual(runs.map((r) => r.id).sort());
		const versions: number[] = [];
		for await (const v of client.all.workflowVersions("wf_a")) versions.push(v.version);
		expect(versions).toEqual([1]);
	});

	it("covers the tenant's settings and secrets", async () => {
		const { client } = await clientFor();
		expect(await mark("getTenantSettings", client.getTenantSettings())).toEqual({
			maxConcurrentRuns: 5,
			defaultSigningSecret: null,
			errorWorkflow: null,
			maxRunDepth: 10,
			runRetentionDays: 30,
			maxWorkflows: 1000,
			maxVersionsPerWorkflow: 100,
			maxStreamsPerRun: 20,
			notifications: [],
		});
		expect(
			await mark(
				"updateTenantSettings",
				client.updateTenantSettings({ body: { maxConcurrentRuns: 9 } }),
			),
		).toMatchObject({ maxConcurrentRuns: 9 });
		expect(await mark("getTenantOverview", client.getTenantOverview())).toMatchObject({
			concurrency: { limit: 9 },
			last7Days: { buckets: expect.any(Array) },
		});
		const name = { name: "DEPLOY_TOKEN" };
		await mark(
			"putSecret",
			client.putSecret({ params: { path: name }, body: { value: "s3cret" } }),
		);
		const secrets = await mark("listSecrets", client.listSecrets());
		expect(JSON.stringify(secrets)).toContain("DEPLOY_TOKEN");
		expect(JSON.stringify(secrets)).not.toContain("s3cret");
		const one = await mark("getSecret", client.getSecret({ params: { path: name } }));
		expect(JSON.stringify(one)).toContain("DEPLOY_TOKEN");
		await mark("deleteSecret", client.deleteSecret({ params: { path: name } }));
		const gone = await client.getSecret({ params: { path: name } }).catch((e: unknown) => e);
		expect(gone).toMatchObject({ status: 404, code: "not_found" });
	});

	it("covers sign-in codes: made with a token, exchanged once for it", async () => {
		const { client } = await clientFor("viewer");
		const made = await mark("createSignInCode", client.createSignInCode());
		expect(made.signInUrl).toBe(`${BASE}/admin#code=${made.code}`);
		const session = await mark(
			"exchangeSignInCode",
			client.exchangeSignInCode({ body: { code: made.code } }),
		);
		expect(session.token.split(".")).toHaveLength(3);
		const again = await client
			.exchangeSignInCode({ body: { code: made.code } })
			.catch((e: unknown) => e);
		expect(again).toMatchObject({ status: 401, code: "invalid_sign_in_code" });
	});

	it("covers triggers: webhook URLs, deliveries, rotation, schedules, events", async () => {
		const { client } = await clientFor();
		const workflow = {
			identifier: "triggered",
			title: "Triggered",
			nodes: [
				{ identifier: "hook", config: { type: "WEBHOOK_TRIGGER" } },
				{ identifier: "nightly", config: { type: "SCHEDULE_TRIGGER", cron: "0 2 * * *" } },
				{
					identifier: "created",
					config: { type: "EVENT_TRIGGER", event: { type: "ENTITY_CREATED" } },
				},
			],
			connections: [],
		};
		await client.createWorkflow({ body: workflow as never });
		const path = { identifier: "triggered" };
		const listed = await mark("listTriggers", client.listTriggers({ params: { path } }));
		const url = listed.data.find((t) => t.node === "hook")?.webhook?.url ?? "";
		const hookId = new URL(url).pathname.split("/").pop() as string;
		const delivered = await mark(
			"deliverWebhook",
			client.deliverWebhook({ params: { path: { hookId } } }),
		);
		expect(delivered.outcome).toBe("started");
		const deliveries = await mark(
			"listDeliveries",
			client.listDeliveries({ params: { path: { ...path, node: "hook" } } }),
		);
		expect(deliveries.data[0]?.runId).toBe(delivered.run?.id);
		const rotated = await mark(
			"rotateWebhookUrl",
			client.rotateWebhookUrl({ params: { path: { ...path, node: "hook" } } }),
		);
		expect(rotated.webhook?.url).not.toBe(url);
		const paused = await mark(
			"updateTrigger",
			client.updateTrigger({
				params: { path: { ...path, node: "nightly" } },
				body: { paused: true },
			}),
		);
		expect(paused.schedule?.paused).toBe(true);
		const posted = await mark(
			"postEvents",
			client.postEvents({ body: { id: "evt-client", type: "ENTITY_CREATED" } }),
		);
		expect(posted.data[0]?.matched.map((m) => m.node)).toEqual(["created"]);
	});

	it("covers API keys: create, list, read, revoke; a client made with the key works", async () => {
		const { client } = await clientFor();
		const created = await mark(
			"createApiKey",
			client.createApiKey({ body: { name: "ci", role: "viewer", scopes: ["workflows:read"] } }),
		);
		expect(created.key).toMatch(/^stl_/);
		const listed = await mark("listApiKeys", client.listApiKeys());
		expect(listed.data.map((k) => k.id)).toEqual([created.id]);
		const keyId = { keyId: created.id };
		expect(await mark("getApiKey", client.getApiKey({ params: { path: keyId } }))).toMatchObject({
			name: "ci",
			revokedAt: null,
		});
		const withKey = createStepline({
			baseUrl: BASE,
			token: created.key,
			fetch: (input, init) => SELF.fetch(new Request(input, init)),
		});
		expect((await withKey.listWorkflows()).data).toEqual([]);
		await mark("revokeApiKey", client.revokeApiKey({ params: { path: keyId } }));
		const refused = await withKey.listWorkflows().catch((e: unknown) => e);
		expect(refused).toMatchObject({ status: 401, code: "invalid_token" });
	});

	it("covers the audit log and failed starts", async () => {
		const { client } = await clientFor();
		const refused = await client
			.startRun({ params: { path: { identifier: "nowhere" } }, body: {} })
			.catch((e: unknown) => e);
		expect(refused).toMatchObject({ status: 404, code: "not_found" });
		const failed = await mark("listFailedStarts", client.listFailedStarts());
		expect(failed.data).toEqual([
			expect.objectContaining({ workflow: "nowhere", code: "not_found" }),
		]);
		await client.updateTenantSettings({ body: { maxConcurrentRuns: 4 } });
		const log = await mark("getAuditLog", client.getAuditLog({ params: { query: { limit: 10 } } }));
		expect(log.data.map((e) => e.action)).toEqual(["tenant.settings.update"]);
	});
});

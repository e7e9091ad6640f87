import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { grants, SCOPES, type Scope } from "../../worker/auth/scopes";
import { apiKeyFrom, type KeyCaller } from "./api-key-helpers";
import { as, BASE, expectProblem, uniqueTenant } from "./helpers";
import { documentedOperations, type Operation } from "./operations";
import { waitingWorkflow } from "./runs-helpers";

/**
 * Every operation of the OpenAPI document, called with API keys and scoped tokens: with its
 * scope (and the least role it needs) it works; without the scope it is 403 naming it; with a
 * role below it 403; with a revoked or expired key 401; with another tenant's key it finds
 * nothing of this tenant. The table below has one entry per operation, and a test fails when
 * an operation has none, so a new route comes with its security cases.
 */

type Role = "viewer" | "member" | "admin";
type Admin = Awaited<ReturnType<typeof as>>;
const rand = () => crypto.randomUUID().slice(0, 8);

interface Fixtures {
	tenant: string;
	admin: Admin;
	/** A workflow that shares its runs, so every role may read them. */
	workflow: string;
	run: string;
	secret: string;
	key: string;
	/** A workflow with a webhook (`hook`), a schedule (`nightly`) and an event trigger. */
	triggered: string;
	freshWorkflow(): Promise<string>;
	freshRun(): Promise<string>;
	cancelledRun(): Promise<string>;
	freshSecret(): Promise<string>;
	freshKey(): Promise<string>;
	/** A run whose INPUT node `ask` waits for an answer (outlet `ok`). */
	waitingForInput(): Promise<string>;
}

interface Case {
	/** The least role that may call it. */
	role: Role;
	/** Made afresh for each call: some calls use up what they act on. */
	request(
		f: Fixtures,
	): Promise<{ path: string; body?: unknown }> | { path: string; body?: unknown };
	status: number;
	/** What another tenant's admin key gets for the same request. */
	foreign: number;
	/** Lists the caller's own records (checked by the caller's subject, not by this tenant's names). */
	ownRecords?: true;
}

const CASES: Record<string, Case> = {
	createWorkflow: {
		role: "member",
		request: () => ({ path: "/v1/workflows", body: waitingWorkflow(`new_${rand()}`) }),
		status: 201,
		foreign: 201,
	},
	listWorkflows: {
		role: "viewer",
		request: () => ({ path: "/v1/workflows" }),
		status: 200,
		foreign: 200,
	},
	getWorkflow: {
		role: "viewer",
		request: (f) => ({ path: `/v1/workflows/${f.workflow}` }),
		status: 200,
		foreign: 404,
	},
	replaceWorkflow: {
		role: "member",
		request: async (f) => {
			const identifier = await f.freshWorkflow();
			return {
				path: `/v1/workflows/${identifier}`,
				body: waitingWorkflow(identifier, { title: "New" }),
			};
		},
		status: 200,
		// An upsert: another tenant's key creates a workflow of its own under the identifier.
		foreign: 201,
	},
	patchWorkflow: {
		role: "member",
		request: async (f) => ({
			path: `/v1/workflows/${await f.freshWorkflow()}`,
			body: { title: "P" },
		}),
		status: 200,
		foreign: 404,
	},
	deleteWorkflow: {
		role: "member",
		request: async (f) => ({ path: `/v1/workflows/${await f.freshWorkflow()}` }),
		status: 204,
		foreign: 404,
	},
	listWorkflowVersions: {
		role: "viewer",
		request: (f) => ({ path: `/v1/workflows/${f.workflow}/versions` }),
		status: 200,
		foreign: 404,
	},
	getWorkflowVersion: {
		role: "viewer",
		request: (f) => ({ path: `/v1/workflows/${f.workflow}/versions/1` }),
		status: 200,
		foreign: 404,
	},
	dryRunWorkflow: {
		role: "viewer",
		request: (f) => ({
			path: `/v1/workflows/${f.workflow}/dry-run`,
			body: { inputs: { message: "x" } },
		}),
		status: 200,
		foreign: 404,
	},
	startRun: {
		role: "member",
		request: (f) => ({
			path: `/v1/workflows/${f.workflow}/runs`,
			body: { inputs: { message: "x" } },
		}),
		status: 202,
		foreign: 404,
	},
	startRunBatch: {
		role: "member",
		request: (f) => ({
			path: `/v1/workflows/${f.workflow}/runs/batch`,
			body: { runs: [{ inputs: { message: "x" } }] },
		}),
		status: 202,
		foreign: 404,
	},
	listRuns: {
		role: "viewer",
		request: () => ({ path: "/v1/workflows/runs" }),
		status: 200,
		foreign: 200,
	},
	cancelRuns: {
		role: "member",
		request: async (f) => {
			const identifier = await f.freshWorkflow();
			return { path: "/v1/workflows/runs/cancel", body: { workflowIdentifiers: [identifier] } };
		},
		status: 200,
		foreign: 200,
	},
	getRun: {
		role: "viewer",
		request: (f) => ({ path: `/v1/workflows/runs/${f.run}` }),
		status: 200,
		foreign: 404,
	},
	getWorkflowRun: {
		role: "viewer",
		request: (f) => ({ path: `/v1/workflows/${f.workflow}/runs/${f.run}` }),
		status: 200,
		foreign: 404,
	},
	listRunEvents: {
		role: "viewer",
		request: (f) => ({ path: `/v1/workflows/runs/${f.run}/events` }),
		status: 200,
		foreign: 404,
	},
	listRunNodeItems: {
		role: "viewer",
		request: (f) => ({ path: `/v1/workflows/runs/${f.run}/nodes/trigger/items` }),
		status: 200,
		foreign: 404,
	},
	listRunNodeAttempts: {
		role: "viewer",
		request: (f) => ({ path: `/v1/workflows/runs/${f.run}/nodes/trigger/attempts` }),
		status: 200,
		foreign: 404,
	},
	streamRunEvents: {
		role: "viewer",
		request: (f) => ({ path: `/v1/workflows/runs/${f.run}/stream` }),
		status: 200,
		foreign: 404,
	},
	cancelRun: {
		role: "member",
		request: async (f) => ({ path: `/v1/workflows/runs/${await f.freshRun()}/cancel` }),
		status: 202,
		foreign: 404,
	},
	retryRun: {
		role: "member",
		request: async (f) => ({ path: `/v1/workflows/runs/${await f.cancelledRun()}/retry` }),
		status: 202,
		foreign: 404,
	},
	respondToInput: {
		role: "member",
		request: async (f) => ({
			path: `/v1/runs/${await f.waitingForInput()}/inputs/ask`,
			body: { outlet: "ok" },
		}),
		status: 200,
		foreign: 404,
	},
	// Each tenant lists its own requests: another tenant's key sees none of these.
	listInputRequests: {
		role: "viewer",
		request: () => ({ path: "/v1/inputs?status=closed" }),
		status: 200,
		foreign: 200,
	},
	getTenantSettings: {
		role: "viewer",
		request: () => ({ path: "/v1/tenant/settings" }),
		status: 200,
		foreign: 200,
	},
	getTenantOverview: {
		role: "viewer",
		request: () => ({ path: "/v1/tenant/overview" }),
		status: 200,
		foreign: 200,
	},
	updateTenantSettings: {
		role: "admin",
		request: () => ({ path: "/v1/tenant/settings", body: { maxConcurrentRuns: 10 } }),
		status: 200,
		foreign: 200,
	},
	listSecrets: {
		role: "viewer",
		request: () => ({ path: "/v1/secrets" }),
		status: 200,
		foreign: 200,
	},
	getSecret: {
		role: "viewer",
		request: (f) => ({ path: `/v1/secrets/${f.secret}` }),
		status: 200,
		foreign: 404,
	},
	putSecret: {
		role: "admin",
		request: () => ({ path: `/v1/secrets/NEW_${rand()}`, body: { value: "v" } }),
		status: 201,
		foreign: 201,
	},
	deleteSecret: {
		role: "admin",
		request: async (f) => ({ path: `/v1/secrets/${await f.freshSecret()}` }),
		status: 204,
		foreign: 404,
	},
	// Sign-in codes are for people's tokens (sign-in-codes.test.ts): a key, even with the scope,
	// is refused, its own tenant's or another's.
	createSignInCode: {
		role: "viewer",
		request: () => ({ path: "/v1/auth/sign-in-codes" }),
		status: 403,
		foreign: 403,
	},
	createApiKey: {
		role: "admin",
		request: () => ({
			path: "/v1/api-keys",
			body: { name: "made by a key", role: "viewer", scopes: ["runs:read"] },
		}),
		status: 201,
		foreign: 201,
	},
	listApiKeys: {
		role: "admin",
		request: () => ({ path: "/v1/api-keys" }),
		status: 200,
		foreign: 200,
	},
	getApiKey: {
		role: "admin",
		request: (f) => ({ path: `/v1/api-keys/${f.key}` }),
		status: 200,
		foreign: 404,
	},
	// The other tenant's key lists its own records, which name what it tried on this tenant.
	getAuditLog: {
		role: "admin",
		request: () => ({ path: "/v1/audit-log" }),
		status: 200,
		foreign: 200,
		ownRecords: true,
	},
	listFailedStarts: {
		role: "viewer",
		request: () => ({ path: "/v1/workflows/runs/failed-starts" }),
		status: 200,
		foreign: 200,
		ownRecords: true,
	},
	revokeApiKey: {
		role: "admin",
		request: async (f) => ({ path: `/v1/api-keys/${await f.freshKey()}` }),
		status: 204,
		foreign: 404,
	},
	listTriggers: {
		role: "member",
		request: (f) => ({ path: `/v1/workflows/${f.triggered}/triggers` }),
		status: 200,
		foreign: 404,
	},
	listDeliveries: {
		role: "member",
		request: (f) => ({ path: `/v1/workflows/${f.triggered}/triggers/hook/deliveries` }),
		status: 200,
		foreign: 404,
	},
	updateTrigger: {
		role: "member",
		request: (f) => ({
			path: `/v1/workflows/${f.triggered}/triggers/nightly`,
			body: { paused: true },
		}),
		status: 200,
		foreign: 404,
	},
	rotateWebhookUrl: {
		role: "admin",
		request: (f) => ({ path: `/v1/workflows/${f.triggered}/triggers/hook/rotate` }),
		status: 200,
		foreign: 404,
	},
	// Events are the caller's tenant's own: another tenant's key posts to its own triggers.
	postEvents: {
		role: "member",
		request: () => ({ path: "/v1/events", body: { id: `evt_${rand()}`, type: "SCOPE_CHECK" } }),
		status: 202,
		foreign: 202,
	},
};

/** Third parties call these without a Stepline credential: no scope, and nothing else is so. */
const PUBLIC_OPERATIONS = ["deliverWebhook", "postCallback", "exchangeSignInCode"];

const BELOW: Record<Role, Role | null> = { viewer: null, member: "viewer", admin: "member" };

/** One request with a bearer credential; a stream's body is left unread (it stays open). */
async function send(token: string, method: string, request: { path: string; body?: unknown }) {
	const headers: Record<string, string> = { authorization: `Bearer ${token}` };
	if (request.body !== undefined) headers["content-type"] = "application/json";
	const res = await SELF.fetch(`${BASE}${request.path}`, {
		method,
		headers,
		body: request.body === undefined ? undefined : JSON.stringify(request.body),
	});
	const type = res.headers.get("content-type") ?? "";
	if (type.startsWith("text/event-stream")) {
		await res.body?.cancel();
		return { status: res.status, headers: res.headers, body: null, text: "" };
	}
	const text = await res.text();
	return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null, text };
}

/** The scope an operation declares: its one bearerAuth requirement. */
function scopeOf(operation: Operation): Scope {
	const [requirement, ...more] = operation.security;
	const scopes = requirement?.bearerAuth ?? [];
	if (more.length > 0 || scopes.length !== 1)
		throw new Error(`${operation.operationId}: one scope`);
	return scopes[0] as Scope;
}

/** The other tenant's admin, who made `foreignKey`. */
const FOREIGN_ADMIN = "bea@elsewhere";
let operations: Operation[];
let f: Fixtures;
let foreignKey: KeyCaller;
let revokedKey: KeyCaller;
let expiredKey: KeyCaller;

beforeAll(async () => {
	operations = (await documentedOperations()).filter(
		(o) => !PUBLIC_OPERATIONS.includes(o.operationId),
	);
	const tenant = uniqueTenant("scopes");
	const admin = await as({ tenant, role: "admin", sub: "ada@x" });
	const ok = (res: { status: number; body: unknown }, status: number) => {
		if (res.status !== status)
			throw new Error(`fixture: ${res.status} ${JSON.stringify(res.body)}`);
		return res.body as any;
	};
	const freshWorkflow = async () => {
		const identifier = `wf_${rand()}`;
		ok(
			await admin.call("/v1/workflows", {
				method: "POST",
				body: waitingWorkflow(identifier, { allowAnyoneToViewRuns: true }),
			}),
			201,
		);
		return identifier;
	};
	const workflow = await freshWorkflow();
	const startOne = async () =>
		ok(
			await admin.call(`/v1/workflows/${workflow}/runs`, {
				method: "POST",
				body: { inputs: { message: "x" } },
			}),
			202,
		).id as string;
	const freshSecret = async () => {
		const name = `S_${rand()}`;
		ok(await admin.call(`/v1/secrets/${name}`, { method: "PUT", body: { value: "v" } }), 201);
		return name;
	};
	const freshKey = async () => (await apiKeyFrom(admin, { scopes: ["runs:read"] })).id;
	const triggered = `trig_${rand()}`;
	ok(
		await admin.call("/v1/workflows", {
			method: "POST",
			body: {
				identifier: triggered,
				title: "Triggered",
				nodes: [
					{ identifier: "hook", config: { type: "WEBHOOK_TRIGGER" } },
					{ identifier: "nightly", config: { type: "SCHEDULE_TRIGGER", cron: "0 2 * * *" } },
					{ identifier: "on_check", config: { type: "EVENT_TRIGGER", event: { type: "NONE" } } },
				],
				connections: [],
			},
		}),
		201,
	);
	const asking = `ask_${rand()}`;
	ok(
		await admin.call("/v1/workflows", {
			method: "POST",
			body: {
				identifier: asking,
				title: "Asks",
				nodes: [
					{ identifier: "trigger", config: { type: "SELF_SERVE_TRIGGER" } },
					{ identifier: "ask", config: { type: "INPUT", outlets: [{ identifier: "ok" }] } },
				],
				connections: [{ identifier: "c1", sourceIdentifier: "trigger", targetIdentifier: "ask" }],
			},
		}),
		201,
	);
	f = {
		tenant,
		admin,
		workflow,
		run: await startOne(),
		secret: await freshSecret(),
		key: await freshKey(),
		triggered,
		freshWorkflow,
		freshRun: startOne,
		cancelledRun: async () => {
			const id = await startOne();
			ok(await admin.call(`/v1/workflows/runs/${id}/cancel`, { method: "POST" }), 202);
			return id;
		},
		freshSecret,
		freshKey,
		waitingForInput: async () =>
			ok(await admin.call(`/v1/workflows/${asking}/runs`, { method: "POST", body: {} }), 202)
				.id as string,
	};
	foreignKey = await apiKeyFrom(
		await as({ tenant: uniqueTenant("elsewhere"), sub: FOREIGN_ADMIN }),
		{
			scopes: ["admin"],
		},
	);
	revokedKey = await apiKeyFrom(admin, { scopes: ["admin"] });
	ok(await admin.call(`/v1/api-keys/${revokedKey.id}`, { method: "DELETE" }), 204);
	const expiresAt = new Date(Date.now() + 1000).toISOString();
	expiredKey = await apiKeyFrom(admin, { scopes: ["admin"], expiresAt });
	await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(expiresAt) - Date.now() + 50)));
});

describe("scopes in the OpenAPI document", () => {
	it("only the public operations have no security requirement", async () => {
		const open = (await documentedOperations()).filter((o) => o.security.length === 0);
		expect(open.map((o) => o.operationId)).toEqual(PUBLIC_OPERATIONS);
	});

	it("every operation declares exactly one known scope, and has a row in this file", () => {
		for (const operation of operations) {
			expect(SCOPES).toContain(scopeOf(operation));
			expect(Object.keys(CASES), operation.operationId).toContain(operation.operationId);
		}
		expect(Object.keys(CASES).sort()).toEqual(operations.map((o) => o.operationId).sort());
	});
});

// About a dozen requests per operation: room for a machine shared with other test runs.
describe("every operation with API keys and scoped tokens", { timeout: 60_000 }, () => {
	for (const operationId of Object.keys(CASES)) {
		it(operationId, async () => {
			const operation = operations.find((o) => o.operationId === operationId) as Operation;
			const c = CASES[operationId] as Case;
			const scope = scopeOf(operation);
			const call = async (token: string) => send(token, operation.method, await c.request(f));

			// Happy: a key with just this scope and the least role.
			const exact = await apiKeyFrom(f.admin, { role: c.role, scopes: [scope] });
			const happy = await call(exact.token);
			expect(happy.status, `${operationId} with ${scope}: ${happy.text}`).toBe(c.status);

			// Missing scope: every scope that does not grant this one, as a key and as a token.
			const others = SCOPES.filter((s) => !grants([s], scope));
			const withoutKey = await apiKeyFrom(f.admin, { role: "admin", scopes: others });
			const withoutToken = await as({
				tenant: f.tenant,
				role: "admin",
				claims: { scope: others.join(" ") },
			});
			for (const token of [withoutKey.token, withoutToken.token]) {
				const res = await call(token);
				const problem = expectProblem(res, 403, "insufficient_scope");
				expect(problem.detail).toContain(`the ${scope} scope`);
				expect(res.headers.get("www-authenticate")).toContain(`scope="${scope}"`);
			}

			// A role below the least: the scope alone does not lift it.
			const below = BELOW[c.role];
			if (below) {
				const weaker = await apiKeyFrom(f.admin, { role: below, scopes: [scope] });
				const res = await call(weaker.token);
				expectProblem(res, 403, "forbidden");
			}

			// Revoked and expired keys are not credentials any more.
			for (const [key, word] of [
				[revokedKey, "revoked"],
				[expiredKey, "expired"],
			] as const) {
				const res = await call(key.token);
				expect(expectProblem(res, 401, "invalid_token").detail).toContain(word);
			}

			// Another tenant's key: this tenant's objects do not exist for it.
			const foreign = await call(foreignKey.token);
			expect(foreign.status, `${operationId} from another tenant: ${foreign.text}`).toBe(c.foreign);
			if (c.ownRecords)
				for (const record of foreign.body.data)
					expect([foreignKey.subject, FOREIGN_ADMIN], operationId).toContain(record.actor);
			else if (operation.method === "GET" && foreign.status === 200)
				for (const marker of [f.workflow, f.run, f.secret, f.key])
					expect(foreign.text, operationId).not.toContain(marker);
		});
	}
});

/**
 * Notifications inside workerd (docs/ARCHITECTURE.md#notifications): the tenant's endpoints are
 * checked when they are set, pinned by each run at its start, and told about the run's events
 * through its outbox: a signed POST to the real loopback receiver, the same webhook-id on every
 * retry, recorded on the run. The object's clock is moved by the test.
 */
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import type { RunObject } from "../../durable-objects";
import { verify } from "../../engine/crypto/standard-webhooks";
import { expectProblem } from "./helpers";
import { fireAlarm, hook, runStub, type Stub, waitForRun } from "./run-helpers";
import { tenantWithWorkflow } from "./runs-helpers";

const SIGNING = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

const quick = {
	identifier: "quick",
	title: "Quick job",
	nodes: [
		{ identifier: "trigger", config: { type: "SELF_SERVE_TRIGGER" } },
		{ identifier: "pause", config: { type: "DELAY", duration: "1ms" } },
	],
	connections: [{ identifier: "c1", sourceIdentifier: "trigger", targetIdentifier: "pause" }],
};

const approval = {
	identifier: "ship",
	title: "Ship a release",
	nodes: [
		{
			identifier: "trigger",
			config: {
				type: "SELF_SERVE_TRIGGER",
				userInputs: { properties: { version: { type: "string" } } },
			},
		},
		{
			identifier: "approve",
			title: "Ship it?",
			description: "Release {{ .inputs.version }}",
			config: {
				type: "INPUT",
				userInputs: { properties: { reason: { type: "string" } } },
				outlets: [{ identifier: "yes", title: "Ship" }, { identifier: "no" }],
				responders: { users: ["bob@x"] },
			},
		},
	],
	connections: [{ identifier: "c1", sourceIdentifier: "trigger", targetIdentifier: "approve" }],
};

type Tenant = Awaited<ReturnType<typeof tenantWithWorkflow>>;

async function setNotifications(t: Tenant, notifications: unknown) {
	return t.admin.call("/v1/tenant/settings", { method: "PATCH", body: { notifications } });
}

async function startVia(t: Tenant, identifier: string, inputs = {}) {
	const started = await t.alice.call(`/v1/workflows/${identifier}/runs`, {
		method: "POST",
		body: { inputs, notificationRecipients: ["ops@example.com"] },
	});
	expect(started.status).toBe(202);
	return { runId: started.body.id as string, stub: runStub(t.tenant, started.body.id) };
}

async function deliveriesOf(receiver: Awaited<ReturnType<typeof hook>>, count: number) {
	return vi.waitFor(
		async () => {
			const got = await receiver.deliveries();
			if (got.length < count) throw new Error(`${got.length} of ${count} deliveries`);
			return got;
		},
		{ timeout: 10_000, interval: 20 },
	);
}

/** Moves the object's clock on, so what is due in `ms` is due now. */
async function later(stub: Stub, ms: number) {
	await runInDurableObject(stub, (instance: RunObject) => {
		const clock = instance.clock;
		instance.clock = { now: () => clock.now() + ms };
	});
}

describe("tenant settings: notifications", () => {
	it("stores the endpoints an admin sets, and shows other roles no URL path", async () => {
		const t = await tenantWithWorkflow(quick);
		const url = "https://hooks.slack.com/services/T0/B0/credential";
		const set = await setNotifications(t, [
			{ url, events: ["run.failed", "run.completed"], format: "slack" },
		]);
		expect(set.status).toBe(200);
		expect(set.body.notifications).toEqual([
			{ url, events: ["run.failed", "run.completed"], format: "slack" },
		]);
		const seen = await t.alice.call("/v1/tenant/settings");
		expect(seen.body.notifications).toEqual([
			{
				url: "https://hooks.slack.com/…",
				events: ["run.failed", "run.completed"],
				format: "slack",
			},
		]);
		// Other settings stay as they were; an empty list clears them.
		expect(seen.body.maxConcurrentRuns).toBeGreaterThan(0);
		const cleared = await setNotifications(t, []);
		expect(cleared.body.notifications).toEqual([]);
	});

	it("refuses an unknown event, a missing secret and an address calls may not reach, naming each field", async () => {
		const t = await tenantWithWorkflow(quick);
		const bad = await setNotifications(t, [
			{ url: "https://ok.example.com/hook", events: ["run.exploded"] },
		]);
		expect(expectProblem(bad, 422, "validation_failed").errors?.[0]?.pointer).toBe(
			"/notifications/0/events/0",
		);
		const refused = await setNotifications(t, [
			{ url: "https://ok.example.com/hook", events: ["run.failed"], secret: "NOPE" },
			{ url: "http://169.254.169.254/latest/meta-data", events: ["run.failed"] },
		]);
		const errors = expectProblem(refused, 422, "validation_failed").errors ?? [];
		expect(errors.map((e) => [e.pointer, e.code])).toEqual([
			["/notifications/0/secret", "unknown_secret"],
			["/notifications/1/url", "url_refused"],
		]);
		const typo = await setNotifications(t, [
			{ url: "https://ok.example.com/hook", events: ["run.failed"], formt: "slack" },
		]);
		expect(expectProblem(typo, 422, "validation_failed").errors?.[0]?.pointer).toBe(
			"/notifications/0/formt",
		);
		expect((await t.admin.call("/v1/tenant/settings")).body.notifications).toEqual([]);
		// Only admins change them.
		const member = await t.alice.call("/v1/tenant/settings", {
			method: "PATCH",
			body: { notifications: [] },
		});
		expectProblem(member, 403, "forbidden");
	});
});

describe("notifications through the run's outbox", () => {
	it("signs the event, keeps the webhook-id on a retry, and records the delivery on the run", async () => {
		const t = await tenantWithWorkflow(quick);
		await t.admin.call("/v1/secrets/NOTIFY_SIGNING", { method: "PUT", body: { value: SIGNING } });
		const receiver = await hook([{ status: 503 }, { status: 204 }]);
		const silent = await hook();
		expect(
			(
				await setNotifications(t, [
					{ url: receiver.url, events: ["run.completed"], secret: "NOTIFY_SIGNING" },
					{ url: silent.url, events: ["run.failed"] },
				])
			).status,
		).toBe(200);
		const { runId, stub } = await startVia(t, "quick");
		await waitForRun(stub, (r) => r.status === "COMPLETED");
		const [first] = await deliveriesOf(receiver, 1);
		// The first send failed (503): the run shows it, and sends again after a backoff.
		const failing = await waitForRun(stub, (r) => r.notifications[0]?.failures === 1);
		expect(failing.notifications).toEqual([
			expect.objectContaining({
				event: "run.completed",
				status: "sending",
				url: new URL(receiver.url).origin,
				lastError: expect.stringContaining("503"),
			}),
		]);
		await later(stub, 2_000);
		await fireAlarm(stub);
		const [, second] = await deliveriesOf(receiver, 2);
		const delivered = await waitForRun(stub, (r) => r.notifications[0]?.status === "delivered");
		expect(delivered.notifications[0]).toMatchObject({ failures: 1, webhookId: `${runId}.ended` });

		for (const delivery of [first, second]) {
			expect(delivery?.method).toBe("POST");
			expect(delivery?.headers["webhook-id"]).toBe(`${runId}.ended`);
			const verified = await verify(SIGNING, delivery?.headers ?? {}, delivery?.body ?? "", {
				now: Date.now(),
			});
			expect(verified.kind).toBe("verified");
		}
		expect(second?.body).toBe(first?.body);
		expect(JSON.parse(second?.body ?? "{}")).toMatchObject({
			type: "run.completed",
			data: {
				run: {
					id: runId,
					status: "COMPLETED",
					result: "SUCCESS",
					url: `https://stepline.test/v1/workflows/runs/${runId}`,
					page: `https://stepline.test/admin/#/runs/${runId}`,
				},
				workflow: { identifier: "quick", title: "Quick job", version: 1 },
				initiator: "alice@x",
				notificationRecipients: ["ops@example.com"],
			},
		});
		// A tampered body does not verify against the same headers.
		const tampered = await verify(SIGNING, second?.headers ?? {}, `${second?.body} `, {
			now: Date.now(),
		});
		expect(tampered.kind).not.toBe("verified");
		// The endpoint for failures heard nothing of a run that succeeded.
		expect(await silent.deliveries()).toEqual([]);
	});

	it("tells an input request with its form and where to answer; Slack gets text and blocks", async () => {
		const t = await tenantWithWorkflow(approval);
		const json = await hook();
		const slack = await hook();
		await setNotifications(t, [
			{ url: json.url, events: ["run.waiting_for_input"] },
			{ url: slack.url, events: ["run.waiting_for_input", "run.cancelled"], format: "slack" },
		]);
		const { runId, stub } = await startVia(t, "ship", { version: "1.2" });
		await waitForRun(stub, (r) => r.status === "WAITING");
		const [event] = await deliveriesOf(json, 1);
		expect(JSON.parse(event?.body ?? "{}")).toMatchObject({
			type: "run.waiting_for_input",
			data: {
				run: { id: runId, status: "WAITING" },
				input: {
					node: "approve",
					title: "Ship it?",
					description: "Release 1.2",
					form: { properties: { reason: { type: "string" } } },
					buttons: [
						{ title: "Ship", outlet: "yes" },
						{ title: "no", outlet: "no" },
					],
					answerUrl: `https://stepline.test/v1/runs/${runId}/inputs/approve`,
				},
			},
		});
		const [message] = await deliveriesOf(slack, 1);
		const body = JSON.parse(message?.body ?? "{}");
		expect(body.text).toBe(`Ship a release (run ${runId}) is waiting for input`);
		expect(body.blocks[0].text.text).toContain("*Ship it?*");
		expect(body.blocks[0].text.text).toContain("Answers: Ship, no");

		await t.alice.call(`/v1/workflows/runs/${runId}/cancel`, { method: "POST", body: {} });
		const [, cancelled] = await deliveriesOf(slack, 2);
		expect(JSON.parse(cancelled?.body ?? "{}").text).toBe(
			`Ship a release (run ${runId}) was cancelled`,
		);
		const run = await waitForRun(
			stub,
			(r) => r.notifications.length === 3 && r.notifications.every((n) => n.status === "delivered"),
		);
		expect(run.notifications.map((n) => n.event)).toEqual([
			"run.waiting_for_input",
			"run.waiting_for_input",
			"run.cancelled",
		]);
		expect((await t.alice.call(`/v1/workflows/runs/${runId}`)).body.notifications).toHaveLength(3);
	});
});

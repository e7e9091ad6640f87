/**
 * Notifications (docs/ARCHITECTURE.md#notifications): which events of a run go to which of the
 * endpoints it pinned, stored with the transition they follow from, sent under one webhook-id on
 * every retry, recorded on the run, and given up after NOTIFY_MAX_FAILURES.
 */
import { describe, expect, it } from "vitest";
import { hashToken } from "../../crypto/token";
import { memorySealer } from "../../run";
import { chain } from "../../run/test/defs";
import { linkPlace } from "../answer-links";
import type { NotificationEndpoint, Sending } from "../index";
import { NOTIFY_MAX_FAILURES } from "../notices";
import { HOOK, oneCall, TestHost } from "./host";

const DONE = "https://notify.example.com/done";
const FAILS = "https://notify.example.com/fails";
const INPUTS = "https://hooks.slack.com/services/T1/B2/secretpath";

const endpoints: NotificationEndpoint[] = [
	{ url: DONE, events: ["run.completed", "run.cancelled"], secret: "NOTIFY" },
	{ url: FAILS, events: ["run.failed"] },
	{ url: INPUTS, events: ["run.waiting_for_input"], format: "slack" },
];

/** The notifications a decision sends (a failed run also starts its error workflow). */
const sends = (decision: ReturnType<TestHost["feed"]>): Sending[] =>
	decision.background.flatMap((c) =>
		c.kind === "send" && c.sending.message.kind === "notify" ? [c.sending] : [],
	);

const notifying = (host: TestHost) =>
	host.stored.outbox?.sending?.find((s) => s.message.kind === "notify");

const serverError = {
	kind: "response" as const,
	response: { status: 500, headers: {}, body: "{}", bodyTruncated: false },
};

const approval = () =>
	chain(
		{
			identifier: "approve",
			title: "Ship it?",
			config: {
				type: "INPUT",
				userInputs: { properties: { reason: { type: "string" } } },
				outlets: [
					{ identifier: "yes", title: "Ship" },
					{ identifier: "no", decisive: true },
				],
				responders: { users: ["bob"] },
			},
		},
		{ identifier: "call", config: { type: "WEBHOOK", url: `${HOOK}/call` } },
	);

describe("decide: notifications", () => {
	it("a run that ends tells the endpoints subscribed to how it ended, in the row that ended it", () => {
		const host = new TestHost(oneCall(), undefined, { notifications: endpoints });
		host.admit("granted");
		const ended = host.wait(10).answerCall();
		const [send, ...others] = sends(ended);
		expect(others).toEqual([]);
		expect(send).toMatchObject({
			id: "notify:ended:0",
			message: {
				kind: "notify",
				endpoint: { url: DONE, secret: "NOTIFY" },
				webhookId: "run_1.ended",
				notice: {
					type: "run.completed",
					data: {
						run: { id: "run_1", result: "SUCCESS", path: "/v1/workflows/runs/run_1" },
						workflow: { identifier: "wf", version: 1 },
						initiator: "alice",
					},
				},
			},
		});
		// Message and record are stored with the transition: as durable as the end itself.
		expect(host.stored.outbox?.sending).toEqual([send]);
		expect(host.stored.notifications).toEqual([
			expect.objectContaining({
				id: "notify:ended:0",
				status: "sending",
				url: new URL(DONE).origin,
			}),
		]);
		const delivered = host.feed({
			kind: "sent",
			id: "notify:ended:0",
			answer: { kind: "notified", status: 204 },
		});
		expect(delivered.writeNow.sort()).toEqual(["notifications", "outbox"]);
		expect(host.stored.outbox?.sending).toEqual([]);
		expect(host.stored.notifications?.[0]).toMatchObject({ status: "delivered", failures: 0 });
	});

	it("a failed send goes out again with backoff under the same id, and is given up at last", () => {
		const host = new TestHost(oneCall(), undefined, { notifications: endpoints });
		host.admit("granted");
		const [first] = sends(host.wait(10).answerCall(serverError));
		expect(first).toMatchObject({
			id: "notify:ended:1",
			message: { notice: { type: "run.failed", data: { run: { error: { code: "http_error" } } } } },
		});
		const delays: number[] = [];
		for (let failure = 1; failure < NOTIFY_MAX_FAILURES; failure++) {
			host.feed({ kind: "send_failed", id: "notify:ended:1", error: "HTTP 503" });
			const due = notifying(host)?.dueAt ?? 0;
			delays.push(due - host.now);
			const [again] = sends(host.wait(due - host.now).feed({ kind: "alarm" }));
			expect(again?.message).toEqual(first?.message);
		}
		expect(delays.slice(0, 4)).toEqual([1_000, 2_000, 4_000, 8_000]);
		expect(Math.max(...delays)).toBe(60_000);
		expect(host.stored.notifications?.[0]).toMatchObject({
			status: "sending",
			lastError: "HTTP 503",
		});
		host.feed({ kind: "send_failed", id: "notify:ended:1", error: "HTTP 503" });
		expect(notifying(host)).toBeUndefined();
		expect(host.stored.notifications?.[0]).toMatchObject({
			status: "failed",
			failures: NOTIFY_MAX_FAILURES,
		});
		// Nothing is left to send: the alarm does not come back for it.
		expect(sends(host.wait(120_000).feed({ kind: "alarm" }))).toEqual([]);
	});

	it("an input request tells who waits for it: the form, the buttons and where to answer", () => {
		const host = new TestHost(approval(), undefined, {
			notifications: endpoints,
			notificationRecipients: ["ops@example.com"],
		});
		const opened = host.admit("granted");
		const [send, ...others] = sends(opened);
		expect(others).toEqual([]);
		expect(send).toMatchObject({
			message: {
				endpoint: { url: INPUTS, format: "slack" },
				notice: {
					type: "run.waiting_for_input",
					data: {
						notificationRecipients: ["ops@example.com"],
						input: {
							node: "approve",
							title: "Ship it?",
							form: { properties: { reason: { type: "string" } } },
							buttons: [
								{ title: "Ship", outlet: "yes" },
								{ title: "no", outlet: "no" },
							],
							answerPath: "/v1/runs/run_1/inputs/approve",
						},
					},
				},
			},
		});
		// The record shows the endpoint's origin, never its path (a Slack webhook's credential).
		expect(JSON.stringify(host.stored.notifications)).not.toContain("secretpath");
	});

	it("a run cancelled while queued tells run.cancelled; a tenant without endpoints sends nothing", () => {
		const queued = new TestHost(oneCall(), undefined, { notifications: endpoints });
		queued.admit("queued");
		const cancelled = queued.feed({
			kind: "signal",
			signal: { kind: "cancel", by: "alice", reason: null },
		});
		expect(sends(cancelled)).toMatchObject([
			{ message: { notice: { type: "run.cancelled", data: { run: { result: "CANCELLED" } } } } },
		]);
		expect(queued.stored.notifications).toHaveLength(1);

		const quiet = new TestHost(oneCall());
		quiet.admit("granted");
		expect(sends(quiet.wait(10).answerCall())).toEqual([]);
		expect(quiet.run.controls.notifications).toEqual([]);
	});
});

describe("decide: answer links", () => {
	const linked = () => {
		const host = new TestHost(approval(), undefined, { notifications: endpoints });
		let n = 0;
		const sealer = memorySealer();
		host.links = { newToken: () => `link-token-${++n}`, sealer };
		const [send] = sends(host.admit("granted"));
		return { host, sealer, send };
	};
	const respond = (link: string, by = "bob", node = "approve") =>
		({
			kind: "signal",
			signal: {
				kind: "input_response",
				node,
				by,
				role: "viewer",
				outlet: "yes",
				inputs: {},
				comment: null,
				key: null,
				link,
			},
		}) as const;

	it("mints one link per named responder, keeps only its hash, and seals the token for the notice", () => {
		const { host, sealer, send } = linked();
		expect(host.stored.answerLinks).toEqual([
			{ hash: hashToken("link-token-1"), node: "approve", by: "bob", since: host.now },
		]);
		const message = send?.message;
		if (message?.kind !== "notify") throw new Error("no notification");
		const [responder] = message.notice.data.input?.responders ?? [];
		expect(responder?.by).toBe("bob");
		expect(JSON.stringify(host.stored)).not.toContain("link-token-1");
		expect(sealer.open(responder?.token ?? { $sealed: "" }, linkPlace("run_1"))).toBe(
			"link-token-1",
		);
	});

	it("takes a link only for its own node and person, once, and not after the request closed", () => {
		const { host } = linked();
		const hash = hashToken("link-token-1");
		expect(host.feed(respond(hash, "carol")).answer).toMatchObject({
			kind: "refused",
			reason: "unknown",
		});
		expect(host.feed(respond(hashToken("forged"))).answer).toMatchObject({
			kind: "refused",
			reason: "unknown",
		});
		expect(host.feed(respond(hash)).answer).toEqual({ kind: "accepted" });
		expect(host.feed(respond(hash)).answer).toMatchObject({ kind: "refused" });
		const cancelled = new TestHost(approval(), undefined, { notifications: endpoints });
		cancelled.links = { newToken: () => "link-token-1", sealer: memorySealer() };
		cancelled.admit("granted");
		cancelled.feed({ kind: "signal", signal: { kind: "cancel", by: "alice", reason: null } });
		expect(cancelled.feed(respond(hash)).answer).toMatchObject({
			kind: "refused",
			reason: "closed",
		});
	});
});

// The Inbox in a real browser: two approvers answer an INPUT node from their Inbox (the form's
// 422 beside its field first), the run page shows the request and each answer live as it
// arrives, and the run goes on through the outlet they chose.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DevServer } from "../e2e/harness";
import { startDevServer } from "../e2e/harness";
import { startReceiver } from "../support/receiver";
import {
	type BrowserSession,
	closeWatched,
	launchChromium,
	shotBothWidths,
	type WatchedPage,
} from "./browser";
import { apiAs, openSignedIn } from "./fixtures";

const approvalWorkflow = {
	identifier: "approve_deploy",
	title: "Approve a deploy",
	allowAnyoneToViewRuns: true,
	nodes: [
		{
			identifier: "trigger",
			config: {
				type: "SELF_SERVE_TRIGGER",
				userInputs: { properties: { service: { type: "string" } } },
			},
		},
		{
			identifier: "approve",
			title: "Deploy {{ .inputs.service }}?",
			description: "Two people must agree.",
			config: {
				type: "INPUT",
				numOfResponders: 2,
				outlets: [{ identifier: "approved" }, { identifier: "rejected", decisive: true }],
				buttons: [
					{ title: "Ship it", outlet: "approved" },
					{ title: "Stop", outlet: "rejected" },
				],
				userInputs: {
					properties: { reason: { type: "string", title: "Reason" } },
					required: ["reason"],
				},
			},
		},
		{ identifier: "deploy", title: "Deploy", config: { type: "DELAY", duration: "1ms" } },
	],
	connections: [
		{ identifier: "c1", sourceIdentifier: "trigger", targetIdentifier: "approve" },
		{
			identifier: "c2",
			sourceIdentifier: "approve",
			sourceOptionIdentifier: "approved",
			targetIdentifier: "deploy",
		},
	],
};

let server: DevServer;
let chromium: BrowserSession;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const tokens: Record<"admin" | "bob" | "carol", string> = {} as never;
const opened: WatchedPage[] = [];

async function openAs(who: keyof typeof tokens, route: string) {
	const watched = await openSignedIn(chromium, server, tokens[who], route);
	opened.push(watched);
	return watched;
}

async function runOf(id: string) {
	const res = await apiAs(server, tokens.admin, "GET", `/v1/workflows/runs/${id}`);
	return (await res.json()) as { status: string; result: string | null };
}

beforeAll(async () => {
	[server, chromium, receiver] = await Promise.all([
		startDevServer(),
		launchChromium(),
		startReceiver(),
	]);
	const tenant = "browser-inbox";
	tokens.admin = await server.token({ tenant, sub: "admin@inbox.test", role: "admin" });
	tokens.bob = await server.token({ tenant, sub: "bob@inbox.test", role: "member" });
	tokens.carol = await server.token({ tenant, sub: "carol@inbox.test", role: "member" });
	const created = await apiAs(server, tokens.admin, "POST", "/v1/workflows", approvalWorkflow);
	expect(created.status, await created.text()).toBe(201);
});

afterAll(async () => {
	await chromium?.close();
	await server?.stop();
	receiver?.server.close();
});

afterEach(async () => {
	// Every scenario fails on console errors or uncaught exceptions in its pages.
	const problems = [];
	for (const watched of opened.splice(0)) problems.push(...(await closeWatched(watched)));
	expect(problems).toEqual([]);
});

describe("admin page: Inbox", () => {
	it("two approvers answer from their Inbox; the run page follows live; the run goes on", async () => {
		const started = await apiAs(server, tokens.admin, "POST", "/v1/workflows/approve_deploy/runs", {
			inputs: { service: "billing" },
		});
		expect(started.status).toBe(202);
		const runId = ((await started.json()) as { id: string }).id;

		// Carol watches the run: the waiting node shows its request, nobody has answered yet.
		const watching = await openAs("carol", `#/runs/${runId}`);
		const request = watching.page.getByRole("region", { name: "Input request of approve" });
		await request.getByText("Nobody has answered yet.").waitFor();
		await request.getByRole("heading", { name: "Deploy billing?" }).waitFor();

		// Bob finds it in his Inbox and answers; the form's 422 shows beside its field first.
		const bob = await openAs("bob", "#/workflows");
		await bob.page.getByRole("link", { name: "Inbox" }).click();
		await bob.page.getByRole("heading", { name: "Inbox", level: 1 }).waitFor();
		const card = bob.page.getByRole("article", { name: "Deploy billing?" });
		await card.getByText("Two people must agree.").waitFor();
		await card.getByText("0 of 2 agreeing responses needed").waitFor();
		await card.getByRole("link", { name: "Approve a deploy" }).waitFor();
		bob.allowHttpStatus(422);
		await card.getByRole("button", { name: "Ship it" }).click();
		await card
			.getByText(/required/i)
			.first()
			.waitFor();
		expect(await card.getByLabel("Reason").getAttribute("aria-invalid")).toBe("true");
		await card.getByLabel("Reason").fill("tests are green");
		await card.getByRole("button", { name: "Ship it" }).click();
		// Answered: it is no longer Bob's to answer.
		await bob.page.getByText("Nothing waits for you.").waitFor();

		// Carol's run page shows Bob's answer without a reload.
		await request.getByText("bob@inbox.test").waitFor({ timeout: 15_000 });
		await request.getByText("tests are green").waitFor();

		// Carol answers from her Inbox, which shows who answered so far.
		const carol = await openAs("carol", "#/inbox");
		const hers = carol.page.getByRole("article", { name: "Deploy billing?" });
		await hers.getByText("1 of 2 agreeing responses needed").waitFor();
		await hers.getByRole("list", { name: "Answers so far" }).getByText("bob@inbox.test").waitFor();
		await shotBothWidths(carol, "inbox");
		await hers.getByLabel("Reason").fill("ship it");
		await hers.getByRole("button", { name: "Ship it" }).click();
		await carol.page.getByText("Nothing waits for you.").waitFor();

		// The run went on through "approved": the watching page shows it finished.
		await watching.page
			.getByRole("heading", { level: 1 })
			.getByText("Succeeded")
			.waitFor({ timeout: 15_000 });
		expect(await runOf(runId)).toMatchObject({ status: "COMPLETED", result: "SUCCESS" });
		// Past requests: the answered one, with both answers.
		await carol.page.getByLabel("Show").selectOption("answered");
		const past = carol.page.getByRole("article", { name: "Deploy billing?" });
		await past.getByText("enough agreed").waitFor();
		expect(await past.getByRole("button", { name: "Ship it" }).count()).toBe(0);
	});

	it("a run page shows an async call waiting for its callback, then the run going on", async () => {
		const job = `http://127.0.0.1:${receiver.port}`;
		await fetch(`${job}/_script/job`, { method: "PUT", body: JSON.stringify([{ status: 202 }]) });
		const created = await apiAs(server, tokens.admin, "POST", "/v1/workflows", {
			identifier: "long_job",
			title: "Long job",
			nodes: [
				{ identifier: "trigger", config: { type: "SELF_SERVE_TRIGGER" } },
				{
					identifier: "job",
					title: "Run the job",
					config: { type: "WEBHOOK", url: `${job}/hook/job`, method: "POST", synchronized: false },
				},
			],
			connections: [{ identifier: "c1", sourceIdentifier: "trigger", targetIdentifier: "job" }],
		});
		expect(created.status, await created.text()).toBe(201);
		const started = await apiAs(server, tokens.admin, "POST", "/v1/workflows/long_job/runs", {});
		const runId = ((await started.json()) as { id: string }).id;

		const admin = await openAs("admin", `#/runs/${runId}?node=job`);
		await admin.page.getByText("Waiting for callback since").waitFor();
		const [delivery] = (await (await fetch(`${job}/_deliveries/job`)).json()) as {
			headers: Record<string, string>;
		}[];
		const callbackUrl = delivery?.headers["stepline-callback-url"];
		expect(callbackUrl).toMatch(/\/callbacks\//);
		const answered = await fetch(callbackUrl as string, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ status: "SUCCESS", output: { version: "1.4.2" } }),
		});
		expect(answered.status).toBe(200);
		await admin.page
			.getByRole("heading", { level: 1 })
			.getByText("Succeeded")
			.waitFor({ timeout: 15_000 });
		expect(await runOf(runId)).toMatchObject({ status: "COMPLETED", result: "SUCCESS" });
	});
});

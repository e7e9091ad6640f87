/**
 * Answer links inside workerd (docs/ARCHITECTURE.md#response-tokens): a notification carries,
 * for each person an INPUT node names, a form link and one link per button; opening one answers
 * nothing, its one button does, as that person, once; a used, tampered, foreign or closed link
 * answers a clear page and changes nothing. The run keeps only the tokens' hashes.
 */
import { SELF } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { hook, runStub, storedRows, waitForRun } from "./run-helpers";
import { tenantWithWorkflow } from "./runs-helpers";

const approval = (numOfResponders = 1) => ({
	identifier: "ship",
	title: "Ship a release",
	nodes: [
		{ identifier: "trigger", config: { type: "SELF_SERVE_TRIGGER" } },
		{
			identifier: "approve",
			title: "Ship it?",
			config: {
				type: "INPUT",
				numOfResponders,
				userInputs: { properties: { reason: { type: "string", title: "Why" } } },
				outlets: [{ identifier: "yes", title: "Ship" }, { identifier: "no" }],
				responders: { users: ["bob@x", "carol@x", "alice@x"] },
				allowInitiator: false,
			},
		},
		{ identifier: "shipped", config: { type: "DELAY", duration: "1ms" } },
	],
	connections: [
		{ identifier: "c1", sourceIdentifier: "trigger", targetIdentifier: "approve" },
		{
			identifier: "c2",
			sourceIdentifier: "approve",
			targetIdentifier: "shipped",
			sourceOptionIdentifier: "yes",
		},
	],
});

interface Links {
	user: string;
	formUrl: string;
	buttons: Array<{ title: string; outlet: string; url: string }>;
}

/** Starts a run as alice and returns the answer links its notification carried. */
async function runWithLinks(numOfResponders = 1) {
	const t = await tenantWithWorkflow(approval(numOfResponders));
	const receiver = await hook();
	await t.admin.call("/v1/tenant/settings", {
		method: "PATCH",
		body: { notifications: [{ url: receiver.url, events: ["run.waiting_for_input"] }] },
	});
	const started = await t.alice.call("/v1/workflows/ship/runs", { method: "POST", body: {} });
	const stub = runStub(t.tenant, started.body.id);
	const [delivery] = await vi.waitFor(
		async () => {
			const got = await receiver.deliveries();
			if (got.length === 0) throw new Error("no notification yet");
			return got;
		},
		{ timeout: 10_000, interval: 20 },
	);
	const responders = JSON.parse(delivery?.body ?? "{}").data.input.responders as Links[];
	const of = (user: string) => {
		const links = responders.find((r) => r.user === user);
		if (!links) throw new Error(`no links for ${user}`);
		return links;
	};
	return { t, stub, runId: started.body.id as string, responders, of };
}

const open = (url: string) => SELF.fetch(url);
const post = (url: string, form: Record<string, string>) =>
	SELF.fetch(url.split("?")[0] ?? url, {
		method: "POST",
		headers: { "content-type": "application/x-www-form-urlencoded" },
		body: new URLSearchParams(form).toString(),
	});

describe("answer links", () => {
	it("a one-click link shows one button; only its click answers, as that person, and the run goes on", async () => {
		const { stub, runId, responders, of } = await runWithLinks();
		// The initiator may not answer their own run: no links for alice.
		expect(responders.map((r) => r.user)).toEqual(["bob@x", "carol@x"]);
		const bob = of("bob@x");
		expect(bob.formUrl).toMatch(/^https:\/\/stepline\.test\/respond\/[\w-]+\.[\w-]{43}$/);
		expect(bob.buttons.map((b) => [b.title, b.url])).toEqual([
			["Ship", `${bob.formUrl}?outlet=yes`],
			["no", `${bob.formUrl}?outlet=no`],
		]);

		const page = await open(bob.buttons[0]?.url ?? "");
		expect(page.status).toBe(200);
		expect(page.headers.get("content-security-policy")).toMatch(
			/^default-src 'none'; style-src 'sha256-/,
		);
		expect(page.headers.get("cache-control")).toBe("no-store");
		const html = await page.text();
		expect(html).toContain("Answer <strong>Ship</strong>?");
		expect(html).toContain('<input type="hidden" name="outlet" value="yes">');
		expect(html).toContain("You answer as <strong>bob@x</strong>");
		expect(html).not.toContain("<script");
		// Opening it (a link scanner does) answered nothing.
		const still = await waitForRun(stub, (r) => r.status === "WAITING");
		expect(still.nodeRuns.find((n) => n.node === "approve")?.waiting).toMatchObject({
			responses: [],
		});

		const done = await post(bob.buttons[0]?.url ?? "", { outlet: "yes" });
		expect(done.status).toBe(200);
		expect(await done.text()).toContain("Your answer, <strong>Ship</strong>, is recorded.");
		const run = await waitForRun(stub, (r) => r.status === "COMPLETED");
		expect(run.result).toBe("SUCCESS");
		expect(run.nodeRuns.find((n) => n.node === "approve")?.output).toMatchObject({
			outlet: "yes",
			responses: [{ by: "bob@x", outlet: "yes" }],
		});
		// The run keeps the tokens' hashes only.
		const rows = await storedRows(stub);
		for (const r of responders) expect(rows).not.toContain(r.formUrl.split(".").at(-1));

		// Afterwards the link is dead, and says so.
		const again = await post(bob.buttons[0]?.url ?? "", { outlet: "yes" });
		expect(again.status).toBe(410);
		expect(await again.text()).toContain("This request is closed");
		expect((await open(bob.formUrl)).status).toBe(410);
		expect(runId).toMatch(/^run_/);
	});

	it("the hosted form takes the inputs and a comment; a used link answers 409 and changes nothing", async () => {
		const { stub, of } = await runWithLinks(2);
		const bob = of("bob@x");
		const form = await (await open(bob.formUrl)).text();
		expect(form).toContain('<label for="f-reason">Why</label>');
		expect(form).toContain('<button type="submit" name="outlet" value="no">no</button>');
		const done = await post(bob.formUrl, {
			outlet: "yes",
			"input.reason": "tests pass",
			comment: "go",
		});
		expect(done.status).toBe(200);
		const waiting = await waitForRun(
			stub,
			(r) =>
				(r.nodeRuns.find((n) => n.node === "approve")?.waiting as { responses?: unknown[] })
					?.responses?.length === 1,
		);
		const used = await post(bob.formUrl, { outlet: "no" });
		expect(used.status).toBe(409);
		expect(await used.text()).toContain("This link was used");
		expect((await open(bob.buttons[1]?.url ?? "")).status).toBe(409);
		const after = await stub.getRun();
		expect(after?.nodeRuns.find((n) => n.node === "approve")?.waiting).toEqual(
			waiting.nodeRuns.find((n) => n.node === "approve")?.waiting,
		);
		expect(after?.nodeRuns.find((n) => n.node === "approve")?.waiting).toMatchObject({
			responses: [{ by: "bob@x", outlet: "yes", inputs: { reason: "tests pass" }, comment: "go" }],
		});
		// Carol's own link still answers, and decides.
		expect((await post(of("carol@x").formUrl, { outlet: "yes" })).status).toBe(200);
		await waitForRun(stub, (r) => r.status === "COMPLETED");
	});

	it("a tampered link, one moved to another run, and a link after a cancel answer a clear page and change nothing", async () => {
		const first = await runWithLinks();
		const second = await runWithLinks();
		const bob = first.of("bob@x");
		const token = bob.formUrl.split(".").at(-1) ?? "";
		const tampered = bob.formUrl.replace(/.$/, token.endsWith("A") ? "B" : "A");
		for (const url of [tampered, `${tampered}?outlet=yes`]) {
			const res = await open(url);
			expect(res.status).toBe(404);
			expect(await res.text()).toContain("This link does not work");
		}
		expect((await post(tampered, { outlet: "yes" })).status).toBe(404);
		expect((await open("https://stepline.test/respond/not-a-token")).status).toBe(404);
		// The token of one run, addressed to another run of the same tenant: unknown there.
		const otherAddress = second.of("bob@x").formUrl.split("/").at(-1)?.split(".")[0] ?? "";
		const moved = `https://stepline.test/respond/${otherAddress}.${token}`;
		expect((await post(moved, { outlet: "yes" })).status).toBe(404);

		await first.t.alice.call(`/v1/workflows/runs/${first.runId}/cancel`, {
			method: "POST",
			body: {},
		});
		const closed = await post(bob.buttons[0]?.url ?? "", { outlet: "yes" });
		expect(closed.status).toBe(410);
		expect(await closed.text()).toContain("was cancelled");
		for (const { stub } of [first, second]) {
			const run = await stub.getRun();
			expect(
				(run?.nodeRuns.find((n) => n.node === "approve")?.waiting as { responses?: unknown[] })
					?.responses ?? [],
			).toEqual([]);
		}
		expect((await first.stub.getRun())?.result).toBe("CANCELLED");
		expect((await second.stub.getRun())?.status).toBe("WAITING");
	});
});

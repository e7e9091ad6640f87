import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { expectProblem } from "./helpers";
import { deliver, runsOf, tenantWithHook, webhookWorkflow } from "./trigger-helpers";

const WHSEC = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const GITHUB_SECRET = "It's a Secret to Everybody";

/** The hex HMAC-SHA256 of `body` under `secret`, as GitHub computes X-Hub-Signature-256. */
async function hmacHex(secret: string, body: string): Promise<string> {
	const key = await crypto.subtle.importKey(
		"raw",
		new TextEncoder().encode(secret),
		{ name: "HMAC", hash: "SHA-256" },
		false,
		["sign"],
	);
	const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(body)));
	return [...mac].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function signedTenant(signature: Record<string, unknown>, secret: string) {
	const setup = await tenantWithHook(webhookWorkflow("signed", { signature }));
	const stored = await setup.admin.call(`/v1/secrets/${signature.secret}`, {
		method: "PUT",
		body: { value: secret },
	});
	expect(stored.status).toBe(201);
	return setup;
}

describe("Standard Webhooks signatures", { timeout: 60_000 }, () => {
	it("starts a run for a delivery signed by the standardwebhooks package, and 401s the rest", async () => {
		const { admin, identifier, hookPath } = await signedTenant(
			{ type: "STANDARD_WEBHOOKS", secret: "HOOK_SECRET" },
			WHSEC,
		);
		const webhook = new Webhook(WHSEC);
		const body = JSON.stringify({ repo: "acme/api" });
		const signed = (id: string, at: Date, payload = body) => ({
			"webhook-id": id,
			"webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
			"webhook-signature": webhook.sign(id, at, payload),
		});

		const ok = await deliver(hookPath, { raw: body, headers: signed("msg_1", new Date()) });
		expect(ok.status).toBe(202);
		expect(ok.body.outcome).toBe("started");

		const stale = await deliver(hookPath, {
			raw: body,
			headers: signed("msg_2", new Date(Date.now() - 6 * 60_000)),
		});
		expect(expectProblem(stale, 401, "invalid_signature").detail).toMatch(
			/more than 5 minutes old/,
		);
		const tampered = await deliver(hookPath, {
			raw: JSON.stringify({ repo: "acme/evil" }),
			headers: signed("msg_3", new Date()),
		});
		expect(expectProblem(tampered, 401, "invalid_signature").detail).toMatch(/does not match/);
		expectProblem(await deliver(hookPath, { raw: body }), 401, "invalid_signature");
		// Another secret's signature does not verify either.
		const other = new Webhook("whsec_dGhpcyBpcyBhbm90aGVyIHNlY3JldCBrZXkh");
		const at = new Date();
		const forged = await deliver(hookPath, {
			raw: body,
			headers: {
				"webhook-id": "msg_4",
				"webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
				"webhook-signature": other.sign("msg_4", at, body),
			},
		});
		expectProblem(forged, 401, "invalid_signature");

		expect(await runsOf(admin.token, identifier)).toHaveLength(1);
		const log = await admin.call(`/v1/workflows/${identifier}/triggers/github/deliveries`);
		expect(log.body.data.map((d: { outcome: string }) => d.outcome)).toEqual([
			"unauthorized",
			"unauthorized",
			"unauthorized",
			"unauthorized",
			"started",
		]);
	});

	it("refuses every delivery while the named secret is missing", async () => {
		const { admin, identifier, hookPath } = await tenantWithHook(
			webhookWorkflow("unset", { signature: { type: "STANDARD_WEBHOOKS", secret: "NOT_SET" } }),
		);
		const res = await deliver(hookPath, { body: { repo: "r" } });
		expect(expectProblem(res, 401, "invalid_signature").detail).toMatch(/NOT_SET/);
		expect(await runsOf(admin.token, identifier)).toHaveLength(0);
	});
});

describe("HMAC-SHA256 signatures", { timeout: 60_000 }, () => {
	it("verifies GitHub's X-Hub-Signature-256 over the raw body", async () => {
		const { admin, identifier, hookPath } = await signedTenant(
			{ type: "HMAC_SHA256", secret: "GITHUB_WEBHOOK_SECRET" },
			GITHUB_SECRET,
		);
		const body = JSON.stringify({ repo: "acme/api", action: "opened" });
		const ok = await deliver(hookPath, {
			raw: body,
			headers: {
				"X-Hub-Signature-256": `sha256=${await hmacHex(GITHUB_SECRET, body)}`,
				"X-GitHub-Delivery": "b1",
			},
		});
		expect(ok.status).toBe(202);
		const run = await admin.call(`/v1/workflows/runs/${ok.body.run.id}`);
		expect(run.body.inputs).toEqual({ repo: "acme/api", action: "opened" });

		const wrong = await deliver(hookPath, {
			raw: body,
			headers: { "X-Hub-Signature-256": `sha256=${await hmacHex("another secret", body)}` },
		});
		expectProblem(wrong, 401, "invalid_signature");
		const unprefixed = await deliver(hookPath, {
			raw: body,
			headers: { "X-Hub-Signature-256": await hmacHex(GITHUB_SECRET, body) },
		});
		expectProblem(unprefixed, 401, "invalid_signature");
		expectProblem(await deliver(hookPath, { raw: body }), 401, "invalid_signature");
		expect(await runsOf(admin.token, identifier)).toHaveLength(1);
	});

	it("takes another header, no prefix and base64", async () => {
		const { admin, identifier, hookPath } = await signedTenant(
			{
				type: "HMAC_SHA256",
				secret: "VENDOR",
				header: "X-Vendor-Signature",
				prefix: "",
				encoding: "base64",
			},
			"vendor-secret",
		);
		const body = JSON.stringify({ repo: "r" });
		const hex = await hmacHex("vendor-secret", body);
		const base64 = btoa(
			String.fromCharCode(...(hex.match(/../g) ?? []).map((h) => Number.parseInt(h, 16))),
		);
		const ok = await deliver(hookPath, { raw: body, headers: { "X-Vendor-Signature": base64 } });
		expect(ok.status).toBe(202);
		expectProblem(
			await deliver(hookPath, { raw: body, headers: { "X-Vendor-Signature": hex } }),
			401,
			"invalid_signature",
		);
		expect(await runsOf(admin.token, identifier)).toHaveLength(1);
	});
});

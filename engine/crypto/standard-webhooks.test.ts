import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { sign, signatureHeaders, verify } from "./standard-webhooks";

// The reference implementation (the `standardwebhooks` package) is the judge on both sides.
const secret = `whsec_${Buffer.alloc(24, 7).toString("base64")}`;
const payload = JSON.stringify({ type: "deploy.finished", service: "api" });
const now = Date.now();
const timestamp = Math.floor(now / 1000);

describe("Standard Webhooks signatures", () => {
	it("signs what the standardwebhooks package verifies", async () => {
		const headers = await signatureHeaders(secret, { id: "msg_1", timestamp, payload });
		expect(new Webhook(secret).verify(payload, headers)).toEqual(JSON.parse(payload));
	});

	it("signs with a raw (non-whsec_) secret as the package's raw format expects", async () => {
		const raw = "plain shared secret";
		const headers = await signatureHeaders(raw, { id: "msg_2", timestamp, payload });
		expect(() => new Webhook(raw, { format: "raw" }).verify(payload, headers)).not.toThrow();
	});

	it("verifies what the package signs, with header names in any case", async () => {
		const signature = new Webhook(secret).sign("msg_3", new Date(timestamp * 1000), payload);
		const headers = {
			"Webhook-Id": "msg_3",
			"Webhook-Timestamp": String(timestamp),
			"Webhook-Signature": `v1,bm90IGl0 ${signature}`,
		};
		expect(await verify(secret, headers, payload, { now })).toEqual({
			kind: "verified",
			id: "msg_3",
			timestamp,
		});
		expect(await verify(secret, new Headers(headers), payload, { now })).toMatchObject({
			kind: "verified",
		});
	});

	it("accepts any of several secrets (rotation on the receiving side)", async () => {
		const headers = await signatureHeaders(secret, { id: "m", timestamp, payload });
		expect(await verify(["whsec_b2xk", secret], headers, payload, { now })).toMatchObject({
			kind: "verified",
		});
	});

	it.each([
		["a changed body", {}, `${payload} `, "no_matching_signature"],
		["another id", { "webhook-id": "other" }, payload, "no_matching_signature"],
		["no signature header", { "webhook-signature": undefined }, payload, "missing_headers"],
		[
			"a timestamp that is not a number",
			{ "webhook-timestamp": "soon" },
			payload,
			"invalid_timestamp",
		],
		[
			"a timestamp 6 minutes old",
			{ "webhook-timestamp": String(timestamp - 360) },
			payload,
			"timestamp_too_old",
		],
		[
			"a timestamp 6 minutes ahead",
			{ "webhook-timestamp": String(timestamp + 360) },
			payload,
			"timestamp_too_new",
		],
	])("rejects %s", async (_, change, body, reason) => {
		const headers = {
			...(await signatureHeaders(secret, { id: "m", timestamp, payload })),
			...change,
		};
		expect(await verify(secret, headers, body, { now })).toEqual({ kind: "rejected", reason });
	});

	it("is deterministic for one message (a retry carries the same signature)", async () => {
		const message = { id: "m", timestamp, payload };
		expect(await sign(secret, message)).toBe(await sign(secret, message));
	});
});

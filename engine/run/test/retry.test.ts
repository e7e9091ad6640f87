import { describe, expect, it } from "vitest";
import { backoffDelay, decideRetry, formatMs, parseRetryAfter, type RetryPolicy } from "../retry";

const policy = (over: Partial<RetryPolicy> = {}): RetryPolicy => ({
	maxAttempts: 5,
	backoff: "exponential",
	initialDelayMs: 1_000,
	maxDelayMs: 60_000,
	retryOn: null,
	...over,
});
const mid = () => 0.5; // jitter factor exactly 1
const NOW = 1_700_000_000_000;
const status = (s: number, headers: Record<string, string> = {}) =>
	({ kind: "http_status", status: s, headers }) as const;

describe("decideRetry", () => {
	it.each([
		[408, "retry"],
		[429, "retry"],
		[500, "retry"],
		[502, "retry"],
		[503, "retry"],
		[599, "retry"],
		[400, "fail"],
		[401, "fail"],
		[403, "fail"],
		[404, "fail"],
		[422, "fail"],
		[301, "fail"],
	] as const)("status %i → %s", (s, kind) => {
		expect(decideRetry(policy(), status(s), 1, NOW, mid).kind).toBe(kind);
	});

	it("retries network errors and timeouts", () => {
		const net = { kind: "network_error", code: "ECONNRESET", message: "reset" } as const;
		expect(decideRetry(policy(), net, 1, NOW, mid)).toMatchObject({
			kind: "retry",
			attempt: 2,
			at: NOW + 1_000,
		});
		const timeout = { kind: "timeout", timeoutMs: 30_000 } as const;
		expect(decideRetry(policy(), timeout, 2, NOW, mid)).toMatchObject({
			kind: "retry",
			attempt: 3,
			at: NOW + 2_000,
		});
	});

	it("retryOn replaces the default status list", () => {
		const p = policy({ retryOn: [409] });
		expect(decideRetry(p, status(409), 1, NOW, mid).kind).toBe("retry");
		const r = decideRetry(p, status(503), 1, NOW, mid);
		expect(r).toMatchObject({ kind: "fail" });
		if (r.kind === "fail") expect(r.reason).toMatch(/not in retryOn/);
	});

	it("stops after maxAttempts", () => {
		const r = decideRetry(policy({ maxAttempts: 3 }), status(500), 3, NOW, mid);
		expect(r).toEqual({ kind: "fail", reason: "the server answered 500; all 3 attempts used" });
	});

	it("honours Retry-After in seconds and as an HTTP date, as a floor", () => {
		const secs = decideRetry(policy(), status(429, { "Retry-After": "7" }), 1, NOW, mid);
		expect(secs).toMatchObject({ kind: "retry", delayMs: 7_000, at: NOW + 7_000 });
		if (secs.kind === "retry") expect(secs.reason).toMatch(/Retry-After/);
		const date = new Date(NOW + 12_000).toUTCString();
		const dated = decideRetry(policy(), status(503, { "retry-after": date }), 1, NOW, mid);
		expect(dated).toMatchObject({ kind: "retry", delayMs: 12_000 });
		// Smaller than the backoff: the backoff wins.
		const small = decideRetry(policy(), status(503, { "retry-after": "1" }), 3, NOW, mid);
		expect(small).toMatchObject({ kind: "retry", delayMs: 4_000 });
	});

	it("fails when Retry-After is beyond the ceiling", () => {
		const r = decideRetry(policy(), status(429, { "retry-after": "86400" }), 1, NOW, mid);
		expect(r.kind).toBe("fail");
	});

	it("does not make a 4xx retryable because of Retry-After", () => {
		expect(decideRetry(policy(), status(400, { "retry-after": "1" }), 1, NOW, mid).kind).toBe(
			"fail",
		);
	});
});

describe("backoffDelay", () => {
	it.each([
		["constant", [1_000, 1_000, 1_000, 1_000]],
		["linear", [1_000, 2_000, 3_000, 4_000]],
		["exponential", [1_000, 2_000, 4_000, 8_000]],
	] as const)("%s", (backoff, expected) => {
		const p = policy({ backoff });
		expect([1, 2, 3, 4].map((n) => backoffDelay(p, n, mid))).toEqual(expected);
	});

	it("jitters by ±20 % using the injected source", () => {
		expect(backoffDelay(policy(), 1, () => 0)).toBe(800);
		expect(backoffDelay(policy(), 1, () => 0.999999)).toBe(1_200);
	});

	it("caps at maxDelay (after jitter)", () => {
		const p = policy({ maxDelayMs: 5_000 });
		expect(backoffDelay(p, 10, () => 0.99)).toBe(5_000);
		expect(backoffDelay(p, 80, mid)).toBe(5_000);
	});
});

describe("parseRetryAfter", () => {
	it("ignores garbage", () => {
		expect(parseRetryAfter({ "retry-after": "soon" }, NOW)).toBeNull();
		expect(parseRetryAfter({}, NOW)).toBeNull();
	});
	it("past dates mean now", () => {
		expect(parseRetryAfter({ "retry-after": new Date(NOW - 5_000).toUTCString() }, NOW)).toBe(0);
	});
});

describe("formatMs", () => {
	it.each([
		[850, "850ms"],
		[2_000, "2s"],
		[1_500, "1.5s"],
		[200_000, "3m 20s"],
		[7_200_000, "2h"],
	])("%i → %s", (ms, text) => expect(formatMs(ms)).toBe(text));
});

import { describe, expect, it } from "vitest";
import { parseIdempotencyKey, requestFingerprint } from "../../worker/runs/idempotency-key";

describe("parseIdempotencyKey", () => {
	it("accepts a bare key (Stripe) and a quoted one (IETF draft) as the same key", () => {
		const id = "550e8400-e29b-41d4-a716-446655440000";
		expect(parseIdempotencyKey(id)).toEqual({ kind: "key", key: id });
		expect(parseIdempotencyKey(`"${id}"`)).toEqual({ kind: "key", key: id });
		expect(parseIdempotencyKey(' "a \\"b\\" \\\\c" ')).toEqual({ kind: "key", key: 'a "b" \\c' });
	});

	it("tells a missing header from an invalid one", () => {
		expect(parseIdempotencyKey(undefined)).toEqual({ kind: "none" });
		expect(parseIdempotencyKey(null)).toEqual({ kind: "none" });
		for (const bad of ["", "  ", '""', '"open', '"a"b"', '"a\\x"', "k".repeat(256), "clé"]) {
			expect(parseIdempotencyKey(bad).kind, bad).toBe("invalid");
		}
		expect(parseIdempotencyKey("k".repeat(255))).toMatchObject({ kind: "key" });
	});
});

describe("requestFingerprint", () => {
	it("ignores key order but not method, path or any value", async () => {
		const base = await requestFingerprint("post", "/v1/workflows/a/runs", { a: 1, b: [1, 2] });
		expect(await requestFingerprint("POST", "/v1/workflows/a/runs", { b: [1, 2], a: 1 })).toBe(
			base,
		);
		for (const other of [
			requestFingerprint("PUT", "/v1/workflows/a/runs", { a: 1, b: [1, 2] }),
			requestFingerprint("POST", "/v1/workflows/b/runs", { a: 1, b: [1, 2] }),
			requestFingerprint("POST", "/v1/workflows/a/runs", { a: 1, b: [2, 1] }),
			requestFingerprint("POST", "/v1/workflows/a/runs", { a: "1", b: [1, 2] }),
		]) {
			expect(await other).not.toBe(base);
		}
		expect(await requestFingerprint("POST", "/x", undefined)).toBe(
			await requestFingerprint("POST", "/x", null),
		);
	});
});

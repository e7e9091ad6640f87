import { describe, expect, it } from "vitest";
import { decideKeyedStart, IDEMPOTENCY_TTL_MS } from "../keyed-start";

const T0 = Date.parse("2026-12-08T00:00:00Z");
const run = { createdAt: T0, idempotencyFingerprint: "fp-a" };

describe("decideKeyedStart: what a request under a key gets from the key's run object", () => {
	it("creates the run when nothing lives under the key", () => {
		expect(decideKeyedStart(null, false, "fp-a", T0)).toEqual({ kind: "create" });
	});

	it("replays the same request, and says it is in flight while the first is still creating it", () => {
		expect(decideKeyedStart(run, false, "fp-a", T0 + 1_000)).toEqual({ kind: "replay" });
		expect(decideKeyedStart(run, true, "fp-a", T0)).toEqual({ kind: "in_flight" });
	});

	it("refuses another request under the key, even while the first is in flight", () => {
		expect(decideKeyedStart(run, false, "fp-b", T0)).toEqual({ kind: "mismatch" });
		expect(decideKeyedStart(run, true, "fp-b", T0)).toEqual({ kind: "mismatch" });
	});

	it("hands any request on to the next generation once the key's day is over", () => {
		const dayLater = T0 + IDEMPOTENCY_TTL_MS;
		expect(decideKeyedStart(run, false, "fp-a", dayLater - 1)).toEqual({ kind: "replay" });
		expect(decideKeyedStart(run, false, "fp-a", dayLater)).toEqual({ kind: "expired" });
		expect(decideKeyedStart(run, false, "fp-b", dayLater)).toEqual({ kind: "expired" });
	});

	it("takes a run created under the key's name without a fingerprint as the key's run", () => {
		expect(decideKeyedStart({ createdAt: T0 }, false, "fp-b", T0)).toEqual({ kind: "replay" });
	});
});

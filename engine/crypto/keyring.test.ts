import { describe, expect, it } from "vitest";
import { KeyRingError, parseKeyRing } from "./keyring";

const key = (fill: number) => Buffer.alloc(32, fill).toString("base64");

describe("parseKeyRing", () => {
	it("takes id:key entries, the first one current", () => {
		const ring = parseKeyRing(`k2:${key(2)}, k1:${key(1)}`);
		expect(ring.current).toBe("k2");
		expect([...ring.keys.keys()]).toEqual(["k2", "k1"]);
		expect(ring.keys.get("k1")).toEqual(new Uint8Array(32).fill(1));
	});

	it("accepts URL-safe base64 without padding and newline-separated entries", () => {
		const urlSafe = Buffer.alloc(32, 0xfb).toString("base64url");
		expect(parseKeyRing(`a:${urlSafe}\nb:${key(1)}`).keys.get("a")).toEqual(
			new Uint8Array(32).fill(0xfb),
		);
	});

	it.each([
		["", /not set/],
		[key(1), /<key id>:<base64 key>/],
		[`bad.id:${key(1)}`, /<key id>:<base64 key>/],
		[`k1:${Buffer.alloc(16, 1).toString("base64")}`, /32 bytes/],
		["k1:not base64!", /32 bytes/],
		[`k1:${key(1)},k1:${key(2)}`, /listed twice/],
	])("refuses %j with a message that quotes no key material", (text, message) => {
		let thrown: unknown;
		try {
			parseKeyRing(text);
		} catch (error) {
			thrown = error;
		}
		expect(thrown).toBeInstanceOf(KeyRingError);
		expect(String((thrown as Error).message)).toMatch(message);
		if (text.length > 0)
			expect((thrown as Error).message).not.toContain(text.split(":").at(-1)?.slice(0, 8));
	});
});

import { describe, expect, it } from "vitest";
import { parseKeyRing } from "./keyring";
import { isSealed } from "./sealed";
import { UnsealError, valueSealer } from "./value-sealer";

const k1 = `k1:${Buffer.alloc(32, 1).toString("base64")}`;
const k2 = `k2:${Buffer.alloc(32, 2).toString("base64")}`;
const acme = valueSealer(parseKeyRing(k1), "acme");

describe("value sealer (synchronous AES-256-GCM for values a run keeps)", () => {
	it("seals any JSON value into an opaque object and opens it in the same place", () => {
		const value = { password: "hunter2-canary", n: 1, list: [true, null] };
		const sealed = acme.seal(value, "input:deploy:password");
		expect(isSealed(sealed)).toBe(true);
		expect(JSON.stringify(sealed)).not.toContain("canary");
		expect(sealed.$sealed.startsWith("v1.k1.")).toBe(true);
		expect(acme.open(sealed, "input:deploy:password")).toEqual(value);
		expect(acme.seal(value, "p").$sealed).not.toBe(acme.seal(value, "p").$sealed);
	});

	it.each([
		["another place", () => acme.open(acme.seal("v", "a"), "b")],
		[
			"another tenant",
			() => valueSealer(parseKeyRing(k1), "globex").open(acme.seal("v", "a"), "a"),
		],
		[
			"a ring without its key",
			() => valueSealer(parseKeyRing(k2), "acme").open(acme.seal("v", "a"), "a"),
		],
		[
			"a tampered value",
			() => {
				const sealed = acme.seal("value", "a");
				const last = sealed.$sealed.at(-2) === "A" ? "B" : "A";
				return acme.open(
					{ $sealed: `${sealed.$sealed.slice(0, -2)}${last}${sealed.$sealed.at(-1)}` },
					"a",
				);
			},
		],
	])("refuses to open a value from %s", (_, open) => {
		expect(open).toThrow(UnsealError);
	});

	it("opens values sealed under an older key after a rotation", () => {
		const old = acme.seal("kept", "a");
		const rotated = valueSealer(parseKeyRing(`${k2},${k1}`), "acme");
		expect(rotated.open(old, "a")).toBe("kept");
		expect(rotated.seal("new", "a").$sealed.startsWith("v1.k2.")).toBe(true);
	});
});

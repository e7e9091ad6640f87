import { describe, expect, it } from "vitest";
import { fromBase64 } from "./bytes";
import { parseKeyRing } from "./keyring";
import { decryptSecret, encryptSecret, SecretDecryptError } from "./secret-box";

const k1 = `k1:${Buffer.alloc(32, 1).toString("base64")}`;
const k2 = `k2:${Buffer.alloc(32, 2).toString("base64")}`;
const ring1 = parseKeyRing(k1);
const acme = { tenantId: "acme", name: "GITHUB_TOKEN" };

describe("secret box (AES-256-GCM, HKDF per tenant)", () => {
	it("round-trips a value and never stores it in clear", async () => {
		const value = "ghp_canary-Ünïcødé-🔑";
		const sealed = await encryptSecret(ring1, acme, value);
		expect(sealed.keyId).toBe("k1");
		expect(sealed.ciphertext).not.toContain("canary");
		expect(Buffer.from(fromBase64(sealed.ciphertext) ?? []).toString("latin1")).not.toContain(
			"canary",
		);
		expect(await decryptSecret(ring1, acme, sealed)).toBe(value);
	});

	it("draws a fresh 96-bit IV for every write", async () => {
		const a = await encryptSecret(ring1, acme, "same");
		const b = await encryptSecret(ring1, acme, "same");
		expect(a.ciphertext).not.toBe(b.ciphertext);
		expect(fromBase64(a.ciphertext)?.subarray(0, 12)).not.toEqual(
			fromBase64(b.ciphertext)?.subarray(0, 12),
		);
	});

	it.each([
		["another tenant", { tenantId: "globex", name: "GITHUB_TOKEN" }],
		["another name", { tenantId: "acme", name: "OTHER" }],
	])("refuses a ciphertext copied to %s", async (_, binding) => {
		const sealed = await encryptSecret(ring1, acme, "value");
		await expect(decryptSecret(ring1, binding, sealed)).rejects.toBeInstanceOf(SecretDecryptError);
	});

	it("refuses a tampered ciphertext", async () => {
		const sealed = await encryptSecret(ring1, acme, "value");
		const bytes = fromBase64(sealed.ciphertext) as Uint8Array;
		bytes[20] = (bytes[20] ?? 0) ^ 1;
		const tampered = { ...sealed, ciphertext: Buffer.from(bytes).toString("base64") };
		await expect(decryptSecret(ring1, acme, tampered)).rejects.toBeInstanceOf(SecretDecryptError);
	});

	it("rotates: a new first key encrypts, the old one still decrypts, a dropped one says so", async () => {
		const old = await encryptSecret(ring1, acme, "old value");
		const rotated = parseKeyRing(`${k2},${k1}`);
		const fresh = await encryptSecret(rotated, acme, "new value");
		expect(fresh.keyId).toBe("k2");
		expect(await decryptSecret(rotated, acme, old)).toBe("old value");
		expect(await decryptSecret(rotated, acme, fresh)).toBe("new value");
		const onlyNew = parseKeyRing(k2);
		await expect(decryptSecret(onlyNew, acme, old)).rejects.toThrow(/key id "k1"/);
	});
});

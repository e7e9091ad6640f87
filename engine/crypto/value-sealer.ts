/**
 * Sealing of the values a run keeps encrypted (secret inputs, `maskOutput` outputs), one at a
 * time and synchronously: AES-256-GCM under a per-tenant key that HKDF-SHA-256 derives from
 * the master key ring (another salt than the secret store's, so the two never share a key),
 * a fresh 96-bit IV per value, and the tenant and the value's place bound in as additional
 * data. See docs/ARCHITECTURE.md#secrets.
 *
 * Why node:crypto and not Web Crypto like secret-box.ts: the engine seals a `maskOutput`
 * output inside `advance`, which is synchronous, and the run object commits what `advance`
 * returns in the same synchronous step (one storage transaction per transition, nothing
 * interleaved). Web Crypto has no synchronous cipher. workerd implements node:crypto's
 * AES-GCM natively (the Worker runs with nodejs_compat), and so does Node for the tests and
 * scripts; the format is plain AES-256-GCM either way.
 */
import { Buffer } from "node:buffer";
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { fromBase64, fromUtf8, toBase64Url, utf8 } from "./bytes";
import type { KeyRing } from "./keyring";
import type { ValueSealer } from "./sealed";

const IV_BYTES = 12;
const TAG_BYTES = 16;
const SALT = "stepline/run-values/v1";
const FORMAT = "v1";

/** A value that cannot be opened: unknown key id, tampered, or sealed for another place. */
export class UnsealError extends Error {
	override readonly name = "UnsealError";
}

export function valueSealer(ring: KeyRing, tenantId: string): ValueSealer {
	const keys = new Map<string, Buffer>();
	const keyFor = (keyId: string): Buffer => {
		let key = keys.get(keyId);
		if (key === undefined) {
			const master = ring.keys.get(keyId);
			if (master === undefined) {
				throw new UnsealError(
					`the value was sealed under key id "${keyId}", which SECRETS_MASTER_KEY no longer lists`,
				);
			}
			key = Buffer.from(hkdfSync("sha256", master, SALT, JSON.stringify(["tenant", tenantId]), 32));
			keys.set(keyId, key);
		}
		return key;
	};
	const additionalData = (place: string) =>
		Buffer.from(utf8(JSON.stringify(["stepline run value v1", tenantId, place])));
	return {
		seal(value, place) {
			const iv = randomBytes(IV_BYTES);
			const cipher = createCipheriv("aes-256-gcm", keyFor(ring.current), iv);
			cipher.setAAD(additionalData(place));
			const body = Buffer.concat([
				cipher.update(Buffer.from(utf8(JSON.stringify(value)))),
				cipher.final(),
			]);
			const sealed = Buffer.concat([iv, body, cipher.getAuthTag()]);
			return { $sealed: `${FORMAT}.${ring.current}.${toBase64Url(sealed)}` };
		},
		open(sealed, place) {
			const [format, keyId, data] = sealed.$sealed.split(".");
			const bytes = data === undefined ? null : fromBase64(data);
			if (format !== FORMAT || keyId === undefined || bytes === null) {
				throw new UnsealError("not a sealed value of this format");
			}
			if (bytes.length < IV_BYTES + TAG_BYTES)
				throw new UnsealError("the sealed value is cut short");
			try {
				const decipher = createDecipheriv(
					"aes-256-gcm",
					keyFor(keyId),
					bytes.subarray(0, IV_BYTES),
				);
				decipher.setAAD(additionalData(place));
				decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
				const plain = Buffer.concat([
					decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)),
					decipher.final(),
				]);
				return JSON.parse(fromUtf8(plain));
			} catch (error) {
				if (error instanceof UnsealError) throw error;
				throw new UnsealError(
					"the sealed value does not open here (tampered, or sealed for another place)",
				);
			}
		},
	};
}

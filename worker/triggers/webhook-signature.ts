import { verifyHmac } from "../../engine/crypto/hmac-signature";
import { verify as verifyStandardWebhook } from "../../engine/crypto/standard-webhooks";
import type { WebhookTriggerConfig } from "../../engine/definition";

export type SignatureCheck = { ok: true } | { ok: false; message: string };

/** Standard Webhooks' replay window: a timestamp further than this from now is refused. */
const TOLERANCE_SECONDS = 5 * 60;

/**
 * A delivery's signature against the trigger's named tenant secret (`secret`: its plaintext,
 * undefined when the tenant has none by that name; never logged). Both kinds compare in
 * constant time (crypto.subtle.verify). The answers tell the sender what to fix without saying
 * anything about the secret.
 */
export async function verifySignature(
	secret: string | undefined,
	signature: NonNullable<WebhookTriggerConfig["signature"]>,
	body: Uint8Array,
	headers: Headers,
	now: number,
): Promise<SignatureCheck> {
	if (secret === undefined)
		return {
			ok: false,
			message: `This trigger's signing secret "${signature.secret}" is not set, so no delivery can be verified.`,
		};
	switch (signature.type) {
		case "STANDARD_WEBHOOKS": {
			const result = await verifyStandardWebhook(secret, headers, body, {
				now,
				toleranceSeconds: TOLERANCE_SECONDS,
			});
			if (result.kind === "verified") return { ok: true };
			return { ok: false, message: STANDARD_WEBHOOKS_REASONS[result.reason] };
		}
		case "HMAC_SHA256": {
			const result = await verifyHmac(secret, headers.get(signature.header), body, signature);
			switch (result) {
				case "verified":
					return { ok: true };
				case "missing":
					return { ok: false, message: `The ${signature.header} header is missing.` };
				case "malformed":
					return {
						ok: false,
						message: `The ${signature.header} header is not "${signature.prefix}" and a ${signature.encoding} HMAC-SHA256.`,
					};
				case "mismatch":
					return {
						ok: false,
						message: `The ${signature.header} signature does not match the body.`,
					};
				default: {
					const unknown: never = result;
					throw new Error(`unknown HMAC check ${unknown}`);
				}
			}
		}
		default: {
			const unknown: never = signature;
			throw new Error(`unknown signature type ${JSON.stringify(unknown)}`);
		}
	}
}

const STANDARD_WEBHOOKS_REASONS = {
	missing_headers: "webhook-id, webhook-timestamp and webhook-signature are required.",
	invalid_timestamp: "webhook-timestamp is not a number of seconds.",
	timestamp_too_old: "webhook-timestamp is more than 5 minutes old.",
	timestamp_too_new: "webhook-timestamp is more than 5 minutes in the future.",
	no_matching_signature: "webhook-signature does not match the body.",
} as const;

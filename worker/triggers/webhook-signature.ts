import type { WebhookTriggerConfig } from "../../engine/definition";

export type SignatureCheck = { ok: true } | { ok: false; message: string };

/** Filled in with the tenant secret store (see below). */
export async function verifySignature(
	_env: Env,
	_tenantId: string,
	_signature: NonNullable<WebhookTriggerConfig["signature"]>,
	_body: Uint8Array,
	_headers: Headers,
	_now: number,
): Promise<SignatureCheck> {
	return { ok: false, message: "Signature checks are not available yet." };
}

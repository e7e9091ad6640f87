import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { tenantObject } from "../../../durable-objects";
import type { AppEnv } from "../../env";
import { ApiError, validationFailed } from "../../errors/api-error";
import {
	parseIdempotencyKey,
	requestFingerprint,
	scopedIdempotencyKey,
} from "../../runs/idempotency-key";
import type { Replay } from "./run-ids";

export interface StoredReply {
	status: ContentfulStatusCode;
	body: unknown;
	headers: Record<string, string>;
}

/**
 * Runs `work` at most once per Idempotency-Key (IETF httpapi draft, Stripe semantics): the
 * tenant's object admits one request per caller and key (see scopedIdempotencyKey); a retry of the same request gets the first
 * reply again (`Idempotent-Replayed: true`); the key reused for another request is 422; a
 * retry while the first is still running is 409. A request that fails before producing a
 * reply (validation, 404, …) releases its key, so the client can fix and resend.
 */
export async function idempotent(
	c: Context<AppEnv>,
	body: unknown,
	/** `replay`: the key and request fingerprint, for work that derives stable ids from them. */
	work: (replay: Replay | null) => Promise<StoredReply>,
): Promise<Response> {
	const header = parseIdempotencyKey(c.req.header("idempotency-key"));
	if (header.kind === "none") return reply(c, await work(null));
	if (header.kind === "invalid") {
		throw validationFailed([
			{
				in: "header",
				pointer: "/Idempotency-Key",
				code: "invalid_idempotency_key",
				message: `Idempotency-Key ${header.message}.`,
			},
		]);
	}
	const { tenantId, subject } = c.get("principal");
	const tenant = tenantObject(c.env, tenantId);
	const key = await scopedIdempotencyKey(subject, header.key);
	const fingerprint = await requestFingerprint(c.req.method, new URL(c.req.url).pathname, body);
	const begun = await tenant.beginIdempotent(tenantId, key, fingerprint, Date.now());
	switch (begun.kind) {
		case "replay":
			c.header("Idempotent-Replayed", "true");
			return reply(c, {
				status: begun.status as ContentfulStatusCode,
				body: begun.body,
				headers: begun.headers,
			});
		case "in_flight":
			throw new ApiError(
				"conflict",
				"A request with this Idempotency-Key is still being processed; retry later.",
			);
		case "mismatch":
			throw new ApiError(
				"validation_failed",
				"This Idempotency-Key was used for a different request; use a new key for a new request.",
				{
					errors: [
						{
							in: "header",
							pointer: "/Idempotency-Key",
							code: "idempotency_key_reused",
							message: "Already used for a different request.",
						},
					],
				},
			);
		case "proceed":
			break;
		default: {
			const unexpected: never = begun;
			throw new Error(`unexpected idempotency answer ${JSON.stringify(unexpected)}`);
		}
	}
	let result: StoredReply;
	try {
		result = await work({ key, fingerprint });
	} catch (err) {
		await tenant.abandonIdempotent(tenantId, key);
		throw err;
	}
	await tenant.completeIdempotent(
		tenantId,
		key,
		fingerprint,
		result.status,
		result.body,
		result.headers,
	);
	return reply(c, result);
}

function reply(c: Context<AppEnv>, result: StoredReply): Response {
	for (const [name, value] of Object.entries(result.headers)) c.header(name, value);
	return c.json(result.body as object, result.status);
}

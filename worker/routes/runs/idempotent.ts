import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { runObject, tenantObject } from "../../../durable-objects";
import type { RunView } from "../../../durable-objects/run/run-view";
import type { KeyedStartAnswer } from "../../../engine/control";
import type { AppEnv } from "../../env";
import { ApiError, validationFailed } from "../../errors/api-error";
import {
	parseIdempotencyKey,
	requestFingerprint,
	scopedIdempotencyKey,
} from "../../runs/idempotency-key";
import { type Replay, runIdFor } from "./run-ids";

export interface StoredReply {
	status: ContentfulStatusCode;
	body: unknown;
	headers: Record<string, string>;
}

/** The request's key as the caller's store holds it, and the request's fingerprint; null: no key. */
async function keyOf(c: Context<AppEnv>, body: unknown): Promise<Replay | null> {
	const header = parseIdempotencyKey(c.req.header("idempotency-key"));
	if (header.kind === "none") return null;
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
	return {
		key: await scopedIdempotencyKey(c.get("principal").subject, header.key),
		fingerprint: await requestFingerprint(c.req.method, new URL(c.req.url).pathname, body),
	};
}

const stillInFlight = () =>
	new ApiError(
		"conflict",
		"A request with this Idempotency-Key is still being processed; retry later.",
	);

const keyReused = () =>
	new ApiError(
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

/**
 * One run started by `POST …/runs`, at most once per Idempotency-Key (the same answers as
 * `idempotent` below: replay, 422, 409, a day, per caller), without asking the tenant's object:
 * the run's object is named by the key (runIdFor) and answers repeats itself
 * (docs/ARCHITECTURE.md#a-start). A request that fails its checks creates nothing, so the fixed
 * request goes through; but if the key already has a run, that run's answer wins over the
 * failure, as if the key had been checked first. `start` gets the fingerprint null without a key.
 */
export async function keyedStart(
	c: Context<AppEnv>,
	body: unknown,
	start: (runId: string, fingerprint: string | null) => Promise<KeyedStartAnswer<RunView>>,
	answer: (run: RunView) => StoredReply,
): Promise<Response> {
	const key = await keyOf(c, body);
	const { tenantId } = c.get("principal");
	// Each turn is one generation of the key: only a key used again after its day moves on, so
	// this ends at the first generation that is not over.
	for (let generation = 0; ; generation++) {
		const runId = await runIdFor(tenantId, key, generation);
		let started: KeyedStartAnswer<RunView>;
		try {
			started = await start(runId, key?.fingerprint ?? null);
		} catch (err) {
			if (!key || !(err instanceof ApiError)) throw err;
			started = await runObject(c.env, tenantId, runId).startKeyed(key.fingerprint, null);
			if (started.kind === "absent") throw err;
		}
		switch (started.kind) {
			case "expired":
				continue;
			case "replay":
				c.header("Idempotent-Replayed", "true");
				return reply(c, answer(started.run));
			case "started":
				return reply(c, answer(started.run));
			case "in_flight":
				throw stillInFlight();
			case "mismatch":
				throw keyReused();
			case "absent":
				throw new Error("a keyed start with its input was answered as absent");
			default: {
				const unexpected: never = started;
				throw new Error(`unexpected keyed start answer ${JSON.stringify(unexpected)}`);
			}
		}
	}
}

/**
 * Runs `work` at most once per Idempotency-Key (IETF httpapi draft, Stripe semantics) for
 * requests that start several runs or none (a batch, a retry): the tenant's object admits one
 * request per caller and key (see scopedIdempotencyKey); a retry of the same request gets the
 * first reply again (`Idempotent-Replayed: true`); the key reused for another request is 422; a
 * retry while the first is still running is 409. A request that fails before producing a
 * reply (validation, 404, …) releases its key, so the client can fix and resend.
 */
export async function idempotent(
	c: Context<AppEnv>,
	body: unknown,
	/** `replay`: the key and request fingerprint, for work that derives stable ids from them. */
	work: (replay: Replay | null) => Promise<StoredReply>,
): Promise<Response> {
	const replay = await keyOf(c, body);
	if (!replay) return reply(c, await work(null));
	const { tenantId } = c.get("principal");
	const tenant = tenantObject(c.env, tenantId);
	const { key, fingerprint } = replay;
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
			throw stillInFlight();
		case "mismatch":
			throw keyReused();
		case "proceed":
			break;
		default: {
			const unexpected: never = begun;
			throw new Error(`unexpected idempotency answer ${JSON.stringify(unexpected)}`);
		}
	}
	let result: StoredReply;
	try {
		result = await work(replay);
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

import { newRunId, type RunView } from "../../durable-objects";
import type { WebhookTriggerConfig, WorkflowDefinition } from "../../engine/definition";
import { database } from "../db/client";
import {
	claimAndRecordDelivery,
	correctDelivery,
	type DeliveryOutcome,
	pruneDeliveries,
	recordDelivery,
	releaseDeliveryKey,
	type TriggerRef,
} from "../db/deliveries.repo";
import { LAST_USED_RESOLUTION_MS, touchSecrets } from "../db/secrets.repo";
import { findHookTarget, type HookTarget } from "../db/triggers.repo";
import { ApiError } from "../errors/api-error";
import { parseNotifications, startRun } from "../runs/start-run";
import { openSealedSecrets } from "../secrets/secret-values";
import { parsePayload } from "./webhook-payload";
import { decideDelivery } from "./webhook-rules";
import { verifySignature } from "./webhook-signature";

/** A delivery's body, at most this many bytes (as every API body). */
export const MAX_DELIVERY_BYTES = 1024 * 1024;

/** What one POST to a webhook URL comes to; the route turns it into the HTTP answer. */
export type DeliveryAnswer =
	| { kind: "unknown_hook" }
	| { kind: "limited"; retryAfterSeconds: number }
	| { kind: "too_large" }
	| { kind: "unauthorized"; message: string }
	| {
			kind: "bad_body";
			status: 400 | 415;
			code: "malformed_json" | "unsupported_media_type";
			message: string;
	  }
	| { kind: "ignored"; reason: string }
	| { kind: "invalid"; error: ApiError }
	| { kind: "started" | "duplicate"; run: RunView };

export interface Delivery {
	hookId: string;
	headers: Headers;
	/** Reads the body, or null when it is over `max` bytes (never reading more than that). */
	body: (max: number) => Promise<Uint8Array | null>;
	now: number;
}

/** The hook binding's window: a limited sender may try again after it. */
const RATE_LIMIT_PERIOD_SECONDS = 10;

/**
 * One delivery, start to end (docs/ARCHITECTURE.md#webhook-deliveries): find the hook, rate
 * limit it, read and verify the body, apply the trigger's rules, claim the delivery key, start
 * the run through the same start path as `POST …/runs`, and record the outcome. Every outcome
 * after the hook is found is recorded, whatever it is.
 */
export async function deliver(
	env: Env,
	delivery: Delivery,
	waitUntil: (work: Promise<unknown>) => void,
): Promise<DeliveryAnswer> {
	const db = database(env.DB);
	const target = await findHookTarget(db, delivery.hookId);
	if (!target) return { kind: "unknown_hook" };
	const ref: TriggerRef = {
		tenantId: target.trigger.tenantId,
		workflowId: target.trigger.workflowId,
		node: target.trigger.node,
	};
	// A keyed delivery writes its log row with its claim (one round trip); `logged` is its id.
	const log: DeliveryLog = { key: null, logged: null };
	const answer = await answerDelivery(env, target, delivery, waitUntil, log).catch(
		(err: unknown) => {
			// Recorded as failed, then answered as any error is (a 500 the sender retries).
			void record(
				{ kind: "failed" },
				err instanceof ApiError ? err.message : "internal error",
			).catch(() => {});
			throw err;
		},
	);
	const alreadyLogged =
		log.logged !== null && (answer.kind === "started" || answer.kind === "duplicate");
	if (!alreadyLogged) await record(answer, detailOf(answer));
	// A trigger's log is pruned now and then, not on every delivery: one delete in ~50 keeps it
	// within its cap and window at a fraction of the writes.
	if (Math.random() < 0.02) waitUntil(pruneDeliveries(db, ref, delivery.now));
	return answer;

	function record(a: { kind: string; run?: RunView }, detail: string | null) {
		const row = {
			outcome: outcomeOf(a.kind),
			status: statusOf(a),
			runId: a.run?.id ?? null,
			detail,
		};
		if (log.logged !== null) return correctDelivery(db, ref, log.logged, row);
		return recordDelivery(db, ref, { ...row, receivedAt: delivery.now, deliveryKey: log.key });
	}
}

/** What a delivery has written to its log so far, filled in as it goes. */
interface DeliveryLog {
	/** The sender's delivery id, once the trigger's rules found it. */
	key: string | null;
	/** The id of the log row written with the claim, if any. */
	logged: string | null;
}

async function answerDelivery(
	env: Env,
	target: HookTarget,
	delivery: Delivery,
	waitUntil: (work: Promise<unknown>) => void,
	log: DeliveryLog,
): Promise<DeliveryAnswer> {
	const { trigger } = target;
	const limit = await env.HOOK_RATE_LIMITER.limit({ key: delivery.hookId });
	if (!limit.success) return { kind: "limited", retryAfterSeconds: RATE_LIMIT_PERIOD_SECONDS };
	const raw = await delivery.body(MAX_DELIVERY_BYTES);
	if (raw === null) return { kind: "too_large" };
	const config = trigger.config as WebhookTriggerConfig;
	if (config.signature) {
		const secret = await verificationSecret(env, target, delivery.now, waitUntil);
		const verified = await verifySignature(
			secret,
			config.signature,
			raw,
			delivery.headers,
			delivery.now,
		);
		if (!verified.ok) return { kind: "unauthorized", message: verified.message };
	}
	const parsed = parsePayload(
		raw,
		delivery.headers.get("content-type"),
		delivery.headers,
		config.includeHeaders,
	);
	if (!parsed.ok) return { kind: "bad_body", ...parsed };
	const decision = decideDelivery(config, parsed.payload, delivery.headers);
	switch (decision.kind) {
		case "ignore":
			return { kind: "ignored", reason: decision.reason };
		case "invalid":
			return {
				kind: "invalid",
				error: new ApiError("validation_failed", decision.message, {
					errors: [
						{
							in: "body",
							pointer: decision.pointer,
							code: "invalid_delivery",
							message: decision.message,
						},
					],
				}),
			};
		case "start":
			log.key = decision.deliveryKey;
			return startFor(env, target, decision.inputs, log, delivery.now);
		default: {
			const unknown: never = decision;
			throw new Error(`unknown delivery decision ${JSON.stringify(unknown)}`);
		}
	}
}

/**
 * The plaintext of the secret the trigger's signature names, from the sealed row the hook
 * lookup joined in (no second read). Its use is recorded as any read records it, at most once a
 * minute, after the answer: `lastUsedAt` is for people, not for the delivery.
 */
async function verificationSecret(
	env: Env,
	target: HookTarget,
	now: number,
	waitUntil: (work: Promise<unknown>) => void,
): Promise<string | undefined> {
	const sealed = target.verificationSecret;
	if (!sealed) return undefined;
	const tenantId = target.trigger.tenantId;
	const value = (await openSealedSecrets(env, tenantId, [sealed])).values.get(sealed.name);
	if (value !== undefined && (sealed.lastUsedAt ?? 0) < now - LAST_USED_RESOLUTION_MS)
		waitUntil(touchSecrets(database(env.DB), tenantId, [sealed.name], now));
	return value;
}

/**
 * Starts the delivery's run. With a key, the run id is the one the key's claim holds: a repeat
 * (or a racing retry) gets the run the first delivery started, and `start` on an existing run
 * only reads it, so even a first delivery that died between its claim and its start is
 * completed by the retry, never started twice.
 */
async function startFor(
	env: Env,
	target: HookTarget,
	inputs: Record<string, unknown>,
	log: DeliveryLog,
	now: number,
): Promise<DeliveryAnswer> {
	const key = log.key;
	const db = database(env.DB);
	const ref: TriggerRef = {
		tenantId: target.trigger.tenantId,
		workflowId: target.trigger.workflowId,
		node: target.trigger.node,
	};
	const proposed = newRunId();
	let runId = proposed;
	if (key !== null) {
		const claim = await claimAndRecordDelivery(db, ref, key, proposed, now);
		runId = claim.runId;
		log.logged = claim.deliveryId;
	}
	const kind = runId === proposed ? "started" : "duplicate";
	try {
		const run = await startRun(
			env,
			{
				kind: "trigger",
				tenantId: ref.tenantId,
				origin: { type: "WEBHOOK_TRIGGER", node: ref.node, deliveryId: key },
			},
			{ identifier: target.workflow.identifier, body: { inputs } },
			runId,
			{
				workflow: target.workflow,
				definition: target.definition as unknown as WorkflowDefinition,
				signingSecret: target.signingSecret,
				notifications: parseNotifications(target.notifications),
				runnableViaApi: target.runnableViaApi,
			},
		);
		return { kind, run };
	} catch (err) {
		if (!(err instanceof ApiError) || err.status >= 500) throw err;
		// Refused before any run existed (inputs that do not fit the trigger's form): free the
		// key, so a corrected delivery under it can start.
		if (key !== null && kind === "started") await releaseDeliveryKey(db, ref, key, runId);
		return { kind: "invalid", error: err };
	}
}

function outcomeOf(kind: string): DeliveryOutcome {
	switch (kind) {
		case "started":
		case "duplicate":
		case "ignored":
		case "unauthorized":
		case "limited":
		case "invalid":
			return kind;
		case "too_large":
		case "bad_body":
			return "invalid";
		default:
			return "failed";
	}
}

function statusOf(a: { kind: string } & Partial<{ status: number; error: ApiError }>): number {
	switch (a.kind) {
		case "started":
		case "duplicate":
		case "ignored":
			return 202;
		case "limited":
			return 429;
		case "too_large":
			return 413;
		case "unauthorized":
			return 401;
		case "bad_body":
			return a.status ?? 400;
		case "invalid":
			return a.error?.status ?? 422;
		default:
			return 500;
	}
}

function detailOf(answer: DeliveryAnswer): string | null {
	switch (answer.kind) {
		case "unauthorized":
		case "bad_body":
			return answer.message;
		case "ignored":
			return answer.reason;
		case "invalid":
			return answer.error.message;
		case "too_large":
			return `The body is over ${MAX_DELIVERY_BYTES} bytes.`;
		case "limited":
			return "Over this webhook URL's rate limit.";
		case "started":
		case "duplicate":
		case "unknown_hook":
			return null;
		default: {
			const unknown: never = answer;
			throw new Error(`unknown delivery answer ${JSON.stringify(unknown)}`);
		}
	}
}

import type { WebhookTriggerConfig } from "../../engine/definition";
import { ExprLimitError, ExprRuntimeError, first } from "../../engine/expr";
import type { WebhookPayload } from "./webhook-payload";

/** What a verified delivery asks for, decided by the trigger's filter, mapping and dedupeKey. */
export type DeliveryDecision =
	| { kind: "ignore"; reason: string }
	| { kind: "start"; inputs: Record<string, unknown>; deliveryKey: string | null }
	| { kind: "invalid"; pointer: string; message: string };

/** Headers that name a delivery, in the order they are looked for. */
const DELIVERY_HEADERS = ["webhook-id", "x-github-delivery", "idempotency-key"] as const;
const MAX_DELIVERY_KEY_LENGTH = 255;

/**
 * The trigger's rules over one delivery, in order: the filter (false or null: ignore), the
 * delivery's key (the dedupeKey expression when set, else webhook-id, X-GitHub-Delivery or
 * Idempotency-Key), then the mapping into the run's inputs (default: the body, with the
 * included headers under `headers`). Pure: the same delivery always decides the same.
 */
export function decideDelivery(
	config: WebhookTriggerConfig,
	payload: WebhookPayload,
	requestHeaders: Headers,
): DeliveryDecision {
	if (config.filter !== undefined) {
		const kept = evaluate(config.filter, payload, "/filter");
		if (!kept.ok) return kept.invalid;
		if (kept.value === false || kept.value === null || kept.value === undefined)
			return { kind: "ignore", reason: "the trigger's filter is false for this delivery" };
	}
	let deliveryKey: string | null = null;
	if (config.dedupeKey !== undefined) {
		const key = evaluate(config.dedupeKey, payload, "/dedupeKey");
		if (!key.ok) return key.invalid;
		if (typeof key.value === "string" || typeof key.value === "number")
			deliveryKey = String(key.value);
	} else {
		for (const name of DELIVERY_HEADERS) {
			const value = requestHeaders.get(name)?.trim();
			if (value) {
				deliveryKey = value;
				break;
			}
		}
	}
	if (deliveryKey !== null && deliveryKey.length > MAX_DELIVERY_KEY_LENGTH)
		return {
			kind: "invalid",
			pointer: "/deliveryKey",
			message: `A delivery id is at most ${MAX_DELIVERY_KEY_LENGTH} characters.`,
		};
	let inputs: unknown;
	if (config.mapping !== undefined) {
		const mapped = evaluate(config.mapping, payload, "/mapping");
		if (!mapped.ok) return mapped.invalid;
		inputs = mapped.value;
	} else {
		inputs =
			Object.keys(payload.headers).length > 0 && isObject(payload.body)
				? { ...payload.body, headers: payload.headers }
				: payload.body;
	}
	if (!isObject(inputs))
		return {
			kind: "invalid",
			pointer: config.mapping === undefined ? "" : "/mapping",
			message:
				config.mapping === undefined
					? "The body must be a JSON object (or set a mapping that makes one)."
					: "The mapping must produce a JSON object: the run's inputs.",
		};
	return { kind: "start", inputs, deliveryKey };
}

const isObject = (value: unknown): value is Record<string, unknown> =>
	typeof value === "object" && value !== null && !Array.isArray(value);

function evaluate(
	expression: string,
	payload: WebhookPayload,
	pointer: string,
): { ok: true; value: unknown } | { ok: false; invalid: DeliveryDecision } {
	try {
		return { ok: true, value: first(expression, payload) };
	} catch (err) {
		if (err instanceof ExprRuntimeError || err instanceof ExprLimitError)
			return { ok: false, invalid: { kind: "invalid", pointer, message: err.message } };
		throw err;
	}
}

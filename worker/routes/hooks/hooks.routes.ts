import { defineRoute } from "../define-route";
import { json, problemResponses } from "../openapi";
import { DeliveryAccepted, HookParam } from "./hooks.schemas";

export const deliver = defineRoute({
	operationId: "deliverWebhook",
	method: "post",
	path: "/hooks/{hookId}",
	tags: ["Triggers"],
	scope: {
		public:
			"Third parties call it: the unguessable hook id (and the trigger's signature) is the credential.",
	},
	audit: {
		skip: "No one of the tenant calls it: every delivery is in the trigger's own log (GET …/deliveries).",
	},
	summary: "Deliver a webhook to a WEBHOOK_TRIGGER",
	description:
		"The body (JSON, or `application/x-www-form-urlencoded` as GitHub sends it; at most 1 MiB) becomes the trigger's output. The trigger's signature check (Standard Webhooks or an HMAC header) runs first; then its filter, dedupeKey and mapping. A delivery id (`webhook-id`, `X-GitHub-Delivery`, `Idempotency-Key` or the trigger's dedupeKey) seen in the last 24 h answers with the run it started (`Idempotent-Replayed: true`). Every unknown hook id is the same 404. Over the URL's rate limit: 429 with `Retry-After`.",
	request: { params: HookParam },
	responses: {
		202: json(
			DeliveryAccepted,
			"Started, a duplicate of a delivery that started a run, or ignored.",
		),
		...problemResponses(400, 401, 404, 413, 415, 422, 429, 500),
	},
});

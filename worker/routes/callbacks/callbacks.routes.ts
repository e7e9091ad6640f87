import { z } from "@hono/zod-openapi";
import { defineRoute } from "../define-route";
import { json, problemResponses } from "../openapi";

export const CallbackTokenParam = z.object({
	token: z.string().openapi({
		param: { name: "token", in: "path" },
		description: "The last path segment of the callback URL the request carried.",
	}),
});

export const CallbackReceived = z
	.object({
		outcome: z.enum(["accepted", "already_received"]).openapi({
			description:
				"`accepted`: stored, the run goes on from it. `already_received`: this attempt had its callback already; nothing changed.",
		}),
	})
	.openapi("CallbackReceived");

export const postCallback = defineRoute({
	operationId: "postCallback",
	method: "post",
	path: "/callbacks/{token}",
	tags: ["Callbacks"],
	scope: {
		public:
			"The job called back holds no Stepline credential: the unguessable callback URL (and the node's signature, if it asks for one) is the credential.",
	},
	audit: { skip: "No one of the tenant calls it: the callback is in the run's own history." },
	summary: "Call back an async WEBHOOK node",
	description:
		'No bearer token: the URL is the credential. A WEBHOOK node with `synchronized: false` sends it in `Stepline-Callback-Url` (and as `{{ .callback.url }}`); one URL per attempt. The body (JSON, at most 1 MiB) is `{ "status": "SUCCESS" | "FAILED", "output": … }`, or anything else, taken as the output of a job that succeeded. Answered once the run has stored it. A node may require a Standard Webhooks signature (`webhook-id`, `webhook-timestamp`, `webhook-signature`) made with a named tenant secret.',
	request: { params: CallbackTokenParam },
	responses: {
		200: json(CallbackReceived, "Stored (or already received for this attempt)."),
		...problemResponses(400, 401, 404, 409, 413, 422, 500),
	},
});

import { SELF } from "cloudflare:test";
import { BASE, type CallResult, call } from "./helpers";
import { tenantWithWorkflow } from "./runs-helpers";

/** A workflow started by a webhook: the delivery's `repo` and `action` become its inputs. */
export function webhookWorkflow(
	identifier = "on_push",
	config: Record<string, unknown> = {},
	extra: Record<string, unknown> = {},
) {
	return {
		identifier,
		title: `On push (${identifier})`,
		nodes: [
			{
				identifier: "github",
				config: {
					type: "WEBHOOK_TRIGGER",
					userInputs: {
						properties: { repo: { type: "string" }, action: { type: "string" } },
						required: ["repo"],
					},
					...config,
				},
			},
			{ identifier: "wait", config: { type: "DELAY", duration: "1h" } },
		],
		connections: [{ identifier: "c1", sourceIdentifier: "github", targetIdentifier: "wait" }],
		...extra,
	};
}

/** A tenant with one webhook workflow, and its hook URL's path. */
export async function tenantWithHook(definition: Record<string, unknown> = webhookWorkflow()) {
	const setup = await tenantWithWorkflow(definition);
	const triggers = await setup.admin.call(`/v1/workflows/${setup.identifier}/triggers`);
	if (triggers.status !== 200) throw new Error(JSON.stringify(triggers.body));
	const url = new URL(triggers.body.data[0].webhook.url);
	return { ...setup, hookPath: url.pathname, hookUrl: url.toString() };
}

export interface DeliveryOptions {
	headers?: Record<string, string>;
	/** Sent as-is; otherwise `body` as JSON. */
	raw?: string | Uint8Array;
	body?: unknown;
}

/** POSTs a delivery as a third party would: no bearer token. */
export async function deliver(path: string, options: DeliveryOptions = {}): Promise<CallResult> {
	const raw = options.raw ?? JSON.stringify(options.body ?? {});
	const res = await SELF.fetch(`${BASE}${path}`, {
		method: "POST",
		headers: { "content-type": "application/json", ...options.headers },
		body: raw,
	});
	const text = await res.text();
	let body: unknown = text;
	if (text && /json/.test(res.headers.get("content-type") ?? "")) body = JSON.parse(text);
	return { status: res.status, headers: res.headers, body };
}

/** The tenant's run ids of one workflow, from the index. */
export async function runsOf(token: string, identifier: string): Promise<any[]> {
	const res = await call(`/v1/workflows/runs?workflowIdentifiers=${identifier}&limit=100`, {
		token,
	});
	return res.body.data;
}

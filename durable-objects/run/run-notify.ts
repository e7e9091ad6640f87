import { linkPlace, type Notify, type RunMeta, type SendAnswer } from "../../engine/control";
import { noticeBody } from "../../engine/control/notice-body";
import {
	HEADER_ID,
	HEADER_SIGNATURE,
	HEADER_TIMESTAMP,
	sign,
} from "../../engine/crypto/standard-webhooks";
import { checkOutgoingUrl } from "../../engine/run";
import { readSecrets } from "../../worker/secrets/secret-values";
import { outsideToken } from "./outside-address";
import { runSealer } from "./run-secrets";

/** How long an endpoint has to answer before the send counts as failed (and is retried). */
const NOTIFY_TIMEOUT_MS = 10_000;

/**
 * Sends one notification (docs/ARCHITECTURE.md#notifications): a POST of the notice under its
 * `webhook-id`, signed with the endpoint's tenant secret when it names one, the timestamp of this
 * send. A 2xx is delivered; any other answer or a network error throws, so the outbox sends it
 * again with backoff, the same body under the same id. A URL the outgoing-call rules refuse or a
 * secret that is not stored cannot get better by retrying: answered `not_notified`.
 */
export async function sendNotification(
	env: Env,
	meta: RunMeta,
	message: Notify,
	now: number,
): Promise<SendAnswer> {
	const { endpoint, webhookId, notice } = message;
	const checked = checkOutgoingUrl(endpoint.url, {
		allowLoopbackTargets: env.ALLOW_LOOPBACK_TARGETS === "true",
	});
	if (checked.kind === "refused") return { kind: "not_notified", reason: checked.reason };
	const base = env.PUBLIC_URL?.replace(/\/+$/, "") ?? "";
	const sealer = runSealer(env, meta.tenantId);
	// The answer links' tokens are opened here only, into the body sent (never stored in clear).
	const body = noticeBody(notice, base, endpoint.format, (token) => {
		const opened = String(sealer.open(token, linkPlace(meta.runId)));
		return `${base}/respond/${outsideToken(meta.tenantId, meta.runId, opened)}`;
	});
	const timestamp = Math.floor(now / 1000);
	const headers: Record<string, string> = {
		"content-type": "application/json",
		"user-agent": "Stepline-Notifications",
		[HEADER_ID]: webhookId,
		[HEADER_TIMESTAMP]: String(timestamp),
	};
	if (endpoint.secret !== undefined) {
		const read = await readSecrets(env, meta.tenantId, [endpoint.secret], { now });
		const secret = read.values.get(endpoint.secret);
		if (secret === undefined)
			return {
				kind: "not_notified",
				reason: `the tenant secret ${endpoint.secret} that signs it is not stored`,
			};
		headers[HEADER_SIGNATURE] = await sign(secret, { id: webhookId, timestamp, payload: body });
	}
	const control = new AbortController();
	// A timer we clear ourselves: a pending one keeps the object busy (see http-call.ts).
	const timer = setTimeout(() => control.abort(), NOTIFY_TIMEOUT_MS);
	try {
		const response = await fetch(checked.url, {
			method: "POST",
			headers,
			body,
			redirect: "manual",
			signal: control.signal,
		});
		await response.body?.cancel();
		if (response.status >= 200 && response.status < 300)
			return { kind: "notified", status: response.status };
		throw new Error(`the endpoint answered HTTP ${response.status}`);
	} finally {
		clearTimeout(timer);
	}
}

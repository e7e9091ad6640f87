/**
 * Renders a WEBHOOK node's request (url, query, headers, body) for one task and checks the URL.
 * Method is not templated (the schema fixes it). GET and HEAD send no body. `context` is the
 * request's own, the one context with `.secrets` in it: what this returns is sent, never
 * stored as is (webhook.ts masks it for the record).
 */

import { HEADER_ID, HEADER_TIMESTAMP } from "../crypto/standard-webhooks";
import type { WebhookConfig } from "../definition";
import type { RunErrorCode } from "./errors";
import type { OutgoingRequest } from "./events";
import { renderTemplates } from "./expressions";
import type { JsonObject, JsonValue } from "./json";
import type { ErrorInfo } from "./state";
import type { Step } from "./step";
import { checkOutgoingUrl } from "./url-guard";

export type BuiltRequest =
	| { kind: "built"; request: OutgoingRequest; bodyValue: JsonValue }
	| { kind: "failed"; error: ErrorInfo };

export function buildRequest(
	step: Step,
	config: WebhookConfig,
	context: JsonObject,
	idempotencyKey: string,
	/** Signed requests carry Standard Webhooks' id and timestamp (the shell adds the signature). */
	signedAt: number | null = null,
): BuiltRequest {
	const url = renderTemplates(config.url, context, step.now);
	if (!url.ok) return templateFailure("url", url.error);
	const query = renderTemplates(config.query ?? {}, context, step.now);
	if (!query.ok) return templateFailure("query", query.error);
	const headers = renderTemplates(config.headers ?? {}, context, step.now);
	if (!headers.ok) return templateFailure("headers", headers.error);
	const sendsBody =
		config.body !== undefined && config.method !== "GET" && config.method !== "HEAD";
	const body = sendsBody
		? renderTemplates(config.body ?? null, context, step.now)
		: { ok: true as const, value: null };
	if (!body.ok) return templateFailure("body", body.error);
	if (typeof url.value !== "string") {
		return fail("template_error", `url rendered to ${typeLabel(url.value)}, not a string`);
	}
	const check = checkOutgoingUrl(url.value, {
		allowLoopbackTargets: step.env.allowLoopbackTargets,
	});
	if (check.kind === "refused") {
		return fail("url_refused", `refused to call ${url.value}: ${check.reason}`);
	}
	const target = withQuery(check.url, stringValues(query.value));
	const sent = stringValues(headers.value);
	const has = (name: string) => Object.keys(sent).some((h) => h.toLowerCase() === name);
	// An author-set Idempotency-Key wins: they may need the receiver's own format.
	if (!has("idempotency-key")) sent["Idempotency-Key"] = idempotencyKey;
	if (signedAt !== null) {
		// Ours, whatever the author wrote: the receiver verifies these against the signature.
		for (const name of Object.keys(sent)) if (/^webhook-/i.test(name)) delete sent[name];
		sent[HEADER_ID] = idempotencyKey;
		sent[HEADER_TIMESTAMP] = String(signedAt);
	}
	const isText = typeof body.value === "string";
	if (sendsBody && !isText && !has("content-type")) sent["Content-Type"] = "application/json";
	const bodyText = !sendsBody ? null : isText ? String(body.value) : JSON.stringify(body.value);
	return {
		kind: "built",
		request: { url: target, method: config.method, headers: sent, body: bodyText },
		bodyValue: body.value,
	};
}

export function templateFailure(
	field: string,
	error: ErrorInfo,
): { kind: "failed"; error: ErrorInfo } {
	const code = error.code === "expression_limit" ? error.code : "template_error";
	return fail(code, `${field}: ${error.message}`);
}

function fail(code: RunErrorCode, message: string): { kind: "failed"; error: ErrorInfo } {
	return { kind: "failed", error: { code, message } };
}

/** `query` appended to the URL's own query string, URL-encoded. */
function withQuery(url: string, query: Record<string, string>): string {
	const names = Object.keys(query);
	if (names.length === 0) return url;
	const parsed = new URL(url);
	for (const name of names) parsed.searchParams.append(name, query[name] as string);
	return parsed.toString();
}

/** Rendered header or query values as strings; one rendered to null is left out. */
function stringValues(value: JsonValue): Record<string, string> {
	const out: Record<string, string> = {};
	if (value === null || typeof value !== "object" || Array.isArray(value)) return out;
	for (const [name, v] of Object.entries(value)) {
		if (v === null) continue;
		out[name] = typeof v === "string" ? v : JSON.stringify(v);
	}
	return out;
}

function typeLabel(value: JsonValue): string {
	if (value === null) return "null";
	return Array.isArray(value) ? "an array" : `a ${typeof value}`;
}

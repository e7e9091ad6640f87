import { MAX_JSON_DEPTH, nestedDeeperThan } from "../../engine/definition";

/** What a webhook trigger's filter, mapping and dedupeKey read: the body and chosen headers. */
export interface WebhookPayload {
	body: unknown;
	/** Only the headers the trigger names in `includeHeaders`, by lower-cased name. */
	headers: Record<string, string>;
}

export type PayloadResult =
	| { ok: true; payload: WebhookPayload }
	| {
			ok: false;
			status: 400 | 415;
			code: "malformed_json" | "unsupported_media_type";
			message: string;
	  };

/**
 * The delivery's body as JSON: `application/json` (and `…+json`), or
 * `application/x-www-form-urlencoded`, which GitHub sends when a hook is set to "form": its
 * `payload` field holds the JSON event, and any other form is kept as its fields.
 */
export function parsePayload(
	raw: Uint8Array,
	contentType: string | null,
	headers: Headers,
	includeHeaders: readonly string[] = [],
): PayloadResult {
	const essence = (contentType ?? "application/json").split(";")[0]?.trim().toLowerCase() ?? "";
	const text = new TextDecoder().decode(raw);
	let body: unknown;
	if (essence === "application/x-www-form-urlencoded") {
		const form = new URLSearchParams(text);
		const payload = form.get("payload");
		if (payload !== null && [...form.keys()].length === 1) {
			const parsed = parseJson(payload);
			if (!parsed.ok) return parsed;
			body = parsed.value;
		} else {
			body = Object.fromEntries(form);
		}
	} else if (essence === "application/json" || essence.endsWith("+json")) {
		if (text.trim() === "") body = {};
		else {
			const parsed = parseJson(text);
			if (!parsed.ok) return parsed;
			body = parsed.value;
		}
	} else {
		return {
			ok: false,
			status: 415,
			code: "unsupported_media_type",
			message: "Send the delivery as application/json or application/x-www-form-urlencoded.",
		};
	}
	const picked: Record<string, string> = {};
	for (const name of includeHeaders) {
		const value = headers.get(name);
		if (value !== null) picked[name.toLowerCase()] = value;
	}
	return { ok: true, payload: { body, headers: picked } };
}

function parseJson(
	text: string,
): { ok: true; value: unknown } | Extract<PayloadResult, { ok: false }> {
	try {
		const value: unknown = JSON.parse(text);
		// The depth cap of every free-form value (the route caps the size at 1 MiB before this).
		if (nestedDeeperThan(value, MAX_JSON_DEPTH))
			return {
				ok: false,
				status: 400,
				code: "malformed_json",
				message: `The body is nested deeper than ${MAX_JSON_DEPTH} levels.`,
			};
		return { ok: true, value };
	} catch {
		return {
			ok: false,
			status: 400,
			code: "malformed_json",
			message: "The body is not valid JSON.",
		};
	}
}

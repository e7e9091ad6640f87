/**
 * Every error the API can return, with the HTTP status and title it always carries.
 * `code` is the stable, machine-readable part of a problem document: clients branch on it,
 * so a code is never renamed or reused for a different meaning.
 */
export const ERRORS = {
	bad_request: { status: 400, title: "Bad request" },
	malformed_json: { status: 400, title: "Malformed JSON body" },
	unauthorized: { status: 401, title: "Authentication required" },
	invalid_token: { status: 401, title: "Invalid token" },
	invalid_signature: { status: 401, title: "Invalid webhook signature" },
	invalid_sign_in_code: { status: 401, title: "Invalid sign-in code" },
	forbidden: { status: 403, title: "Forbidden" },
	insufficient_scope: { status: 403, title: "Insufficient scope" },
	not_runnable_via_api: { status: 403, title: "Not runnable via API" },
	not_found: { status: 404, title: "Not found" },
	route_not_found: { status: 404, title: "No such route" },
	method_not_allowed: { status: 405, title: "Method not allowed" },
	conflict: { status: 409, title: "Conflict" },
	quota_exceeded: { status: 409, title: "Quota exceeded" },
	payload_too_large: { status: 413, title: "Payload too large" },
	unsupported_media_type: { status: 415, title: "Unsupported media type" },
	validation_failed: { status: 422, title: "Validation failed" },
	rate_limited: { status: 429, title: "Too many requests" },
	too_many_streams: { status: 429, title: "Too many event streams" },
	internal: { status: 500, title: "Internal server error" },
	auth_misconfigured: { status: 500, title: "Authentication is not configured" },
	secrets_misconfigured: { status: 500, title: "Secrets are not configured" },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERRORS;
export const ERROR_CODES = Object.keys(ERRORS) as ErrorCode[];

/** Problem `type` URIs are identifiers (RFC 9457 §3.1.1); they are stable per code. */
export const problemType = (code: ErrorCode): string => `https://stepline.dev/problems/${code}`;

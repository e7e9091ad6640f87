import type { RouteConfig, RouteHandler } from "@hono/zod-openapi";
import { parseOutsideToken, runObject } from "../../../durable-objects";
import { HEADER_SIGNATURE } from "../../../engine/crypto/standard-webhooks";
import { hashToken } from "../../../engine/crypto/token";
import { isJsonContentType, type JsonValue } from "../../../engine/run";
import type { AppEnv } from "../../env";
import { ApiError, notFound, validationFailed } from "../../errors/api-error";
import { problemsInJson } from "../../lib/strict-json";
import { answerOfSignal } from "../outside-answers";
import type * as routes from "./callbacks.routes";

type Handler<R extends RouteConfig> = RouteHandler<R, AppEnv>;

const STANDARD_WEBHOOK_HEADERS = ["webhook-id", "webhook-timestamp", HEADER_SIGNATURE];

/**
 * POST /callbacks/{token} (docs/ARCHITECTURE.md#waiting-on-the-outside). The token names the run
 * and is checked there, against the hash the run kept: a forged or stale one changes nothing.
 * The worker only reads the body and hands it to the run's signal door.
 */
export const postCallback: Handler<typeof routes.postCallback> = async (c) => {
	const address = parseOutsideToken(c.req.valid("param").token);
	if (!address) throw notFound("This callback URL");
	const payload = await c.req.text();
	const body = parseBody(c.req.header("content-type"), payload);
	const signed = c.req.header(HEADER_SIGNATURE)
		? {
				headers: Object.fromEntries(
					STANDARD_WEBHOOK_HEADERS.map((name) => [name, c.req.header(name) ?? ""]),
				),
				payload,
			}
		: null;
	const answer = await runObject(c.env, address.tenantId, address.runId).signal({
		kind: "callback",
		tokenHash: hashToken(address.token),
		body,
		signed,
	});
	switch (answerOfSignal(answer, "This callback URL")) {
		case "accepted":
			return c.json({ outcome: "accepted" as const }, 200);
		case "repeat":
			return c.json({ outcome: "already_received" as const }, 200);
	}
};

/** JSON when it says so (malformed: 400, duplicate keys and the like: 422), nothing as null, any other text as text. */
function parseBody(contentType: string | undefined, payload: string): JsonValue {
	if (payload.trim() === "") return null;
	if (!isJsonContentType(contentType)) return payload;
	let body: JsonValue;
	try {
		body = JSON.parse(payload) as JsonValue;
	} catch (err) {
		throw new ApiError("malformed_json", `The callback body is not valid JSON: ${String(err)}`);
	}
	// The same refusals as every JSON body of the API (worker/routes/json-body.ts): the run
	// would store and hand on what JSON.parse let through.
	const problems = problemsInJson(payload);
	if (problems.length > 0)
		throw validationFailed(problems.map((problem) => ({ in: "body", ...problem })));
	return body;
}

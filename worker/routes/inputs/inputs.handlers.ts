import type { RouteConfig, RouteHandler } from "@hono/zod-openapi";
import { runObject } from "../../../durable-objects";
import type { JsonObject } from "../../../engine/run";
import type { AppEnv } from "../../env";
import { ApiError } from "../../errors/api-error";
import { parseIdempotencyKey } from "../../runs/idempotency-key";
import { answerOfSignal } from "../outside-answers";
import type * as routes from "./inputs.routes";

type Handler<R extends RouteConfig> = RouteHandler<R, AppEnv>;

/**
 * POST /v1/runs/{runId}/inputs/{node} (docs/ARCHITECTURE.md#waiting-on-the-outside). The run
 * decides everything (who may answer, the form, whether the request is open) at its signal
 * door; a run of another tenant is a run this tenant's object does not have: 404.
 */
export const respondToInput: Handler<typeof routes.respondToInput> = async (c) => {
	const principal = c.get("principal");
	const { runId, node } = c.req.valid("param");
	const body = c.req.valid("json");
	const header = parseIdempotencyKey(c.req.header("idempotency-key"));
	if (header.kind === "invalid") {
		throw new ApiError("bad_request", `Idempotency-Key ${header.message}.`, {
			errors: [
				{
					in: "header",
					pointer: "/Idempotency-Key",
					code: "invalid_idempotency_key",
					message: `Idempotency-Key ${header.message}.`,
				},
			],
		});
	}
	const answer = await runObject(c.env, principal.tenantId, runId).signal({
		kind: "input_response",
		node,
		by: principal.subject,
		role: principal.role,
		outlet: body.outlet,
		inputs: (body.inputs ?? {}) as JsonObject,
		comment: body.comment ?? null,
		key: header.kind === "key" ? header.key : null,
	});
	switch (answerOfSignal(answer, `Input ${node} of run ${runId}`)) {
		case "accepted":
			return c.json({ outcome: "accepted" as const }, 200);
		case "repeat":
			c.header("Idempotent-Replayed", "true");
			return c.json({ outcome: "already_received" as const }, 200);
	}
};

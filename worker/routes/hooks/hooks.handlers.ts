import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { ApiError } from "../../errors/api-error";
import { deliver as deliverHook } from "../../triggers/deliver";
import { readBounded } from "../../triggers/read-bounded";
import type * as routes from "./hooks.routes";

export const deliver: RouteHandler<typeof routes.deliver, AppEnv> = async (c) => {
	const answer = await deliverHook(
		c.env,
		{
			hookId: c.req.valid("param").hookId,
			headers: c.req.raw.headers,
			body: (max) => readBounded(c.req.raw, max),
			now: Date.now(),
		},
		(work) => c.executionCtx.waitUntil(work),
	);
	switch (answer.kind) {
		case "unknown_hook":
			// The same answer for every id that names no live trigger: it tells nothing about
			// which tenants, workflows or retired ids exist.
			throw new ApiError("not_found", "No webhook trigger has this URL.");
		case "limited":
			throw new ApiError(
				"rate_limited",
				`Too many deliveries to this webhook URL; retry after ${answer.retryAfterSeconds} s.`,
				{ headers: { "Retry-After": String(answer.retryAfterSeconds) } },
			);
		case "too_large":
			throw new ApiError("payload_too_large", "Deliveries are limited to 1 MiB.");
		case "unauthorized":
			throw new ApiError("invalid_signature", answer.message);
		case "bad_body":
			throw new ApiError(answer.code, answer.message);
		case "invalid":
			throw answer.error;
		case "ignored":
			return c.json({ outcome: "ignored" as const, run: null }, 202);
		case "started":
		case "duplicate": {
			const url = new URL(`/v1/workflows/runs/${answer.run.id}`, c.req.url).toString();
			if (answer.kind === "duplicate") c.header("Idempotent-Replayed", "true");
			c.header("Location", url);
			return c.json(
				{ outcome: answer.kind, run: { id: answer.run.id, status: answer.run.status, url } },
				202,
			);
		}
		default: {
			const unknown: never = answer;
			throw new Error(`unknown delivery answer ${JSON.stringify(unknown)}`);
		}
	}
};

import { Hono } from "hono";
import type { AppEnv } from "../../env";
import { answerWithLink, openLink } from "./respond.handlers";

/**
 * /respond/{token}: the answer pages for people named on an INPUT node (docs/NOTIFICATIONS.md#answer-links).
 * HTML for people, not the JSON API, so not in the OpenAPI document (like /docs); the token in
 * the path is the only credential.
 */
export const respondRouter = new Hono<AppEnv>()
	.get("/:token", openLink)
	.post("/:token", answerWithLink);

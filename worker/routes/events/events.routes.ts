import { defineRoute } from "../define-route";
import { json, problemResponses } from "../openapi";
import { EventResults, PostEventsBody } from "./events.schemas";

export const postEvents = defineRoute({
	operationId: "postEvents",
	scope: "events:write",
	audit: { action: "events.post", target: "event" },
	method: "post",
	path: "/",
	tags: ["Triggers"],
	summary: "Post events; every matching EVENT_TRIGGER starts a run",
	description:
		"Members and admins. Each event starts one run per EVENT_TRIGGER of the tenant's latest versions whose `event.type` matches (ANY_ENTITY_CHANGE matches the three ENTITY_* types), whose other `event` fields equal the event's and whose JQ condition holds; the event is the trigger's output. An event id posted in the last 24 h starts nothing and answers as before.",
	request: {
		body: { required: true, content: { "application/json": { schema: PostEventsBody } } },
	},
	responses: {
		202: json(EventResults, "Per event: the triggers it matched and the runs they started."),
		...problemResponses(400, 401, 403, 413, 415, 422, 500),
	},
});

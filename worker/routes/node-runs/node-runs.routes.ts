import { defineRoute } from "../define-route";
import { json, problemResponses } from "../openapi";
import {
	AttemptPage,
	AttemptsQuery,
	ItemPage,
	ItemsQuery,
	NodeRunParams,
} from "./node-runs.schemas";

const tags = ["Runs"];

export const listNodeItems = defineRoute({
	operationId: "listRunNodeItems",
	scope: "runs:read",
	method: "get",
	path: "/runs/{runId}/nodes/{node}/items",
	tags,
	summary: "Page a forEach node's items",
	description:
		"The run itself holds each forEach node's first items (`itemCount` says how many there are); this pages through all of them, each with its status, attempts and output. 404: no such run, or no such node in it.",
	request: { params: NodeRunParams, query: ItemsQuery },
	responses: {
		200: json(ItemPage, "Items in list order."),
		...problemResponses(401, 404, 422, 500),
	},
});

export const listNodeAttempts = defineRoute({
	operationId: "listRunNodeAttempts",
	scope: "runs:read",
	method: "get",
	path: "/runs/{runId}/nodes/{node}/attempts",
	tags,
	summary: "Page a node's (or a forEach item's) attempts",
	description:
		"The run itself holds each node's and item's newest attempts (`attemptCount` says how many there were); this pages through all of them, oldest first. 404: no such run, node or item.",
	request: { params: NodeRunParams, query: AttemptsQuery },
	responses: {
		200: json(AttemptPage, "Attempts by number."),
		...problemResponses(401, 404, 422, 500),
	},
});

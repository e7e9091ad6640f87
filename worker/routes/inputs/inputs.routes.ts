import { z } from "@hono/zod-openapi";
import { INPUT_REQUESTS_SCAN_BUDGET } from "../../db/input-requests.repo";
import { defineRoute } from "../define-route";
import { json, problemResponses } from "../openapi";
import {
	InputParams,
	InputRequestPage,
	InputRequestsQuery,
	InputResponseBody,
	InputResponseReceived,
} from "./inputs.schemas";

const tags = ["Inputs"];

export const respondToInput = defineRoute({
	operationId: "respondToInput",
	scope: "inputs:write",
	audit: { action: "run.input_respond", target: "run", targetParam: "runId" },
	method: "post",
	path: "/runs/{runId}/inputs/{node}",
	tags,
	summary: "Answer a run's INPUT node",
	description:
		"Records your response to the node's open input request: its outlet, the form's `inputs` (checked like a run's start inputs) and an optional comment. One response per person; with an Idempotency-Key, sending the same response again answers `already_received`. When `numOfResponders` responses agree on an outlet, or one goes through a `decisive` outlet, the node succeeds and the run continues through that outlet. Answered once the run has stored the response. 403: you are not a responder (or the run's initiator where the node forbids it, or you answered already); 409: the request is not open (not reached, decided, timed out, cancelled).",
	request: {
		params: InputParams,
		headers: z.object({
			"idempotency-key": z
				.string()
				.optional()
				.openapi({
					param: { name: "idempotency-key", in: "header" },
					description: "Retry-safe key, ≤ 255 characters.",
				}),
		}),
		body: { required: true, content: { "application/json": { schema: InputResponseBody } } },
	},
	responses: {
		200: json(InputResponseReceived, "Stored (or already received with this key)."),
		...problemResponses(400, 401, 403, 404, 409, 413, 415, 422, 500),
	},
});

export const listInputRequests = defineRoute({
	operationId: "listInputRequests",
	scope: "inputs:read",
	method: "get",
	path: "/inputs",
	tags,
	summary: "Input requests across runs (your inbox)",
	description: `The INPUT requests of the tenant's runs, newest first: by default the pending ones you may answer now, each with its run, workflow, node, title and description, form, buttons, who answered so far and its due time. \`status=answered\` or \`closed\` lists past ones; \`assignedTo=any\` lists everyone's (admins). Answer one with POST /v1/runs/{runId}/inputs/{node}. Cursor paging: a page examines about ${INPUT_REQUESTS_SCAN_BUDGET} requests at most, so it may be short or empty with a non-null \`nextCursor\`; only a null one means there is nothing more.`,
	request: { query: InputRequestsQuery },
	responses: {
		200: json(InputRequestPage, "One page of requests."),
		...problemResponses(401, 403, 422, 500),
	},
});

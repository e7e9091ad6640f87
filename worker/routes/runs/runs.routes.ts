import { z } from "@hono/zod-openapi";
import { PAGE_SCAN_BUDGET } from "../../db/runs.repo";
import { defineRoute } from "../define-route";
import { json, problemResponses } from "../openapi";
import {
	FailedStartList,
	FailedStartsQuery,
	ListRunsQuery,
	RunFiltersBody,
	RunList,
} from "./run-list.schemas";
import { EventsQuery, Run, RunEventPage, StreamQuery } from "./run-view.schemas";
import {
	BulkCancelResult,
	RetryBody,
	RunBatch,
	RunIdParam,
	StartRunBatchBody,
	StartRunBody,
	WorkflowParam,
	WorkflowRunParams,
} from "./runs.schemas";

const tags = ["Runs"];
const IdempotencyHeader = z.object({
	"idempotency-key": z
		.string()
		.optional()
		.openapi({
			param: { name: "idempotency-key", in: "header" },
			description: "Retry-safe key, ≤ 255 characters; kept 24 h.",
		}),
});

export const startRun = defineRoute({
	operationId: "startRun",
	scope: "runs:write",
	audit: {
		action: "run.start",
		target: "workflow",
		targetParam: "identifier",
		// A person's start is recorded by the run itself; a refused start by anyone is a failed start.
		onlyApiKeys: true,
		failedStart: true,
	},
	method: "post",
	path: "/{identifier}/runs",
	tags,
	summary: "Start a run",
	description:
		"Validates the inputs against the trigger's userInputs and starts (or queues) a run. With an Idempotency-Key, a retry of the same request replays the first response (`Idempotent-Replayed: true`).",
	request: {
		params: WorkflowParam,
		headers: IdempotencyHeader,
		body: { required: false, content: { "application/json": { schema: StartRunBody } } },
	},
	responses: {
		202: json(Run, "Started or queued; `Location` points at the run."),
		...problemResponses(400, 401, 403, 404, 409, 413, 415, 422, 500),
	},
});

export const startRunBatch = defineRoute({
	operationId: "startRunBatch",
	scope: "runs:write",
	audit: {
		action: "run.start_batch",
		target: "workflow",
		targetParam: "identifier",
		onlyApiKeys: true,
		failedStart: true,
	},
	method: "post",
	path: "/{identifier}/runs/batch",
	tags,
	summary: "Start several runs of one workflow",
	description:
		"Each item is what `POST …/runs` takes. Every item is checked before any run exists: one bad item is a 422 naming it (`/runs/2/inputs/service`) and nothing starts. Then every run starts (or queues behind the tenant's limit) at once. With an Idempotency-Key the whole batch is one request: a retry replays the first answer, and a retry after a failure part-way starts only the runs that are missing, never one twice.",
	request: {
		params: WorkflowParam,
		headers: IdempotencyHeader,
		body: { required: true, content: { "application/json": { schema: StartRunBatchBody } } },
	},
	responses: {
		202: json(RunBatch, "Started or queued, in request order."),
		...problemResponses(400, 401, 403, 404, 409, 413, 415, 422, 500),
	},
});

export const listRuns = defineRoute({
	operationId: "listRuns",
	scope: "runs:read",
	method: "get",
	path: "/runs",
	tags,
	summary: "List runs you may see, newest first",
	description: `Cursor paging: pass \`nextCursor\` back as \`cursor\` until it is null. Each page examines about ${PAGE_SCAN_BUDGET} runs at most, so filters the index cannot narrow (initiator, entity, result, search, status COMPLETED, a member's visibility) stay fast when almost nothing matches: a page may then hold fewer runs than \`limit\`, or none, with a non-null \`nextCursor\`. That is normal and means "keep paging": the next page resumes after the last run examined, so every match still comes exactly once, newest first. Only a null \`nextCursor\` means there is nothing more.`,
	request: { query: ListRunsQuery },
	responses: { 200: json(RunList, "One page of runs."), ...problemResponses(401, 422, 500) },
});

export const listFailedStarts = defineRoute({
	operationId: "listFailedStarts",
	scope: "runs:read",
	method: "get",
	path: "/runs/failed-starts",
	tags,
	summary: "Starts that were refused, newest first (Cortex's Failures tab)",
	description:
		"A start (or batch start) that was authenticated but refused — unknown workflow, invalid inputs, forbidden, not runnable via API, over quota — with who, when, the workflow, the error code and the request id. Kept 7 days. Admins see everyone's; others their own.",
	request: { query: FailedStartsQuery },
	responses: {
		200: json(FailedStartList, "One page of failed starts."),
		...problemResponses(401, 403, 422, 500),
	},
});

export const bulkCancel = defineRoute({
	operationId: "cancelRuns",
	scope: "runs:write",
	audit: { action: "run.bulk_cancel", target: "run" },
	method: "post",
	path: "/runs/cancel",
	tags,
	summary: "Cancel every unfinished run matching the filters that you may act on",
	request: {
		body: { required: true, content: { "application/json": { schema: RunFiltersBody } } },
	},
	responses: {
		200: json(BulkCancelResult, "How many runs were cancelled."),
		...problemResponses(401, 403, 415, 422, 500),
	},
});

export const getRun = defineRoute({
	operationId: "getRun",
	scope: "runs:read",
	method: "get",
	path: "/runs/{runId}",
	tags,
	summary: "Get a run with its node runs, outputs, taken path and timings",
	request: { params: RunIdParam },
	responses: { 200: json(Run, "The run."), ...problemResponses(401, 404, 422, 500) },
});

export const getWorkflowRun = defineRoute({
	operationId: "getWorkflowRun",
	scope: "runs:read",
	method: "get",
	path: "/{identifier}/runs/{runId}",
	tags,
	summary: "Get a run of this workflow",
	request: { params: WorkflowRunParams },
	responses: { 200: json(Run, "The run."), ...problemResponses(401, 404, 422, 500) },
});

export const listEvents = defineRoute({
	operationId: "listRunEvents",
	scope: "runs:read",
	method: "get",
	path: "/runs/{runId}/events",
	tags,
	summary: "Page a run's history (seq > after)",
	request: { params: RunIdParam, query: EventsQuery },
	responses: {
		200: json(RunEventPage, "Events in seq order."),
		...problemResponses(401, 404, 422, 500),
	},
});

export const streamEvents = defineRoute({
	operationId: "streamRunEvents",
	scope: "runs:read",
	method: "get",
	path: "/runs/{runId}/stream",
	tags,
	summary: "Follow a run's events as Server-Sent Events",
	description:
		"Replays history after `Last-Event-ID` (or from the start), then live events; closes after the run completes.",
	request: { params: RunIdParam, query: StreamQuery },
	responses: {
		200: {
			description: "text/event-stream of RunEvent (event id = seq)",
			content: { "text/event-stream": { schema: z.string() } },
		},
		...problemResponses(401, 404, 422, 500),
	},
});

export const cancelRun = defineRoute({
	operationId: "cancelRun",
	scope: "runs:write",
	audit: { action: "run.cancel", target: "run", targetParam: "runId" },
	method: "post",
	path: "/runs/{runId}/cancel",
	tags,
	summary: "Cancel a run",
	request: { params: RunIdParam },
	responses: { 202: json(Run, "Cancelled."), ...problemResponses(401, 403, 404, 409, 422, 500) },
});

export const retryRun = defineRoute({
	operationId: "retryRun",
	scope: "runs:write",
	audit: { action: "run.retry", target: "run", targetParam: "runId" },
	method: "post",
	path: "/runs/{runId}/retry",
	tags,
	summary: "Retry a run from its failed node (or from `fromNode`)",
	description:
		"Starts a new run of the same version with the same inputs, reusing the outputs of the nodes before the restart point. With an Idempotency-Key, a resent request replays the first answer, and never starts a second retry run.",
	request: {
		params: RunIdParam,
		headers: IdempotencyHeader,
		body: { required: false, content: { "application/json": { schema: RetryBody } } },
	},
	responses: {
		202: json(Run, "The new run."),
		...problemResponses(401, 403, 404, 409, 415, 422, 500),
	},
});

import { defineRoute } from "../define-route";
import { json, problemResponses } from "../openapi";
import {
	IdentifierParam,
	ListWorkflowsQuery,
	PageQuery,
	VersionParam,
	Workflow,
	WorkflowDefinition,
	WorkflowList,
	WorkflowMergePatch,
	WorkflowVersion,
	WorkflowVersionList,
} from "./workflows.schemas";

const tags = ["Workflows"];

export const createWorkflow = defineRoute({
	operationId: "createWorkflow",
	scope: "workflows:write",
	audit: { action: "workflow.create", target: "workflow" },
	method: "post",
	path: "/",
	tags,
	summary: "Create a workflow (version 1)",
	request: {
		body: { required: true, content: { "application/json": { schema: WorkflowDefinition } } },
	},
	responses: {
		201: json(Workflow, "Created; `Location` points at the workflow."),
		...problemResponses(400, 401, 403, 409, 413, 415, 422, 500),
	},
});

export const listWorkflows = defineRoute({
	operationId: "listWorkflows",
	scope: "workflows:read",
	method: "get",
	path: "/",
	tags,
	summary: "List workflows, ordered by identifier",
	request: { query: ListWorkflowsQuery },
	responses: {
		200: json(WorkflowList, "One page of workflows."),
		...problemResponses(401, 422, 500),
	},
});

export const getWorkflow = defineRoute({
	operationId: "getWorkflow",
	scope: "workflows:read",
	method: "get",
	path: "/{identifier}",
	tags,
	summary: "Get the latest version of a workflow",
	request: { params: IdentifierParam },
	responses: { 200: json(Workflow, "The workflow."), ...problemResponses(401, 404, 422, 500) },
});

export const replaceWorkflow = defineRoute({
	operationId: "replaceWorkflow",
	scope: "workflows:write",
	audit: { action: "workflow.update", target: "workflow", targetParam: "identifier" },
	method: "put",
	path: "/{identifier}",
	tags,
	summary: "Replace a workflow's definition (creates it if missing)",
	description: "Stores a new immutable version unless the definition is unchanged.",
	request: {
		params: IdentifierParam,
		body: { required: true, content: { "application/json": { schema: WorkflowDefinition } } },
	},
	responses: {
		200: json(Workflow, "Updated, or unchanged (same version)."),
		201: json(Workflow, "Created."),
		...problemResponses(400, 401, 403, 409, 413, 415, 422, 500),
	},
});

export const patchWorkflow = defineRoute({
	operationId: "patchWorkflow",
	scope: "workflows:write",
	audit: { action: "workflow.update", target: "workflow", targetParam: "identifier" },
	method: "patch",
	path: "/{identifier}",
	tags,
	summary: "Merge-patch a workflow's definition",
	request: {
		params: IdentifierParam,
		body: {
			required: true,
			content: {
				"application/merge-patch+json": { schema: WorkflowMergePatch },
				"application/json": { schema: WorkflowMergePatch },
			},
		},
	},
	responses: {
		200: json(Workflow, "Updated, or unchanged (same version)."),
		...problemResponses(400, 401, 403, 404, 409, 413, 415, 422, 500),
	},
});

export const deleteWorkflow = defineRoute({
	operationId: "deleteWorkflow",
	scope: "workflows:write",
	audit: { action: "workflow.delete", target: "workflow", targetParam: "identifier" },
	method: "delete",
	path: "/{identifier}",
	tags,
	summary: "Delete a workflow (soft: its runs stay readable, the identifier is free again)",
	request: { params: IdentifierParam },
	responses: { 204: { description: "Deleted." }, ...problemResponses(401, 403, 404, 422, 500) },
});

export const listVersions = defineRoute({
	operationId: "listWorkflowVersions",
	scope: "workflows:read",
	method: "get",
	path: "/{identifier}/versions",
	tags,
	summary: "List a workflow's versions, newest first",
	request: { params: IdentifierParam, query: PageQuery },
	responses: {
		200: json(WorkflowVersionList, "One page of versions."),
		...problemResponses(401, 404, 422, 500),
	},
});

export const getVersion = defineRoute({
	operationId: "getWorkflowVersion",
	scope: "workflows:read",
	method: "get",
	path: "/{identifier}/versions/{version}",
	tags,
	summary: "Get one version of a workflow",
	request: { params: VersionParam },
	responses: {
		200: json(WorkflowVersion, "The version."),
		...problemResponses(401, 404, 422, 500),
	},
});

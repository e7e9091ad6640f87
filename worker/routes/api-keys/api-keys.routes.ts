import { defineRoute } from "../define-route";
import { json, problemResponses } from "../openapi";
import {
	ApiKey,
	ApiKeyIdParam,
	ApiKeyList,
	CreateApiKeyBody,
	CreatedApiKey,
	ListApiKeysQuery,
} from "./api-keys.schemas";

const tags = ["API keys"];

export const createApiKey = defineRoute({
	operationId: "createApiKey",
	scope: "admin",
	audit: { action: "api_key.create", target: "api_key" },
	method: "post",
	path: "/",
	tags,
	summary: "Create an API key (admins)",
	description:
		"Answers the key (`stl_…`) once; store it then. Send it as `Authorization: Bearer stl_…` on any /v1 route: it acts as a principal of its own (`apikey:<id>`) with its role and scopes.",
	request: {
		body: { required: true, content: { "application/json": { schema: CreateApiKeyBody } } },
	},
	responses: {
		201: json(CreatedApiKey, "Created; `Location` points at the key's metadata."),
		...problemResponses(400, 401, 403, 413, 415, 422, 500),
	},
});

export const listApiKeys = defineRoute({
	operationId: "listApiKeys",
	scope: "admin",
	method: "get",
	path: "/",
	tags,
	summary: "List the tenant's API keys, newest first (admins)",
	description: "Metadata only, revoked keys included: a key itself is never shown again.",
	request: { query: ListApiKeysQuery },
	responses: {
		200: json(ApiKeyList, "One page of keys."),
		...problemResponses(401, 403, 422, 500),
	},
});

export const getApiKey = defineRoute({
	operationId: "getApiKey",
	scope: "admin",
	method: "get",
	path: "/{keyId}",
	tags,
	summary: "Get an API key's metadata (admins)",
	request: { params: ApiKeyIdParam },
	responses: { 200: json(ApiKey, "The key."), ...problemResponses(401, 403, 404, 422, 500) },
});

export const revokeApiKey = defineRoute({
	operationId: "revokeApiKey",
	scope: "admin",
	audit: { action: "api_key.revoke", target: "api_key", targetParam: "keyId" },
	method: "delete",
	path: "/{keyId}",
	tags,
	summary: "Revoke an API key (admins)",
	description:
		"From the next request on, the key is refused (401). Its metadata stays listed, with `revokedAt`. Revoking a revoked key changes nothing.",
	request: { params: ApiKeyIdParam },
	responses: { 204: { description: "Revoked." }, ...problemResponses(401, 403, 404, 422, 500) },
});

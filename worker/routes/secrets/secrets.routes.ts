import { defineRoute } from "../define-route";
import { json, problemResponses } from "../openapi";
import {
	PutSecretBody,
	Secret,
	SecretList,
	SecretListQuery,
	SecretMetadata,
	SecretNameParam,
} from "./secrets.schemas";

const tags = ["Secrets"];

export const listSecrets = defineRoute({
	operationId: "listSecrets",
	scope: "secrets:write",
	method: "get",
	path: "/",
	tags,
	summary: "List the tenant's secrets, ordered by name",
	description:
		"Admins get each secret's metadata; members and viewers get names only. Never a value.",
	request: { query: SecretListQuery },
	responses: {
		200: json(SecretList, "One page of secrets."),
		...problemResponses(401, 422, 500),
	},
});

export const getSecret = defineRoute({
	operationId: "getSecret",
	scope: "secrets:write",
	method: "get",
	path: "/{name}",
	tags,
	summary: "Get one secret's metadata (never its value)",
	request: { params: SecretNameParam },
	responses: { 200: json(Secret, "The secret."), ...problemResponses(401, 404, 422, 500) },
});

export const putSecret = defineRoute({
	operationId: "putSecret",
	scope: "secrets:write",
	audit: { action: "secret.set", target: "secret", targetParam: "name" },
	method: "put",
	path: "/{name}",
	tags,
	summary: "Create or replace a secret (admins)",
	description:
		"Stores the value encrypted (AES-256-GCM). Replacing a secret bumps its version; runs read the new value from their next call on. At most 500 secrets per tenant (409 past it).",
	request: {
		params: SecretNameParam,
		body: { required: true, content: { "application/json": { schema: PutSecretBody } } },
	},
	responses: {
		200: json(SecretMetadata, "Replaced."),
		201: json(SecretMetadata, "Created; `Location` points at the secret."),
		...problemResponses(400, 401, 403, 409, 413, 415, 422, 500),
	},
});

export const deleteSecret = defineRoute({
	operationId: "deleteSecret",
	scope: "secrets:write",
	audit: { action: "secret.delete", target: "secret", targetParam: "name" },
	method: "delete",
	path: "/{name}",
	tags,
	summary: "Delete a secret (admins)",
	description: "A run that needs it afterwards fails that node with `secret_not_found`.",
	request: { params: SecretNameParam },
	responses: { 204: { description: "Deleted." }, ...problemResponses(401, 403, 404, 422, 500) },
});

import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env";

/**
 * Tags group operations in references and generated SDKs; each is described once here (a
 * tag an operation uses but the document does not describe is a lint warning).
 */
const TAGS = [
	{ name: "Workflows", description: "Workflow definitions and their immutable versions." },
	{
		name: "Runs",
		description: "Start, list, read, follow, cancel and retry runs of workflows.",
	},
	{
		name: "Inputs",
		description: "People answer the INPUT nodes runs wait on (approvals and forms).",
	},
	{
		name: "Callbacks",
		description: "Jobs call back the async WEBHOOK nodes that wait for them.",
	},
	{ name: "Secrets", description: "Encrypted tenant secrets that WEBHOOK requests can use." },
	{ name: "Tenant", description: "The caller's tenant (from the token) and its settings." },
	{
		name: "API keys",
		description: "Long-lived keys with a role and scopes, for scripts and CI pipelines.",
	},
	{
		name: "Audit log",
		description: "Every write to the tenant: who, when, what and how it ended.",
	},
];

/**
 * Serves the OpenAPI 3.1 document at /openapi.json, made for client generators (openapi-typescript,
 * openapi-generator) as much as for readers: every operation has a stable operationId
 * (defineRoute), the document names its server (the deployment serving it) and a license, and it
 * passes `redocly lint` with the recommended rules (test/e2e/openapi-clients.test.ts).
 */
export function serveApiDocument(app: OpenAPIHono<AppEnv>): void {
	app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
		type: "http",
		scheme: "bearer",
		description:
			"A JWT with `tid` (tenant), `sub` and `role` claims (and optionally `scope`; `npm run token` makes one locally), or an API key `stl_…` (POST /v1/api-keys). The scopes an operation lists are what an API key, or a JWT with a `scope` claim, needs to call it.",
	});
	app.doc31("/openapi.json", () => ({
		openapi: "3.1.0",
		info: {
			title: "Stepline API",
			version: "0.1.0",
			description: "Workflow definitions and runs. Errors are RFC 9457 problem documents.",
			// No open-source license has been chosen; SPDX's LicenseRef- names one that is not listed.
			license: { name: "Proprietary", identifier: "LicenseRef-Proprietary" },
		},
		// Relative: the deployment that serves the document. One document for every deployment,
		// which a checked-in client can be compared with byte for byte.
		servers: [{ url: "/", description: "The deployment serving this document" }],
		tags: TAGS,
		security: [{ bearerAuth: [] }],
	}));
}

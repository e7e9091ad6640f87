// What a user writes with a client generated from /openapi.json: openapi-fetch typed by
// openapi-typescript's output (generated/openapi.ts, made by the test from the live document
// and never checked in). Compiled by test/e2e/openapi-clients.test.ts with no casts: if the
// document stops describing the API well enough for this, the compile fails.
import createClient from "openapi-fetch";
import type { paths } from "./generated/openapi";

/** `token`: an API key (`stl_…`) or a JWT. */
export function steplineClient(baseUrl: string, token: string) {
	return createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${token}` } });
}

type Client = ReturnType<typeof steplineClient>;

/** Creates a workflow, starts a run of it and reads the run back, as a CI script would. */
export async function createStartAndRead(client: Client, identifier: string) {
	const created = await client.POST("/v1/workflows", {
		body: {
			identifier,
			title: "Deploy from CI",
			nodes: [
				{
					identifier: "trigger",
					config: {
						type: "SELF_SERVE_TRIGGER",
						userInputs: {
							properties: { service: { type: "string" } },
							required: ["service"],
						},
					},
				},
				{ identifier: "wait", config: { type: "DELAY", duration: "1h" } },
			],
			connections: [{ identifier: "c1", sourceIdentifier: "trigger", targetIdentifier: "wait" }],
		},
	});
	if (created.error) throw new Error(`create: ${created.error.code}: ${created.error.detail}`);

	const started = await client.POST("/v1/workflows/{identifier}/runs", {
		params: {
			path: { identifier: created.data.identifier },
			header: { "idempotency-key": `ci-${identifier}` },
		},
		body: { inputs: { service: "billing" } },
	});
	if (started.error) throw new Error(`start: ${started.error.code}: ${started.error.detail}`);

	const read = await client.GET("/v1/workflows/runs/{runId}", {
		params: { path: { runId: started.data.id } },
	});
	if (read.error) throw new Error(`read: ${read.error.code}: ${read.error.detail}`);

	const listed = await client.GET("/v1/workflows/runs", {
		params: { query: { workflowIdentifiers: [identifier], limit: 10 } },
	});
	if (listed.error) throw new Error(`list: ${listed.error.code}: ${listed.error.detail}`);

	return {
		workflowVersion: created.data.version,
		runId: started.data.id,
		status: read.data.status,
		initiator: read.data.initiator,
		inputs: read.data.inputs,
		workflow: read.data.workflow.identifier,
		listedIds: listed.data.data.map((run) => run.id),
	};
}

import { defineRoute } from "../define-route";
import { json, problemResponses } from "../openapi";
import { IdentifierParam } from "../workflows/workflows.schemas";
import { DryRunBody, DryRunResult } from "./dry-run.schemas";

export const dryRunWorkflow = defineRoute({
	operationId: "dryRunWorkflow",
	scope: "workflows:read",
	audit: { skip: "A dry run changes nothing: no run is created and no request is sent." },
	method: "post",
	path: "/{identifier}/dry-run",
	tags: ["Workflows"],
	summary: "Dry-run a workflow against scripted responses (no run is created, nothing is sent)",
	description:
		"Plays the workflow with the run engine offline: every WEBHOOK call is answered from `responses`, delays and backoffs pass on the dry run's own clock. Answers the path taken, each rendered request, each condition's option values, the node results, the outputs, and whether `expect` held. Inputs are checked as a start checks them.",
	request: {
		params: IdentifierParam,
		body: { required: true, content: { "application/json": { schema: DryRunBody } } },
	},
	responses: {
		200: json(
			DryRunResult,
			"The dry run's report (also when the run failed or an expectation did not hold).",
		),
		...problemResponses(400, 401, 404, 413, 415, 422, 500),
	},
});

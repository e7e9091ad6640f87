// What a caller sends to start, retry and cancel runs, and the answers that are not a run view.
import { z } from "@hono/zod-openapi";
import { IDENTIFIER_PATTERN, jsonProblem } from "../../../engine/definition";
import { RunSummary, Scope } from "./run-view.schemas";

export const identifier = z
	.string()
	.regex(IDENTIFIER_PATTERN, "Identifiers use letters, digits, _ and -.");
/** Run inputs: a JSON object within the caps of every free-form value (256 KiB, depth 64). */
const Json = z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
	const problem = jsonProblem(value);
	if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
});

export const RunIdParam = z.object({
	runId: z
		.string()
		.regex(/^run_[0-9a-f]{32}$/, "Run ids look like run_ followed by 32 hex digits.")
		.openapi({
			param: { name: "runId", in: "path" },
			example: "run_0f8fad5bd9cb469fa16570867728950e",
		}),
});

export const WorkflowRunParams = RunIdParam.extend({
	identifier: identifier.openapi({
		param: { name: "identifier", in: "path" },
		example: "deploy_service",
	}),
});

export const WorkflowParam = z.object({
	identifier: identifier.openapi({
		param: { name: "identifier", in: "path" },
		example: "deploy_service",
	}),
});

export const StartRunBody = z
	.strictObject({
		inputs: Json.optional().openapi({ description: "Validated against the trigger's userInputs." }),
		initialContext: Json.optional().openapi({
			description: "Cortex's name for `inputs` (use one, not both).",
		}),
		runAs: z
			.string()
			.min(1)
			.max(200)
			.optional()
			.openapi({ description: "Admins only: run as this user." }),
		scope: Scope.optional(),
		notificationRecipients: z.array(z.string().min(1).max(320)).max(50).optional(),
		version: z
			.number()
			.int()
			.min(1)
			.optional()
			.openapi({ description: "Pin an older version (default: latest)." }),
		triggerIdentifier: identifier
			.optional()
			.openapi({ description: "Which trigger node starts the run." }),
	})
	.refine((body) => !(body.inputs && body.initialContext), {
		path: ["initialContext"],
		message: "Send either inputs or initialContext, not both.",
	})
	.openapi("StartRun");

/** As many runs as Cloudflare Workflows' `createBatch` takes in one call. */
export const MAX_BATCH_RUNS = 100;

export const StartRunBatchBody = z
	.strictObject({
		runs: z
			.array(StartRunBody)
			.min(1)
			.max(MAX_BATCH_RUNS)
			.openapi({ description: `1 to ${MAX_BATCH_RUNS} runs, each what \`POST …/runs\` takes.` }),
	})
	.openapi("StartRunBatch");

export const RunBatch = z
	.object({ data: z.array(RunSummary).openapi({ description: "The runs, in request order." }) })
	.openapi("RunBatch");

export const BulkCancelResult = z
	.object({
		cancelled: z.number().int(),
		alreadyFinished: z.number().int(),
		matched: z.number().int(),
	})
	.openapi("BulkCancelResult");

export const RetryBody = z
	.strictObject({
		fromNode: identifier.optional().openapi({ description: "Re-execute from this node." }),
	})
	.openapi("RetryRun");

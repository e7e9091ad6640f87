import { z } from "@hono/zod-openapi";
import { fixtureSchema } from "../../../engine/dry-run";
import { WorkflowDefinition } from "../workflows/workflows.schemas";

// The body is a fixture (engine/dry-run/fixture.ts, the same format `stepline test` reads)
// plus what to run it on: a stored version, or a definition that is not saved yet.
export const DryRunBody = z
	.lazy(() =>
		fixtureSchema.extend({
			version: z.number().int().min(1).optional().openapi({
				description: "The stored version to run (default: the latest). Not with `definition`.",
			}),
			definition: WorkflowDefinition.optional().openapi({
				description:
					"Run this definition instead of a stored one (an editor's unsaved change). Its identifier must be the one in the URL; the workflow need not exist.",
			}),
		}),
	)
	.openapi("DryRunRequest", {
		description:
			"A fixture: `inputs`, `trigger`, `startAt`, `responses` by WEBHOOK node (`node` or `node#item`: one answer or a list by attempt; `{status, body, headers, delay}` or `{error: network|timeout, delay}`) and `expect` (`result`, `path`, `outputs`, `requests` by node).",
	});

const Json = z.unknown();
const ErrorInfo = z.object({ code: z.string(), message: z.string() });
const Time = z.string().openapi({ format: "date-time" });

const DryRunRequestSent = z.object({
	node: z.string(),
	item: z.number().int().nullable(),
	attempt: z.number().int(),
	at: Time,
	method: z.string(),
	url: z.string(),
	headers: z.record(z.string(), z.string()),
	body: Json,
	answeredBy: z.string().nullable().openapi({
		description: "The `responses` key that answered, null for the default (200 `{}`).",
	}),
	answer: Json,
});

export const DryRunResult = z
	.object({
		result: z.enum(["SUCCESS", "FAILED", "CANCELLED"]).nullable(),
		error: ErrorInfo.extend({ node: z.string().nullable() }).nullable(),
		startedAt: Time,
		endedAt: Time.nullable(),
		path: z.array(z.string()).openapi({
			description: "The nodes that ran (succeeded or failed), in the order they started.",
		}),
		connections: z.object({ taken: z.array(z.string()), notTaken: z.array(z.string()) }),
		conditions: z.array(
			z.object({
				node: z.string(),
				option: z.string().nullable(),
				evaluated: z.array(
					z.object({ identifier: z.string(), expression: z.string(), value: Json }),
				),
			}),
		),
		requests: z.array(DryRunRequestSent).openapi({
			description: "Every request the run would have sent, as rendered; none was sent.",
		}),
		nodes: z.record(
			z.string(),
			z.object({
				type: z.string(),
				status: z.string(),
				result: z.string().nullable(),
				output: Json,
				error: ErrorInfo.nullable(),
			}),
		),
		outputs: Json,
		history: z.array(
			z.object({
				seq: z.number().int(),
				at: Time,
				type: z.string(),
				node: z.string().nullable(),
				item: z.number().int().nullable(),
				detail: z.string(),
			}),
		),
		stopped: z.string().nullable(),
		expectations: z.object({
			passed: z.boolean(),
			checked: z.array(z.string()),
			failures: z.array(
				z.object({ check: z.string(), message: z.string(), expected: Json, actual: Json }),
			),
		}),
	})
	.openapi("DryRunResult");

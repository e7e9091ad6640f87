import { z } from "zod";
import { MAX_CONNECTIONS, MAX_NODES } from "../constants";
import {
	descriptionSchema,
	durationSchema,
	identifierSchema,
	templatedRecordSchema,
	titleSchema,
} from "./common";
import { nodeSchema } from "./nodes";

export const connectionSchema = z.strictObject({
	identifier: identifierSchema,
	title: titleSchema.optional(),
	sourceIdentifier: identifierSchema,
	targetIdentifier: identifierSchema,
	/** Taken when this CONDITION option (or INPUT outlet) is the one chosen. */
	sourceOptionIdentifier: identifierSchema.optional(),
	/** Taken when no CONDITION option is true; at most one per node. */
	fallback: z.boolean().optional(),
	/** Taken when the source fails after its retries, which makes the failure handled. */
	onError: z.boolean().optional(),
});

/**
 * The shape of a workflow definition, without the cross-field checks. Use
 * `workflowDefinitionSchema` (shape + checks) to validate; this one exists so
 * the checks can be typed against the parsed shape.
 */
export const workflowShapeSchema = z.strictObject({
	identifier: identifierSchema,
	title: titleSchema,
	description: descriptionSchema.optional(),
	/** Anyone in the tenant may view runs, not only their initiator and admins. */
	allowAnyoneToViewRuns: z.boolean().default(false),
	/** False: API keys may not start its runs (people signed in still may, as its triggers allow). */
	runnableViaApi: z.boolean().default(true),
	nodes: z.array(nodeSchema).min(1).max(MAX_NODES),
	connections: z.array(connectionSchema).max(MAX_CONNECTIONS).default([]),
	/** The run's return value, templated over the final context; may read any node. */
	outputs: templatedRecordSchema.optional(),
	/** Whole-run timeout. */
	timeout: durationSchema.optional(),
	/** Workflow started with the failure as its input when a run fails. */
	errorWorkflow: identifierSchema.optional(),
});

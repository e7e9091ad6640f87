import { z } from "@hono/zod-openapi";
import {
	IDENTIFIER_PATTERN,
	MAX_DEFINITION_DEPTH,
	nestedDeeperThan,
	workflowDefinitionSchema,
} from "../../../engine/definition";

// The engine's schema is plain zod (the engine knows nothing of hono), so it lacks `.openapi()`;
// a lazy wrapper made with the extended `z` registers it as one named component.
export const WorkflowDefinition = z
	.lazy(() => workflowDefinitionSchema)
	.openapi("WorkflowDefinition");

export const IdentifierParam = z.object({
	identifier: z
		.string()
		.regex(
			IDENTIFIER_PATTERN,
			"Identifiers use letters, digits, _ and -, start with a letter or _, ≤ 100 chars.",
		)
		.openapi({ param: { name: "identifier", in: "path" }, example: "deploy_service" }),
});

export const VersionParam = IdentifierParam.extend({
	version: z.coerce
		.number()
		.int()
		.min(1)
		.openapi({ param: { name: "version", in: "path" }, example: 1 }),
});

export const PageQuery = z.object({
	limit: z.coerce
		.number()
		.int()
		.min(1)
		.max(100)
		.default(20)
		.openapi({ description: "Page size, 1 to 100." }),
	cursor: z
		.string()
		.max(512)
		.optional()
		.openapi({ description: "`nextCursor` from the previous page." }),
});

export const ListWorkflowsQuery = PageQuery.extend({
	search: z
		.string()
		.min(1)
		.max(200)
		.optional()
		.openapi({ description: "Substring of identifier or title." }),
});

const Metadata = {
	identifier: z.string(),
	title: z.string(),
	description: z.string().nullable(),
	version: z.number().int().openapi({ description: "The latest version number." }),
	createdAt: z.string().openapi({ format: "date-time" }),
	createdBy: z.string(),
	updatedAt: z.string().openapi({ format: "date-time" }),
	updatedBy: z.string(),
};

export const WorkflowSummary = z.object(Metadata).openapi("WorkflowSummary");

export const Workflow = z
	.object({ ...Metadata, definition: WorkflowDefinition })
	.openapi("Workflow", { description: "The latest version of a workflow, with its metadata." });

export const WorkflowList = z
	.object({ data: z.array(WorkflowSummary), nextCursor: z.string().nullable() })
	.openapi("WorkflowList");

export const WorkflowVersion = z
	.object({
		identifier: z.string(),
		version: z.number().int(),
		createdAt: z.string().openapi({ format: "date-time" }),
		createdBy: z.string(),
		definition: WorkflowDefinition,
	})
	.openapi("WorkflowVersion");

export const WorkflowVersionSummary = z
	.object({
		version: z.number().int(),
		title: z.string(),
		createdAt: z.string().openapi({ format: "date-time" }),
		createdBy: z.string(),
	})
	.openapi("WorkflowVersionSummary");

export const WorkflowVersionList = z
	.object({ data: z.array(WorkflowVersionSummary), nextCursor: z.string().nullable() })
	.openapi("WorkflowVersionList");

/** RFC 7386 merge patch of a definition: any JSON object; the merged result is validated in full. */
export const WorkflowMergePatch = z
	.record(z.string(), z.unknown())
	.superRefine((patch, ctx) => {
		// Checked before the (recursive) merge: a patch no definition could hold is a 422.
		if (nestedDeeperThan(patch, MAX_DEFINITION_DEPTH))
			ctx.addIssue({
				code: "custom",
				message: `The patch is nested deeper than ${MAX_DEFINITION_DEPTH}.`,
			});
	})
	.openapi("WorkflowMergePatch", {
		description: "JSON Merge Patch (RFC 7386) applied to the latest definition.",
	});

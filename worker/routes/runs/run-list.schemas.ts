// The runs listing's filters and pages, and the failed starts' page.
import { z } from "@hono/zod-openapi";
import { RUN_RESULTS, RUN_STATUSES, RunSummary, TRIGGER_TYPES } from "./run-view.schemas";
import { identifier } from "./runs.schemas";

/** `?workflowIdentifiers=a,b` or `?workflowIdentifiers=a&workflowIdentifiers=b`. */
const ListOfIdentifiers = z
	.union([z.string(), z.array(z.string())])
	.transform((value) =>
		(Array.isArray(value) ? value : [value]).flatMap((v) => v.split(",")).map((v) => v.trim()),
	)
	.pipe(z.array(identifier).min(1).max(50))
	.optional();

const Instant = z.iso
	.datetime({ offset: true })
	.transform((value) => Date.parse(value))
	.optional();

const workflowIdentifiers = (description: string) =>
	ListOfIdentifiers.openapi({ description, type: "array", items: { type: "string" } });

const search = z.string().min(1).max(200).optional().openapi({
	description:
		"Substring of the workflow's identifier, title or description; a run id finds that run.",
});

export const RunFilters = z.object({
	workflowIdentifiers: workflowIdentifiers(
		"Workflow identifiers: repeated (`?workflowIdentifiers=a&workflowIdentifiers=b`) or comma-separated.",
	),
	workflowIds: workflowIdentifiers("Cortex's name for `workflowIdentifiers` (use one, not both)."),
	status: z.enum(RUN_STATUSES).optional(),
	result: z.enum(RUN_RESULTS).optional(),
	initiatedBy: z.string().min(1).max(200).optional(),
	triggerType: z
		.enum(TRIGGER_TYPES)
		.optional()
		.openapi({ description: "Only runs started this way (`trigger.type`)." }),
	entityId: z.string().min(1).max(200).optional(),
	parentRunId: z
		.string()
		.regex(/^run_[0-9a-f]{32}$/, "Run ids look like run_ followed by 32 hex digits.")
		.optional()
		.openapi({ description: "Only the child runs (RUN_WORKFLOW) this run started." }),
	// By createdAt, which the index is ordered by: a queued run's startedAt comes later.
	startedAfter: Instant.openapi({
		type: "string",
		format: "date-time",
		description: "Runs requested (createdAt) at or after this time.",
	}),
	startedBefore: Instant.openapi({
		type: "string",
		format: "date-time",
		description: "Runs requested (createdAt) before this time.",
	}),
	search,
	searchQuery: search.openapi({
		description: "Cortex's name for `search` (use one, not both).",
	}),
});

/** An alias and its name both given is a 422 naming the alias, never one silently winning. */
const ALIASES = [
	["workflowIds", "workflowIdentifiers"],
	["searchQuery", "search"],
] as const;

function oneNamePerFilter(value: Record<string, unknown>, ctx: z.RefinementCtx) {
	for (const [alias, name] of ALIASES)
		if (value[alias] !== undefined && value[name] !== undefined)
			ctx.addIssue({
				code: "custom",
				path: [alias],
				message: `${alias} is another name for ${name}; send one of them.`,
				params: { code: "duplicate_filter" },
			});
}

/** The same filters as a JSON body (bulk cancel): there the identifiers are a JSON array. */
export const RunFiltersBody = RunFilters.strict()
	.superRefine(oneNamePerFilter)
	.openapi("RunFilters", {
		description:
			"`workflowIdentifiers` (or `workflowIds`) is an array here; a comma-separated string works too.",
	});

export const ListRunsQuery = RunFilters.extend({
	limit: z.coerce.number().int().min(1).max(100).default(20),
	cursor: z.string().max(512).optional().openapi({
		description: "The previous page's `nextCursor`, unchanged.",
	}),
}).superRefine(oneNamePerFilter);

export const RunList = z
	.object({
		data: z.array(RunSummary),
		nextCursor: z.string().nullable().openapi({
			description:
				"Where the next page starts; null only when no more runs match. A page that examined its limit of runs before filling may be short or empty and still carry one: keep paging.",
		}),
	})
	.openapi("RunList");

export const FailedStartsQuery = z.object({
	limit: z.coerce.number().int().min(1).max(100).default(20),
	cursor: z.string().max(512).optional().openapi({
		description: "The previous page's `nextCursor`, unchanged.",
	}),
});

export const FailedStart = z
	.object({
		id: z.string(),
		at: z.string().openapi({ format: "date-time" }),
		actor: z.string().openapi({ description: "Who tried: a user's subject, or `apikey:<id>`." }),
		workflow: z.string().openapi({ description: "The workflow identifier the start named." }),
		status: z.number().int(),
		code: z.string().openapi({
			description: "The problem's code: not_found, validation_failed, forbidden, …",
		}),
		detail: z.string(),
		requestId: z.string().openapi({ description: "The refused request's X-Request-Id." }),
	})
	.openapi("FailedStart");

export const FailedStartList = z
	.object({
		data: z.array(FailedStart),
		nextCursor: z.string().nullable().openapi({
			description:
				"Where the next page starts; null only when no more match (a page may be short or empty and still carry one).",
		}),
	})
	.openapi("FailedStartList");

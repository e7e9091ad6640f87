// A run's node runs read page by page: a forEach node's items, a node's or item's attempts.
import { z } from "@hono/zod-openapi";
import { Attempt, ItemRun } from "../runs/run-view.schemas";
import { RunIdParam } from "../runs/runs.schemas";

export const NodeRunParams = RunIdParam.extend({
	node: z
		.string()
		.min(1)
		.max(100)
		.openapi({ param: { name: "node", in: "path" }, example: "notify" }),
});

const pageQuery = (what: string, max: number) => ({
	after: z.coerce
		.number()
		.int()
		.min(0)
		.optional()
		.openapi({
			description: `Return ${what} after this one (the page's \`nextAfter\`); absent: from the first.`,
		}),
	limit: z.coerce.number().int().min(1).max(max).default(max),
});

export const ItemsQuery = z.object(pageQuery("items with an index", 100));

export const AttemptsQuery = z.object({
	item: z.coerce.number().int().min(0).optional().openapi({
		description: "A forEach item's index: its attempts instead of the node's own.",
	}),
	...pageQuery("attempts with a number", 50),
});

const pageFields = {
	nextAfter: z
		.number()
		.int()
		.nullable()
		.openapi({ description: "Pass as `after` for the next page; null: this is the last." }),
	total: z.number().int(),
};

export const ItemPage = z
	.object({ data: z.array(ItemRun), ...pageFields })
	.openapi("ItemPage", { description: "A forEach node's items, in list order." });

export const AttemptPage = z
	.object({ data: z.array(Attempt), ...pageFields })
	.openapi("AttemptPage", { description: "A node's (or item's) attempts, oldest first." });

import { z } from "@hono/zod-openapi";
import { RUN_RESULTS, RUN_STATUSES } from "../runs/run-view.schemas";

const Time = z.string().openapi({ format: "date-time" });
const Count = z.number().int().min(0);
const countsOf = <K extends string>(keys: readonly K[]) =>
	z.object(Object.fromEntries(keys.map((k) => [k, Count])) as Record<K, typeof Count>);

const Bucket = z.object({
	start: Time,
	SUCCESS: Count,
	FAILED: Count,
	CANCELLED: Count,
	unfinished: Count.openapi({ description: "Requested in this slice and not ended yet." }),
});

const Window = z.object({
	since: Time,
	total: Count,
	byStatus: countsOf(RUN_STATUSES),
	byResult: countsOf(RUN_RESULTS),
	buckets: z.array(Bucket).openapi({
		description: "Oldest first: 24 hours in the 24-hour window, 7 days in the 7-day one.",
	}),
});

const WorkflowCount = z.object({
	identifier: z.string(),
	title: z.string(),
	runs: Count,
	failed: Count,
});

export const Overview = z
	.object({
		at: Time,
		last24Hours: Window,
		last7Days: Window,
		busiest: z
			.array(WorkflowCount)
			.openapi({ description: "The five workflows with the most runs in 7 days." }),
		mostFailing: z
			.array(WorkflowCount)
			.openapi({ description: "The five workflows with the most failed runs in 7 days." }),
		concurrency: z.object({
			inProgress: Count.openapi({ description: "Runs holding a slot now (WAITING runs do not)." }),
			queued: Count,
			limit: Count.openapi({ description: "The tenant's maxConcurrentRuns." }),
		}),
	})
	.openapi("Overview", {
		description:
			"The runs you may see, counted by when they were requested (a member: their own and those of workflows that share their runs; an admin: all). Concurrency is the tenant's.",
	});

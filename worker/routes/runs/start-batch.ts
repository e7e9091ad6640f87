import type { z } from "@hono/zod-openapi";
import { type RunSummaryView, runObject, type StartRunInput } from "../../../durable-objects";
import type { Principal } from "../../auth/principal";
import { ApiError, type FieldIssue, validationFailed } from "../../errors/api-error";
import { type Replay, runIdFor } from "./run-ids";
import type { StartRunBody } from "./runs.schemas";
import { assertMayRunAs, checkStart, findTarget, type StartTarget } from "./start-run";

type Body = z.infer<typeof StartRunBody>;

/** Run ids for a batch, in order (see runIdFor: with a key, a retry addresses the same runs). */
export function batchRunIds(
	tenantId: string,
	count: number,
	replay: Replay | null,
): Promise<string[]> {
	return Promise.all(Array.from({ length: count }, (_, i) => runIdFor(tenantId, replay, i)));
}

/**
 * Starts every run of `bodies` or none: each is checked first (one D1 lookup per distinct
 * version), every problem is reported at once with its item's pointer (`/runs/3/inputs/x`),
 * and only then are the runs' objects created, all at once. Each run is then admitted by the
 * tenant's limit like any other (the rest queue).
 */
export async function startRunBatch(
	env: Env,
	principal: Principal,
	identifier: string,
	bodies: Body[],
	runIds: string[],
): Promise<RunSummaryView[]> {
	for (const body of bodies) assertMayRunAs(principal, body);
	const versions = [...new Set(bodies.map((b) => b.version ?? null))];
	const targets = new Map<number | null, StartTarget>(
		await Promise.all(
			versions.map(async (v) => {
				const pinnedBy = bodies.flatMap((b, i) => (b.version === v ? [`/runs/${i}/version`] : []));
				return [v, await findTarget(env, principal.tenantId, identifier, v, pinnedBy)] as const;
			}),
		),
	);
	const inputs: StartRunInput[] = [];
	const problems: FieldIssue[] = [];
	bodies.forEach((body, i) => {
		const target = targets.get(body.version ?? null) as StartTarget;
		const runId = runIds[i] as string;
		try {
			inputs.push(checkStart(principal, target, { identifier, body }, runId, `/runs/${i}`));
		} catch (err) {
			if (!(err instanceof ApiError && err.code === "validation_failed" && err.errors)) throw err;
			problems.push(...err.errors);
		}
	});
	if (problems.length > 0) throw validationFailed(problems);
	return Promise.all(
		inputs.map((input) => runObject(env, principal.tenantId, input.runId).start(input, "summary")),
	);
}

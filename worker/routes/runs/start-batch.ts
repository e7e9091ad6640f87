import type { z } from "@hono/zod-openapi";
import {
	newRunId,
	type RunSummaryView,
	runObject,
	type StartRunInput,
} from "../../../durable-objects";
import type { Principal } from "../../auth/principal";
import { ApiError, type FieldIssue, validationFailed } from "../../errors/api-error";
import { sha256Hex } from "../../lib/canonical-json";
import type { StartRunBody } from "./runs.schemas";
import { assertMayRunAs, checkStart, findTarget, type StartTarget } from "./start-run";

type Body = z.infer<typeof StartRunBody>;

/**
 * Run ids for a batch. With an Idempotency-Key they are derived from the key and the request's
 * fingerprint, so a retry after a failure part-way (some runs started, then a 500) addresses
 * the same run objects: `start` returns a run that already exists, and the retry starts only
 * the missing ones. A different body under the same key gets other ids (and is refused as a
 * mismatch before that). Without a key every run gets a random id, as a single start does.
 */
export async function batchRunIds(
	tenantId: string,
	count: number,
	replay: { key: string; fingerprint: string } | null,
): Promise<string[]> {
	if (!replay) return Array.from({ length: count }, newRunId);
	return Promise.all(
		Array.from({ length: count }, async (_, i) => {
			const digest = await sha256Hex(`${tenantId}\n${replay.key}\n${replay.fingerprint}\n${i}`);
			return `run_${digest.slice(0, 32)}`;
		}),
	);
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
			versions.map(
				async (v) => [v, await findTarget(env, principal.tenantId, identifier, v)] as const,
			),
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

import type { WorkflowDefinition } from "../../engine/definition";
import type { JsonObject, RunReuse, StartEvent } from "../../engine/run";

/**
 * What a run object knows besides the engine state, written once when the run is created:
 * who it belongs to and the pinned definition it runs (docs/ARCHITECTURE.md#pinned-versions: a run keeps its
 * version across later edits and deploys).
 */
export interface RunMeta {
	runId: string;
	tenantId: string;
	workflow: { id: string; identifier: string; title: string; version: number };
	definition: WorkflowDefinition;
	/** Who the run runs as: the caller, or the user an admin named in `runAs`. */
	initiator: string;
	/** Who asked for the run (the caller); differs from `initiator` only with `runAs`. */
	requestedBy: string;
	inputs: JsonObject;
	trigger?: string;
	/** Cortex-style scope: the whole tenant, or one entity. */
	scope: { type: "GLOBAL" } | { type: "ENTITY"; entityId: string };
	notificationRecipients: string[];
	/** The failed run this one retries, when started by `POST …/retry`. */
	retryOf: string | null;
	/** What a retry reuses from the run it retries (engine `StartEvent.reuse`). */
	reuse?: RunReuse;
	createdAt: number;
}

export const entityOf = (meta: Pick<RunMeta, "scope">): string | null =>
	meta.scope.type === "ENTITY" ? meta.scope.entityId : null;

/**
 * What the Worker passes to `RunObject.start`. The definition travels as plain JSON: RPC
 * stub types over the zod-inferred definition type are too deep for the type checker, and
 * the object re-reads it as the definition it validated at save time anyway.
 */
export type StartRunInput = Omit<RunMeta, "createdAt" | "definition" | "inputs" | "reuse"> & {
	definition: Record<string, unknown>;
	inputs: Record<string, unknown>;
	reuse?: Record<string, unknown>;
};

/** The stable name of a run's object: tenant-scoped, so no other tenant can address it. */
export const runObjectName = (tenantId: string, runId: string) => `${tenantId}:${runId}`;

/** Run ids are unguessable: 122 random bits from crypto.randomUUID. */
export const newRunId = (): string => `run_${crypto.randomUUID().replaceAll("-", "")}`;

/** The engine's start event for a run, from its creation record (a retry carries its reuse). */
export function startEventOf(meta: RunMeta): StartEvent {
	return {
		type: "start",
		runId: meta.runId,
		workflow: { identifier: meta.workflow.identifier, version: meta.workflow.version },
		initiator: meta.initiator,
		inputs: meta.inputs,
		...(meta.trigger ? { trigger: meta.trigger } : {}),
		...(meta.reuse ? { reuse: meta.reuse } : {}),
	};
}

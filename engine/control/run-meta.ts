import type { WorkflowDefinition } from "../definition";
import type { JsonObject, RunReuse, StartEvent } from "../run";
import type { NotificationEndpoint } from "./notification-endpoint";

/**
 * How a run started, as its view and listing row say (`trigger`): the trigger node, and what
 * set it off (a webhook delivery, a schedule tick, an event). Fixed at creation.
 */
export type RunTrigger =
	| { type: "SELF_SERVE_TRIGGER"; node: string | null }
	| { type: "WEBHOOK_TRIGGER"; node: string; deliveryId: string | null }
	| { type: "SCHEDULE_TRIGGER"; node: string; tickAt: string }
	| { type: "EVENT_TRIGGER"; node: string; eventId: string };

/**
 * What a run's object knows besides the engine state, written once when the run is created:
 * who it belongs to and the pinned definition it runs (a run keeps its version across later
 * edits and deploys: docs/ARCHITECTURE.md#pinned-versions).
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
	/** The trigger node that starts the run (engine `StartEvent.trigger`). */
	trigger?: string;
	/** How the run started; absent on runs created before triggers were recorded (API starts). */
	origin?: RunTrigger;
	/** Cortex-style scope: the whole tenant, or one entity. */
	scope: { type: "GLOBAL" } | { type: "ENTITY"; entityId: string };
	notificationRecipients: string[];
	/** The failed run this one retries, when started by `POST …/retry`. */
	retryOf: string | null;
	/** What a retry reuses from the run it retries (engine `StartEvent.reuse`). */
	reuse?: RunReuse;
	/**
	 * The tenant's default signing secret (its name) when the run started: it signs every
	 * WEBHOOK call without a `signature` of its own (engine `AdvanceEnv.signingSecret`).
	 */
	signingSecret?: string;
	/**
	 * The tenant's notification endpoints when the run started (docs/ARCHITECTURE.md#notifications);
	 * absent: none.
	 */
	notifications?: NotificationEndpoint[];
	/**
	 * Set on an error run: the failed run that started it (docs/ARCHITECTURE.md#error-workflows).
	 * An error run's own failure starts no error workflow.
	 */
	errorOf?: { runId: string; workflow: string };
	/**
	 * Set on a child run (docs/ARCHITECTURE.md#child-runs): the parent run and the RUN_WORKFLOW
	 * task that started it, and how deep it nests (a parent started from anywhere else is 0).
	 */
	parent?: ParentLink;
	/**
	 * The role the run was started with: its child runs start with it, as the same initiator.
	 * A run started `runAs` another user has the member role (its admin's say-so ends there).
	 */
	initiatorRole?: "admin" | "member" | "viewer";
	/**
	 * Set on a run started under an Idempotency-Key: the request's fingerprint, which a repeat
	 * under the same key must match (keyed-start.ts, docs/ARCHITECTURE.md#a-start).
	 */
	idempotencyFingerprint?: string;
	createdAt: number;
}

export interface ParentLink {
	runId: string;
	node: string;
	item: number | null;
	attempt: number;
	depth: number;
	/** The parent waits for this run's end (`wait: true`): the run tells it when it ends. */
	wait?: boolean;
}

/** What the Worker hands a run's object to start it: everything but the creation time. */
export type StartRunInput = Omit<RunMeta, "createdAt">;

export const entityOf = (meta: Pick<RunMeta, "scope">): string | null =>
	meta.scope.type === "ENTITY" ? meta.scope.entityId : null;

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

/** The run's `trigger` as the API shows it (runs from before `origin` were API starts). */
export const triggerOf = (meta: Pick<RunMeta, "origin" | "trigger">): RunTrigger =>
	meta.origin ?? { type: "SELF_SERVE_TRIGGER", node: meta.trigger ?? null };

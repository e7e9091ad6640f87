// The stub and view modules, not the durable-objects index: the run object starts runs through
// this file too (error workflows), and the index re-exports the run object.

import type { RunSummaryView, RunView } from "../../durable-objects/run/run-view";
import { runObject } from "../../durable-objects/stubs";
import type {
	KeyedStartAnswer,
	NotificationEndpoint,
	RunTrigger,
	StartRunInput,
} from "../../engine/control";
import type { WorkflowDefinition, WorkflowNode } from "../../engine/definition";
import type { Principal } from "../auth/principal";
import { database } from "../db/client";
import * as workflowsRepo from "../db/workflows.repo";
import { ApiError, type FieldIssue, notFound, validationFailed } from "../errors/api-error";
import { validateRunInputs } from "./inputs";
import { sealSecretInputs } from "./secret-inputs";

/**
 * Every run starts here (docs/ARCHITECTURE.md#a-start): one run, a batch, a retry. What can be
 * checked before a run exists is checked first (a 4xx, and no run is created); then the run's
 * own object is created and admitted by its tenant.
 */

/** What one start asks for: the API's `StartRunBody`, as the route validated it. */
export interface StartOptions {
	inputs?: Record<string, unknown>;
	/** Cortex's name for `inputs`. */
	initialContext?: Record<string, unknown>;
	runAs?: string;
	scope?: StartRunInput["scope"];
	notificationRecipients?: string[];
	version?: number;
	triggerIdentifier?: string;
}

export interface StartRequest {
	identifier: string;
	body: StartOptions;
	retryOf?: string;
}

/**
 * Who starts a run: a caller of the API (its token's principal: permission, runAs, the
 * self-serve trigger it names), or one of the workflow's own trigger nodes (a webhook delivery,
 * a schedule tick, an event), which the route or object that received it has already
 * authenticated. Both go through checkStart and the run's object alike: one start path.
 */
export type Starter =
	| { kind: "principal"; principal: Principal }
	| {
			kind: "trigger";
			tenantId: string;
			origin: Exclude<RunTrigger, { type: "SELF_SERVE_TRIGGER" }>;
	  };

const tenantOf = (starter: Starter) =>
	starter.kind === "principal" ? starter.principal.tenantId : starter.tenantId;

/** A workflow version a run can start on, as read from D1. */
export interface StartTarget {
	workflow: { id: string; identifier: string; title: string; version: number };
	definition: WorkflowDefinition;
	/** The tenant's default signing secret (tenant settings), read in the same query. */
	signingSecret: string | null;
	/** The tenant's notification endpoints, read in the same query; runs pin them. */
	notifications: NotificationEndpoint[];
	/** From the workflow as it is now (its latest version), whichever version starts. */
	runnableViaApi: boolean;
}

/** The version to start (the latest unless one is pinned); 404 naming what is missing. */
export async function findTarget(
	env: Env,
	tenantId: string,
	identifier: string,
	version: number | null,
	/** Where the request names `version` (a batch: every item that pins it). */
	versionPointers: string[] = ["/version"],
): Promise<StartTarget> {
	const db = database(env.DB);
	const target = await workflowsRepo.findStartTarget(db, tenantId, identifier, version);
	if (!target) {
		const exists =
			version !== null && (await workflowsRepo.findLiveWorkflow(db, tenantId, identifier));
		if (!exists) throw notFound(`Workflow "${identifier}"`);
		throw new ApiError(
			"not_found",
			`Version ${version} of workflow "${identifier}" was not found.`,
			{
				errors: versionPointers.map((pointer) => ({
					in: "body" as const,
					pointer,
					code: "unknown_version",
					message: `Workflow "${identifier}" has no version ${version}.`,
				})),
			},
		);
	}
	return {
		workflow: { id: target.id, identifier, title: target.title, version: target.version },
		runnableViaApi: target.runnableViaApi,
		definition: target.definition as unknown as WorkflowDefinition,
		signingSecret: target.signingSecret ?? null,
		notifications: parseNotifications(target.notifications),
	};
}

/**
 * Everything before a run exists is checked here (trigger, permission, inputs); any failure is
 * a 4xx and no run is created. Callers check runAs first, before the version lookup
 * (assertMayRunAs). `at` prefixes the body pointers of input errors (a batch names the item:
 * `/runs/2`).
 */
export function checkStart(
	env: Pick<Env, "SECRETS_MASTER_KEY">,
	starter: Starter,
	target: StartTarget,
	request: StartRequest,
	runId: string,
	at = "",
): StartRunInput {
	const { body } = request;
	// runnableViaApi is about API callers: a workflow's own trigger nodes always start it.
	if (starter.kind === "principal")
		assertRunnableBy(starter.principal, target.workflow.identifier, target.runnableViaApi);
	const trigger =
		starter.kind === "principal"
			? pickTrigger(target.definition, body.triggerIdentifier, at)
			: triggerNode(target.definition, starter.origin);
	if (starter.kind === "principal") assertMayExecute(starter.principal, trigger);
	const field = body.initialContext !== undefined ? "initialContext" : "inputs";
	const inputs = checkInputs(env, tenantOf(starter), target, trigger, {
		inputs: body.inputs ?? body.initialContext ?? {},
		at: `${at}/${field}`,
	});
	// A trigger node runs as itself (`webhook:deploy_hook`): no user asked for the run.
	const actor =
		starter.kind === "principal"
			? starter.principal.subject
			: `${ACTOR_PREFIX[starter.origin.type]}:${trigger.identifier}`;
	return {
		runId,
		tenantId: tenantOf(starter),
		workflow: target.workflow,
		definition: target.definition,
		...pinnedSettings(target),
		initiator: body.runAs ?? actor,
		requestedBy: actor,
		// What the initiator may run as a child (RUN_WORKFLOW): the caller's role, a member's
		// for runAs and trigger starts.
		initiatorRole:
			starter.kind === "principal" && body.runAs === undefined ? starter.principal.role : "member",
		inputs,
		trigger: trigger.identifier,
		origin:
			starter.kind === "principal"
				? { type: "SELF_SERVE_TRIGGER", node: trigger.identifier }
				: starter.origin,
		scope: body.scope ?? { type: "GLOBAL" },
		notificationRecipients: body.notificationRecipients ?? [],
		retryOf: request.retryOf ?? null,
	};
}

const ACTOR_PREFIX = {
	WEBHOOK_TRIGGER: "webhook",
	SCHEDULE_TRIGGER: "schedule",
	EVENT_TRIGGER: "event",
} as const;

/** The trigger node that fired, as the latest version has it (a save may have changed it since). */
function triggerNode(definition: WorkflowDefinition, origin: { type: string; node: string }) {
	const node = definition.nodes.find(
		(n) => n.identifier === origin.node && n.config.type === origin.type,
	);
	if (node) return node;
	throw new ApiError("not_found", `The ${origin.type} "${origin.node}" no longer exists.`);
}

/**
 * Starts one run as `runId` (see runIdFor): the version lookup, the checks, then the run's own
 * object. A run that already exists under that id is answered as it stands.
 */
export async function startRun(
	env: Env,
	starter: Starter,
	request: StartRequest,
	runId: string,
	/** The version already read (a webhook's lookup reads it with the hook); else looked up. */
	known?: StartTarget,
): Promise<RunView> {
	const input = await prepareStart(env, starter, request, runId, known);
	return runObject(env, input.tenantId, input.runId).start(input);
}

/**
 * `startRun` under an Idempotency-Key: `runId` names the key's object (see runIdFor), which
 * answers repeats of the request itself (docs/ARCHITECTURE.md#a-start). A request that fails its
 * checks throws as `startRun` does: nothing was asked of the object.
 */
export async function startKeyedRun(
	env: Env,
	starter: Starter,
	request: StartRequest,
	runId: string,
	fingerprint: string,
): Promise<KeyedStartAnswer<RunView>> {
	const input = await prepareStart(env, starter, request, runId);
	return runObject(env, input.tenantId, input.runId).startKeyed(fingerprint, input);
}

/** The version lookup and the checks: what a run's object is handed to start it. */
async function prepareStart(
	env: Env,
	starter: Starter,
	request: StartRequest,
	runId: string,
	known?: StartTarget,
): Promise<StartRunInput> {
	if (starter.kind === "principal") assertMayRunAs(starter.principal, request.body);
	const version = request.body.version ?? null;
	const target = known ?? (await findTarget(env, tenantOf(starter), request.identifier, version));
	return checkStart(env, starter, target, request, runId);
}

/**
 * Starts every run of `bodies` or none: each is checked first (one D1 lookup per distinct
 * version), every problem is reported at once with its item's pointer (`/runs/3/inputs/x`),
 * and only then are the runs' objects created, all at once. Each run is then admitted by the
 * tenant's limit like any other (the rest queue).
 */
export async function startRuns(
	env: Env,
	principal: Principal,
	identifier: string,
	bodies: StartRequest["body"][],
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
			inputs.push(
				checkStart(
					env,
					{ kind: "principal", principal },
					target,
					{ identifier, body },
					runId,
					`/runs/${i}`,
				),
			);
		} catch (err) {
			if (!(err instanceof ApiError && err.code === "validation_failed" && err.errors)) throw err;
			problems.push(...err.errors);
		}
	});
	if (problems.length > 0) throw validationFailed(problems);
	return Promise.all(
		inputs.map((input) => runObject(env, input.tenantId, input.runId).startSummary(input)),
	);
}

/**
 * Retries run `runId` as a new run `retryId`: the same pinned version and inputs, reusing what
 * succeeded (engine `planRetry`, asked of the earlier run's object), started like any run by
 * someone who may execute its trigger, and linked both ways.
 */
export async function retryRun(
	env: Env,
	principal: Principal,
	runId: string,
	fromNode: string | null,
	retryId: string,
): Promise<RunView> {
	const earlier = runObject(env, principal.tenantId, runId);
	const retry = await earlier.retryInput(fromNode);
	// Well formed, but the run's state does not allow it (still running, succeeded).
	if (retry.kind === "refused")
		throw new ApiError("conflict", `This run cannot be retried: ${retry.reason}.`);
	const { start } = retry;
	// A run a webhook, schedule or event started is retried under its own trigger node.
	const node = start.definition.nodes.find(
		(n) => n.identifier === start.trigger && n.config.type.endsWith("_TRIGGER"),
	);
	assertMayExecute(principal, node ?? pickTrigger(start.definition, start.trigger, ""));
	// A deleted workflow runs no more, not even by retry (its runs stay readable).
	const live = await workflowsRepo.findLiveWorkflow(
		database(env.DB),
		principal.tenantId,
		start.workflow.identifier,
	);
	if (live?.id !== start.workflow.id)
		throw new ApiError(
			"conflict",
			`This run cannot be retried: workflow "${start.workflow.identifier}" was deleted since.`,
		);
	assertRunnableBy(principal, live.identifier, live.runnableViaApi);
	const run = await runObject(env, principal.tenantId, retryId).start({
		...start,
		runId: retryId,
		initiator: principal.subject,
		requestedBy: principal.subject,
		initiatorRole: principal.role,
	});
	await earlier.recordRetry(retryId);
	return run;
}

/**
 * The inputs against the trigger's `userInputs`, defaults applied, then its secret inputs sealed:
 * nothing past this point sees a secret input's value. A 422 names each field (under `at`).
 */
export function checkInputs(
	env: Pick<Env, "SECRETS_MASTER_KEY">,
	tenantId: string,
	target: StartTarget,
	trigger: WorkflowNode,
	given: { inputs: unknown; at: string },
) {
	const { at } = given;
	const checked = validateRunInputs(
		(trigger.config as { userInputs?: Record<string, unknown> }).userInputs,
		given.inputs,
	);
	if (checked.ok)
		return sealSecretInputs(env, tenantId, target.workflow.identifier, trigger, checked.inputs);
	throw validationFailed(
		checked.errors.map((e) => ({
			in: "body" as const,
			pointer: `${at}${e.pointer}`,
			code: "invalid_input",
			message: e.message,
		})),
	);
}

/** The API starts self-serve triggers; the default is the first one. */
export function pickTrigger(
	definition: WorkflowDefinition,
	wanted: string | undefined,
	at: string,
): WorkflowNode {
	const selfServe = definition.nodes.filter((n) => n.config.type === "SELF_SERVE_TRIGGER");
	if (wanted === undefined) {
		const first = selfServe[0];
		if (first) return first;
		throw validationFailed([
			{
				in: "body",
				pointer: at,
				code: "no_self_serve_trigger",
				message: "This workflow has no SELF_SERVE_TRIGGER, so it cannot be started from the API.",
			},
		]);
	}
	const found = selfServe.find((n) => n.identifier === wanted);
	if (found) return found;
	throw validationFailed([
		{
			in: "body",
			pointer: `${at}/triggerIdentifier`,
			code: "unknown_trigger",
			message: `No SELF_SERVE_TRIGGER node "${wanted}" in this version; self-serve triggers: ${selfServe.map((n) => n.identifier).join(", ") || "none"}.`,
		},
	]);
}

/**
 * A workflow with `runnableViaApi: false` refuses API keys (403 not_runnable_via_api), for
 * starts and retries alike; people signed in with a JWT (the admin page, a user's token) still
 * start it as its triggers' permissions allow. Like Cortex's "Runnable via API" switch, it
 * keeps scripts away from workflows meant to be run by people.
 */
export function assertRunnableBy(
	principal: Principal,
	identifier: string,
	runnableViaApi: boolean,
): void {
	if (principal.credential.kind === "api_key" && !runnableViaApi)
		throw new ApiError(
			"not_runnable_via_api",
			`Workflow "${identifier}" is not runnable via API (runnableViaApi: false): API keys may not start or retry its runs.`,
		);
}

/** Checked before the version lookup too, so a member's runAs is 403 even for a missing workflow. */
export function assertMayRunAs(principal: Principal, body: StartRequest["body"]): void {
	if (body.runAs !== undefined && principal.role !== "admin") {
		throw new ApiError("forbidden", "Only admins may start a run as another user (runAs).");
	}
}

/**
 * A trigger's permission policy names roles and users; without one, members and admins may
 * execute. A retry starts the run's trigger again, so it needs the same permission a start does.
 */
export function assertMayExecute(
	principal: Pick<Principal, "subject" | "role">,
	trigger: WorkflowNode,
): void {
	const policy = (trigger.config as { permissions?: { roles?: string[]; users?: string[] } })
		.permissions;
	const allowed = policy
		? (policy.roles ?? []).includes(principal.role) ||
			(policy.users ?? []).includes(principal.subject)
		: principal.role !== "viewer";
	if (!allowed && principal.role !== "admin") {
		throw new ApiError(
			"forbidden",
			`You may not execute this workflow's trigger "${trigger.identifier}".`,
		);
	}
}

/**
 * The tenant settings a run keeps from its start: the default signing secret and the
 * notification endpoints (docs/ARCHITECTURE.md#notifications).
 */
export const pinnedSettings = (target: Pick<StartTarget, "signingSecret" | "notifications">) => ({
	...(target.signingSecret === null ? {} : { signingSecret: target.signingSecret }),
	...(target.notifications.length === 0 ? {} : { notifications: target.notifications }),
});

/** The stored `notifications` setting as read by json_extract (JSON text; null when unset). */
export function parseNotifications(text: string | null): NotificationEndpoint[] {
	if (text === null) return [];
	const parsed = JSON.parse(text) as unknown;
	return Array.isArray(parsed) ? (parsed as NotificationEndpoint[]) : [];
}

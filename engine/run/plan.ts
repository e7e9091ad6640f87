/**
 * `prepare(definition)` → Plan: per-definition indexes computed once (O(nodes + connections))
 * so that each step touches only the nodes it changes. A definition version is immutable,
 * so the shell caches one Plan per (workflow, version) for as long as it likes.
 */
import type { Connection, WorkflowDefinition, WorkflowNode } from "../definition";
import {
	DEFAULT_FOREACH_CONCURRENCY,
	graphOf,
	isTriggerType,
	secretsReadBy,
	tryParseDuration,
} from "../definition";
import { NO_RETRY, RETRY_DEFAULTS, type RetryPolicy } from "./retry";

export const DEFAULT_ATTEMPT_TIMEOUT_MS = 30_000;
export const MAX_FOREACH_ITEMS = 1_000;

/** What the engine does with a node, decided once from its config. */
export type NodeKind =
	| { kind: "trigger" }
	/** `async`: `synchronized: false`, the attempt ends with a callback (callback.ts). */
	| { kind: "webhook"; async: boolean }
	| { kind: "condition" }
	| { kind: "delay" }
	| { kind: "run_workflow"; wait: boolean }
	/** Waits for people's responses (input.ts). */
	| { kind: "input" }
	| { kind: "unsupported"; why: string };

export interface PlannedNode {
	id: string;
	node: WorkflowNode;
	kind: NodeKind;
	incoming: readonly Connection[];
	outgoing: readonly Connection[];
	joinStrategy: "all" | "any";
	/** An attempt's request: abort it and time it out after this long. */
	timeoutMs: number;
	/**
	 * An async WEBHOOK's `timeout`: the whole attempt, request and callback, must end within it
	 * (then it is retried or fails like a timed-out call). Null: the callback is waited for until
	 * the run's own timeout or a cancel.
	 */
	callbackTimeoutMs: number | null;
	/** An INPUT's `timeout.after`: the request leaves through `timeout.outlet` then. */
	inputTimeoutMs: number | null;
	/**
	 * A RUN_WORKFLOW's `timeout` with `wait: true`: how long the attempt waits for its child to
	 * end (then the child is cancelled and the attempt retried or failed like a timed-out call).
	 * Null: until the run's own timeout or a cancel.
	 */
	childTimeoutMs: number | null;
	startDelayMs: number;
	retry: RetryPolicy;
	/** `retry.until`: a successful answer is tried again until this JQ condition is true. */
	retryUntil: string | null;
	forEach: { items: string; concurrency: number } | null;
	/** Tenant secrets its request names (`.secrets.NAME`), sorted; empty for other nodes. */
	secrets: readonly string[];
	/** The tenant secret its `signature` names (Standard Webhooks), else null (see AdvanceEnv.signingSecret). */
	signature: string | null;
	/** A duration that does not parse (save-time checks should prevent it); fails the node. */
	configError: string | null;
}

export interface Plan {
	definition: WorkflowDefinition;
	nodes: ReadonlyMap<string, PlannedNode>;
	/** Node ids in definition order (used only by start and the terminal transition). */
	order: readonly string[];
	triggers: readonly string[];
	/**
	 * Every tenant secret the run may need, sorted: the shell reads these before each step that
	 * can send a request (AdvanceEnv.secrets). Empty for most workflows, which then read none.
	 */
	secretNames: readonly string[];
	workflowTimeoutMs: number | null;
	/** A workflow-level duration that does not parse. */
	configError: string | null;
}

export function prepare(definition: WorkflowDefinition): Plan {
	const graph = graphOf(definition);
	const nodes = new Map<string, PlannedNode>();
	const order: string[] = [];
	for (const node of definition.nodes) {
		if (nodes.has(node.identifier)) continue;
		order.push(node.identifier);
		nodes.set(node.identifier, planNode(node, graph));
	}
	const timeout = durationOrNull(definition.timeout, "timeout");
	const secretNames = new Set(
		[...nodes.values()].flatMap((n) =>
			n.signature === null ? n.secrets : [...n.secrets, n.signature],
		),
	);
	return {
		definition,
		nodes,
		order,
		triggers: graph.triggers,
		secretNames: [...secretNames].sort(),
		workflowTimeoutMs: timeout.ms,
		configError: timeout.error,
	};
}

function planNode(node: WorkflowNode, graph: ReturnType<typeof graphOf>): PlannedNode {
	const errors: string[] = [];
	const timeout = durationOrNull(node.timeout, "timeout");
	const startDelay = durationOrNull(node.startDelay, "startDelay");
	const retry = retryPolicy(node, errors);
	const inputTimeout = durationOrNull(
		node.config.type === "INPUT" ? node.config.timeout?.after : undefined,
		"config.timeout.after",
	);
	for (const e of [timeout.error, startDelay.error, inputTimeout.error])
		if (e !== null) errors.push(e);
	const forEach =
		node.forEach === undefined
			? null
			: typeof node.forEach === "string"
				? { items: node.forEach, concurrency: DEFAULT_FOREACH_CONCURRENCY }
				: { items: node.forEach.items, concurrency: node.forEach.concurrency };
	const kind = kindOf(node);
	const isAsync = kind.kind === "webhook" && kind.async;
	return {
		id: node.identifier,
		node,
		kind,
		incoming: (graph.incoming.get(node.identifier) ?? []).map((e) => e.connection),
		outgoing: (graph.outgoing.get(node.identifier) ?? []).map((e) => e.connection),
		joinStrategy: node.joinStrategy ?? "all",
		// An async call's request gets the usual bound; its `timeout` covers the wait for the callback.
		timeoutMs: isAsync
			? Math.min(timeout.ms ?? DEFAULT_ATTEMPT_TIMEOUT_MS, DEFAULT_ATTEMPT_TIMEOUT_MS)
			: (timeout.ms ?? DEFAULT_ATTEMPT_TIMEOUT_MS),
		callbackTimeoutMs: isAsync ? timeout.ms : null,
		inputTimeoutMs: inputTimeout.ms,
		childTimeoutMs: kind.kind === "run_workflow" && kind.wait ? timeout.ms : null,
		startDelayMs: startDelay.ms ?? 0,
		retry,
		retryUntil: node.retry?.until ?? null,
		forEach,
		secrets: node.config.type === "WEBHOOK" ? secretsReadBy(node) : [],
		signature: node.config.type === "WEBHOOK" ? (node.config.signature?.secret ?? null) : null,
		configError: errors.length > 0 ? errors.join("; ") : null,
	};
}

function kindOf(node: WorkflowNode): NodeKind {
	const config = node.config;
	if (isTriggerType(config.type)) return { kind: "trigger" };
	switch (config.type) {
		case "WEBHOOK":
			return { kind: "webhook", async: !config.synchronized };
		case "CONDITION":
			return { kind: "condition" };
		case "DELAY":
			return { kind: "delay" };
		case "INPUT":
			return { kind: "input" };
		case "RUN_WORKFLOW":
			return { kind: "run_workflow", wait: config.wait };
		default:
			return { kind: "unsupported", why: `node type ${config.type} is not supported` };
	}
}

function retryPolicy(node: WorkflowNode, errors: string[]): RetryPolicy {
	const retry = node.retry;
	if (retry === undefined) return NO_RETRY;
	const initial = durationOrNull(retry.initialDelay, "retry.initialDelay");
	const max = durationOrNull(retry.maxDelay, "retry.maxDelay");
	for (const e of [initial.error, max.error]) if (e !== null) errors.push(e);
	return {
		maxAttempts: retry.maxAttempts,
		backoff: retry.backoff,
		initialDelayMs: initial.ms ?? RETRY_DEFAULTS.initialDelayMs,
		maxDelayMs: Math.max(max.ms ?? RETRY_DEFAULTS.maxDelayMs, initial.ms ?? 0),
		retryOn: retry.retryOn ?? null,
	};
}

function durationOrNull(
	value: string | undefined,
	field: string,
): { ms: number | null; error: string | null } {
	if (value === undefined) return { ms: null, error: null };
	const parsed = tryParseDuration(value);
	return parsed.ok
		? { ms: parsed.ms, error: null }
		: { ms: null, error: `${field}: ${parsed.reason}` };
}

export function plannedNode(plan: Plan, id: string): PlannedNode {
	const planned = plan.nodes.get(id);
	// Node ids in the state come from the same pinned definition, so this cannot miss.
	if (planned === undefined) throw new Error(`node ${id} is not in the pinned definition`);
	return planned;
}

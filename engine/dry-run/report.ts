/**
 * What a dry run tells its reader: the path taken, every request as rendered, each
 * condition's option values, the node results and the run's outputs. Built from the played
 * run after the fact, so the runner stays a plain event loop.
 */
import { type ConditionConfig, upstreamOf, type WorkflowDefinition } from "../definition";
import {
	contextFor,
	type ErrorInfo,
	evaluateExpression,
	type HistoryEvent,
	type JsonValue,
	type NodeResult,
	type NodeStatus,
	type RunResult,
	type RunState,
} from "../run";
import type { FixtureResponse } from "./fixture";
import type { PlayedCall, PlayedRun } from "./runner";

export interface DryRunRequest {
	node: string;
	/** forEach item index, null for a node without forEach. */
	item: number | null;
	attempt: number;
	/** When it was sent, on the dry run's clock (ISO 8601). */
	at: string;
	method: string;
	url: string;
	/** Exactly what would be sent, Idempotency-Key and Content-Type included. */
	headers: Record<string, string>;
	/** Parsed when JSON was sent, the text otherwise, null without a body. */
	body: JsonValue;
	/** The fixture key that answered ("notify", "notify#2"); null: the default 200 `{}`. */
	answeredBy: string | null;
	answer: FixtureResponse;
}

export interface DryRunCondition {
	node: string;
	/** The option that matched, null when none did. */
	option: string | null;
	/** The options in the order they were evaluated, up to the one that matched. */
	evaluated: Array<{ identifier: string; expression: string; value: JsonValue }>;
}

export interface DryRunNode {
	type: string;
	status: NodeStatus;
	result: NodeResult | null;
	output: JsonValue;
	error: ErrorInfo | null;
}

export interface DryRunReport {
	result: RunResult | null;
	error: (ErrorInfo & { node: string | null }) | null;
	startedAt: string;
	endedAt: string | null;
	/** The nodes that ran (succeeded or failed), in the order they started. */
	path: string[];
	connections: { taken: string[]; notTaken: string[] };
	conditions: DryRunCondition[];
	requests: DryRunRequest[];
	nodes: Record<string, DryRunNode>;
	outputs: JsonValue;
	history: Array<{
		seq: number;
		at: string;
		type: HistoryEvent["type"];
		node: string | null;
		item: number | null;
		detail: string;
	}>;
	/** Why the dry run could not finish, when it could not. */
	stopped: string | null;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function buildReport(definition: WorkflowDefinition, played: PlayedRun): DryRunReport {
	const { state, history } = played;
	const header = state.header;
	return {
		result: header.result,
		error: header.error,
		startedAt: iso(played.startedAt),
		endedAt: header.endedAt === null ? null : iso(header.endedAt),
		path: pathOf(state, history),
		connections: {
			taken: connectionsIn(state, "TAKEN"),
			notTaken: connectionsIn(state, "NOT_TAKEN"),
		},
		conditions: conditionsOf(definition, state, history),
		requests: played.calls.map(requestOf),
		nodes: Object.fromEntries(
			Object.entries(state.nodes).map(([id, n]) => [
				id,
				{ type: n.type, status: n.status, result: n.result, output: n.output, error: n.error },
			]),
		),
		outputs: header.outputs,
		history: history.map((h) => ({
			seq: h.seq,
			at: iso(h.time),
			type: h.type,
			node: h.node,
			item: h.item,
			detail: h.detail,
		})),
		stopped: played.stopped,
	};
}

const RAN: ReadonlySet<NodeResult | null> = new Set(["SUCCESS", "FAILED"]);
const NODE_BEGINS = new Set(["node_started", "node_succeeded", "node_failed", "node_reused"]);

function pathOf(state: RunState, history: HistoryEvent[]): string[] {
	const path: string[] = [];
	for (const h of history) {
		if (h.node === null || h.item !== null || !NODE_BEGINS.has(h.type) || path.includes(h.node))
			continue;
		path.push(h.node);
	}
	return path.filter((node) => RAN.has(state.nodes[node]?.result ?? null));
}

function connectionsIn(state: RunState, kind: "TAKEN" | "NOT_TAKEN"): string[] {
	return Object.entries(state.connections)
		.filter(([, v]) => v === kind)
		.map(([id]) => id)
		.sort();
}

/**
 * Each CONDITION's options evaluated again, over the context it saw: the inputs and the
 * outputs of the nodes upstream of it (the only ones an option may read, checked when the
 * definition is saved), at the time it ran. The engine stopped at the first true option, so
 * this does too.
 */
function conditionsOf(
	definition: WorkflowDefinition,
	state: RunState,
	history: HistoryEvent[],
): DryRunCondition[] {
	return history
		.filter((h) => h.type === "condition_evaluated" && h.node !== null)
		.map((h) => {
			const node = h.node as string;
			const config = definition.nodes.find((n) => n.identifier === node)?.config as ConditionConfig;
			const upstream = upstreamOf(definition, node);
			const seen: RunState = {
				...state,
				nodes: Object.fromEntries(Object.entries(state.nodes).filter(([id]) => upstream.has(id))),
			};
			const context = contextFor(seen);
			const output = state.nodes[node]?.output as { option?: string | null } | null;
			const option = output?.option ?? null;
			const evaluated: DryRunCondition["evaluated"] = [];
			for (const o of config.options) {
				const result = evaluateExpression(o.expression, context, h.time);
				evaluated.push({
					identifier: o.identifier,
					expression: o.expression,
					value: result.ok ? result.value : null,
				});
				if (o.identifier === option) break;
			}
			return { node, option, evaluated };
		});
}

function requestOf(call: PlayedCall): DryRunRequest {
	const { effect } = call;
	const { request } = effect;
	return {
		node: effect.node,
		item: effect.item,
		attempt: effect.attempt,
		at: iso(call.at),
		method: request.method,
		url: request.url,
		headers: request.headers,
		body: bodyOf(request.body, request.headers),
		answeredBy: call.answeredBy,
		answer: call.answer,
	};
}

function bodyOf(body: string | null, headers: Record<string, string>): JsonValue {
	if (body === null) return null;
	const type = Object.entries(headers).find(([name]) => name.toLowerCase() === "content-type")?.[1];
	if (type === undefined || !/json/i.test(type)) return body;
	try {
		return JSON.parse(body) as JsonValue;
	} catch {
		return body;
	}
}

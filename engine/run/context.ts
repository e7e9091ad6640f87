/**
 * The template context `{ inputs, outputs, run, item, index, response, secrets }`.
 *
 * `outputs` is derived from node rows (every SUCCESS node's output). Building it scans all
 * nodes, so it is built once per state object and then kept up to date as nodes succeed.
 * After eviction the shell hands in a new state object, the cache misses once and is
 * rebuilt from the rows: same values, so behaviour is identical.
 */
import type { JsonObject, JsonValue } from "./json";
import type { RunState } from "./state";

const outputsCache = new WeakMap<RunState, JsonObject>();

export function outputsOf(state: RunState): JsonObject {
	const cached = outputsCache.get(state);
	if (cached !== undefined) return cached;
	const outputs: JsonObject = {};
	for (const [id, run] of Object.entries(state.nodes)) {
		if (run.result === "SUCCESS") outputs[id] = run.output;
	}
	outputsCache.set(state, outputs);
	return outputs;
}

/** Called when a node succeeds, so the cache never needs a rescan. */
export function recordOutput(state: RunState, node: string, output: JsonValue): void {
	outputsOf(state)[node] = output;
}

export interface ContextExtras {
	item?: JsonValue;
	index?: number;
	response?: JsonValue;
}

export function contextFor(state: RunState, extras: ContextExtras = {}): JsonObject {
	const h = state.header;
	const context: JsonObject = {
		inputs: h.inputs,
		outputs: outputsOf(state),
		run: {
			id: h.runId,
			workflow: h.workflow.identifier,
			version: h.workflow.version,
			initiator: h.initiator,
			startedAt: h.startedAt === null ? null : new Date(h.startedAt).toISOString(),
		},
		// Secrets arrive with the secrets store (docs/ARCHITECTURE.md#tenancy-and-permissions); until then templates see none.
		secrets: {},
	};
	if (extras.item !== undefined) context.item = extras.item;
	if (extras.index !== undefined) context.index = extras.index;
	if (extras.response !== undefined) context.response = extras.response;
	return context;
}

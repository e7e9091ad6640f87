/**
 * The template context `{ inputs, outputs, run, item, index, response, secrets }`.
 *
 * `outputs` is derived from node rows (every SUCCESS node's output). Building it scans all
 * nodes, so it is built once per state object and then kept up to date as nodes succeed.
 * After eviction the shell hands in a new state object, the cache misses once and is
 * rebuilt from the rows: same values, so behaviour is identical.
 *
 * Sealed values (sealing.ts) are shown by who reads: a WEBHOOK request sees them opened, any
 * other template of a node sees masked outputs opened and secret inputs REDACTED, the
 * workflow's outputs (and the record of a request) see both REDACTED, a masked output with
 * its shape kept. A run without sealed values (most) pays nothing.
 */
import type { ValueSealer } from "../crypto/sealed";
import type { JsonObject, JsonValue } from "./json";
import { REDACTED } from "./masking";
import {
	inputPlace,
	isSealed,
	type Opened,
	openSealed,
	outputPlace,
	type Reader,
	type SealedValue,
} from "./sealing";
import type { RunState } from "./state";

/** Who reads the context, and the key to open sealed values with (AdvanceEnv.sealer). */
export interface ContextAccess {
	reader: Reader;
	sealer?: ValueSealer;
}

const NODE: ContextAccess = { reader: "node" };

interface View {
	inputs: JsonObject;
	outputs: JsonObject;
	/** Sealed values this reader should see but that did not open, with why. */
	unopened: string[];
}

interface Cache {
	/** Every SUCCESS node's output, as stored (sealed ones sealed). */
	outputs: JsonObject;
	/** Whether any input or output is sealed; false for most runs, whose views are the rows. */
	sealed: boolean;
	views: Map<Reader, View>;
	/** Opened values by their sealed text: opening costs a decryption. */
	opened: Map<string, Opened>;
}

const caches = new WeakMap<RunState, Cache>();

function cacheOf(state: RunState): Cache {
	let cache = caches.get(state);
	if (cache !== undefined) return cache;
	const outputs: JsonObject = {};
	for (const [id, run] of Object.entries(state.nodes)) {
		if (run.result === "SUCCESS") outputs[id] = run.output;
	}
	const sealed =
		hasSealedMember(state.header.inputs) ||
		Object.values(outputs).some((o) => isSealed(o) || hasSealedMember(o));
	cache = { outputs, sealed, views: new Map(), opened: new Map() };
	caches.set(state, cache);
	return cache;
}

/** Every SUCCESS node's output as stored, by node. */
export function outputsOf(state: RunState): JsonObject {
	return cacheOf(state).outputs;
}

/** Called when a node succeeds, so the cache never needs a rescan. */
export function recordOutput(state: RunState, node: string, output: JsonValue): void {
	const cache = cacheOf(state);
	cache.outputs[node] = output;
	if (isSealed(output) || hasSealedMember(output)) cache.sealed = true;
	// Views are rebuilt on next use: cheap (sealed values are opened once, see `opened`).
	if (cache.sealed) cache.views.clear();
}

export interface ContextExtras {
	item?: JsonValue;
	index?: number;
	response?: JsonValue;
}

export function contextFor(
	state: RunState,
	extras: ContextExtras = {},
	access: ContextAccess = NODE,
): JsonObject {
	const h = state.header;
	const view = viewOf(state, access);
	const context: JsonObject = {
		inputs: view.inputs,
		outputs: view.outputs,
		run: {
			id: h.runId,
			workflow: h.workflow.identifier,
			version: h.workflow.version,
			initiator: h.initiator,
			startedAt: h.startedAt === null ? null : new Date(h.startedAt).toISOString(),
		},
		// Only a request's context gets its secrets (webhook.ts adds them).
		secrets: {},
	};
	if (extras.item !== undefined) context.item = extras.item;
	if (extras.index !== undefined) context.index = extras.index;
	if (extras.response !== undefined) context.response = extras.response;
	return context;
}

/** Whether the run holds any sealed value (most runs hold none). */
export function hasSealedValues(state: RunState): boolean {
	return cacheOf(state).sealed;
}

/**
 * Why some sealed value this reader should see did not open (its key left the ring, it was
 * tampered with), or null. A request must not go out with REDACTED in place of a password.
 */
export function unopenedFor(state: RunState, access: ContextAccess): string | null {
	const { unopened } = viewOf(state, access);
	return unopened.length === 0 ? null : unopened.join("; ");
}

/** The secret inputs' values, opened: the masker hides them wherever they turn up. */
export function secretInputValues(state: RunState, sealer: ValueSealer | undefined): JsonValue[] {
	const cache = cacheOf(state);
	if (!cache.sealed) return [];
	const { inputs } = viewOf(state, { reader: "request", sealer });
	return Object.entries(state.header.inputs)
		.filter(([, v]) => isSealed(v))
		.map(([k]) => inputs[k] ?? null);
}

function viewOf(state: RunState, access: ContextAccess): View {
	const cache = cacheOf(state);
	if (!cache.sealed) return { inputs: state.header.inputs, outputs: cache.outputs, unopened: [] };
	let view = cache.views.get(access.reader);
	if (view === undefined) {
		view = buildView(state, cache, access);
		cache.views.set(access.reader, view);
	}
	return view;
}

function buildView(state: RunState, cache: Cache, { reader, sealer }: ContextAccess): View {
	const workflow = state.header.workflow.identifier;
	const unopened: string[] = [];
	const open = (sealed: SealedValue, place: string): JsonValue => {
		let opened = cache.opened.get(sealed.$sealed);
		if (opened === undefined) {
			opened = openSealed(sealer, sealed, place);
			cache.opened.set(sealed.$sealed, opened);
		}
		if (opened.ok) return opened.value;
		unopened.push(`${place}: ${opened.why}`);
		return REDACTED;
	};
	// Secret inputs: opened for a request only. The trigger's output is the inputs object.
	const inputsFor = (value: JsonObject): JsonObject => {
		if (!hasSealedMember(value)) return value;
		const out: JsonObject = {};
		for (const [k, v] of Object.entries(value)) {
			out[k] = !isSealed(v)
				? v
				: reader === "request"
					? open(v, inputPlace(workflow, k))
					: REDACTED;
		}
		return out;
	};
	const inputs = inputsFor(state.header.inputs);
	const outputs: JsonObject = {};
	for (const [node, output] of Object.entries(cache.outputs)) {
		if (output === state.header.inputs) outputs[node] = inputs;
		else if (isSealed(output)) {
			const opened = open(output, outputPlace(workflow, node));
			// Its shape stays, so `.outputs.node.field` reads "[REDACTED]" rather than failing.
			outputs[node] = reader === "workflow" ? redactLeaves(opened) : opened;
		} else outputs[node] = hasSealedMember(output) ? inputsFor(output as JsonObject) : output;
	}
	return { inputs, outputs, unopened };
}

/** The value with every string, number and boolean in it REDACTED, keys and shape kept. */
function redactLeaves(value: JsonValue): JsonValue {
	if (value === null) return null;
	if (Array.isArray(value)) return value.map(redactLeaves);
	if (typeof value === "object") {
		const out: JsonObject = {};
		for (const [k, v] of Object.entries(value)) out[k] = redactLeaves(v);
		return out;
	}
	return REDACTED;
}

function hasSealedMember(value: unknown): boolean {
	if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
	for (const v of Object.values(value)) if (isSealed(v)) return true;
	return false;
}

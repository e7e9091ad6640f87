import { isTriggerType } from "./constants";
import type { Connection, WorkflowDefinition } from "./types";

/** What the graph helpers read; a parsed WorkflowDefinition satisfies it. */
export type GraphInput = Pick<WorkflowDefinition, "nodes" | "connections">;

/** A connection together with its index in `connections` (for JSON pointers). */
export type Edge = { index: number; connection: Connection };

export type DefinitionGraph = {
	/** Node identifier → index in `nodes` (first occurrence wins on duplicates). */
	nodeIndex: ReadonlyMap<string, number>;
	/** Node identifier → connections into it, in definition order. */
	incoming: ReadonlyMap<string, readonly Edge[]>;
	/** Node identifier → connections out of it, in definition order. */
	outgoing: ReadonlyMap<string, readonly Edge[]>;
	/** Trigger node identifiers, in definition order. */
	triggers: readonly string[];
};

// Parsed definitions are never mutated (runs pin immutable versions), so one
// graph per definition object can be reused by every upstreamOf/incoming call.
const cache = new WeakMap<GraphInput, DefinitionGraph>();

/**
 * Adjacency maps in O(nodes + connections). Connections whose source or
 * target is not a node are left out: the save-time checks report them, and
 * the helpers must still work on the rest while they do.
 */
export function graphOf(def: GraphInput): DefinitionGraph {
	const cached = cache.get(def);
	if (cached) return cached;
	const nodeIndex = new Map<string, number>();
	const incoming = new Map<string, Edge[]>();
	const outgoing = new Map<string, Edge[]>();
	const triggers: string[] = [];
	for (const [i, node] of def.nodes.entries()) {
		if (nodeIndex.has(node.identifier)) continue;
		nodeIndex.set(node.identifier, i);
		incoming.set(node.identifier, []);
		outgoing.set(node.identifier, []);
		if (isTriggerType(node.config.type)) triggers.push(node.identifier);
	}
	for (const [index, connection] of def.connections.entries()) {
		const into = incoming.get(connection.targetIdentifier);
		const out = outgoing.get(connection.sourceIdentifier);
		if (!into || !out) continue;
		into.push({ index, connection });
		out.push({ index, connection });
	}
	const graph: DefinitionGraph = { nodeIndex, incoming, outgoing, triggers };
	cache.set(def, graph);
	return graph;
}

export function incomingOf(def: GraphInput, nodeId: string): readonly Edge[] {
	return graphOf(def).incoming.get(nodeId) ?? [];
}

export function outgoingOf(def: GraphInput, nodeId: string): readonly Edge[] {
	return graphOf(def).outgoing.get(nodeId) ?? [];
}

/** Every node that can run before `nodeId` (its transitive predecessors), O(nodes + connections). */
export function upstreamOf(def: GraphInput, nodeId: string): Set<string> {
	const { incoming } = graphOf(def);
	const seen = new Set<string>();
	const stack = [nodeId];
	while (stack.length > 0) {
		const current = stack.pop();
		if (current === undefined) break;
		for (const edge of incoming.get(current) ?? []) {
			const source = edge.connection.sourceIdentifier;
			if (seen.has(source)) continue;
			seen.add(source);
			stack.push(source);
		}
	}
	// On a cyclic graph (rejected at save time) a node would reach itself.
	seen.delete(nodeId);
	return seen;
}

/** Every node that can run after `nodeId` (its transitive successors). */
export function downstreamOf(def: GraphInput, nodeId: string): Set<string> {
	const { outgoing } = graphOf(def);
	const seen = new Set<string>();
	const stack = [nodeId];
	while (stack.length > 0) {
		const current = stack.pop();
		if (current === undefined) break;
		for (const edge of outgoing.get(current) ?? []) {
			const target = edge.connection.targetIdentifier;
			if (seen.has(target)) continue;
			seen.add(target);
			stack.push(target);
		}
	}
	seen.delete(nodeId);
	return seen;
}

/** A connection that closes a cycle, with the cycle's nodes from its target back round to it. */
export type CycleFound = { edge: Edge; path: string[] };

/**
 * Back edges of an iterative depth-first search (recursion would overflow on
 * a 200-node chain in small stacks). Every cycle contains at least one back
 * edge, so an empty result means the graph is acyclic.
 */
export function findCycles(def: GraphInput): CycleFound[] {
	const { nodeIndex, outgoing } = graphOf(def);
	const state = new Map<string, "open" | "done">();
	const found: CycleFound[] = [];
	for (const root of nodeIndex.keys()) {
		if (state.has(root)) continue;
		const path: string[] = [root];
		const cursors: number[] = [0];
		state.set(root, "open");
		while (path.length > 0) {
			const top = path.length - 1;
			const node = path[top] as string;
			const edges = outgoing.get(node) ?? [];
			const cursor = cursors[top] ?? 0;
			const edge = edges[cursor];
			if (edge === undefined) {
				state.set(node, "done");
				path.pop();
				cursors.pop();
				continue;
			}
			cursors[top] = cursor + 1;
			const target = edge.connection.targetIdentifier;
			const seen = state.get(target);
			if (seen === "open") {
				found.push({ edge, path: [...path.slice(path.indexOf(target)), target] });
			} else if (seen === undefined) {
				state.set(target, "open");
				path.push(target);
				cursors.push(0);
			}
		}
	}
	return found;
}

/** Nodes in an order where every connection goes forward (Kahn); undefined on a cycle. */
export function topologicalOrder(def: GraphInput): string[] | undefined {
	const { nodeIndex, incoming, outgoing } = graphOf(def);
	const pending = new Map<string, number>();
	const ready: string[] = [];
	for (const id of nodeIndex.keys()) {
		const count = incoming.get(id)?.length ?? 0;
		pending.set(id, count);
		if (count === 0) ready.push(id);
	}
	const order: string[] = [];
	for (let i = 0; i < ready.length; i++) {
		const id = ready[i] as string;
		order.push(id);
		for (const edge of outgoing.get(id) ?? []) {
			const target = edge.connection.targetIdentifier;
			const left = (pending.get(target) ?? 0) - 1;
			pending.set(target, left);
			if (left === 0) ready.push(target);
		}
	}
	return order.length === nodeIndex.size ? order : undefined;
}

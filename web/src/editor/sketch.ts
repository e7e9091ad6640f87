// What of a half-written definition can be drawn: nodes with an identifier, and connections
// between nodes that exist. Everything else (a node without a type yet, a connection to a node
// not written yet) is left out of the picture, never an error: the graph follows the typing.
import type { Connection, Definition, WorkflowNode } from "../api/types";

const isObject = (v: unknown): v is Record<string, unknown> =>
	typeof v === "object" && v !== null && !Array.isArray(v);
const text = (v: unknown): string | undefined =>
	typeof v === "string" && v.length > 0 ? v : undefined;

export type Sketch =
	| { kind: "drawn"; definition: Definition; leftOut: number }
	| { kind: "not-json"; message: string }
	| { kind: "no-nodes" };

export function sketchDefinition(source: string): Sketch {
	let value: unknown;
	try {
		value = JSON.parse(source);
	} catch (error) {
		return { kind: "not-json", message: error instanceof Error ? error.message : String(error) };
	}
	if (!isObject(value) || !Array.isArray(value.nodes)) return { kind: "no-nodes" };
	const nodes: WorkflowNode[] = [];
	const seen = new Set<string>();
	let leftOut = 0;
	for (const raw of value.nodes) {
		const identifier = isObject(raw) ? text(raw.identifier) : undefined;
		if (!isObject(raw) || !identifier || seen.has(identifier)) {
			leftOut++;
			continue;
		}
		seen.add(identifier);
		const config = isObject(raw.config) ? raw.config : {};
		nodes.push({
			identifier,
			title: text(raw.title),
			config: {
				...config,
				type: text(config.type) ?? "(no type yet)",
				options: Array.isArray(config.options)
					? config.options.filter(isObject).map((o) => ({
							identifier: text(o.identifier) ?? "",
							title: text(o.title),
							expression: "",
						}))
					: undefined,
			},
		});
	}
	if (nodes.length === 0) return { kind: "no-nodes" };
	const connections: Connection[] = [];
	const connectionIds = new Set<string>();
	for (const raw of Array.isArray(value.connections) ? value.connections : []) {
		const c = isObject(raw) ? raw : {};
		const identifier = text(c.identifier);
		const source = text(c.sourceIdentifier);
		const target = text(c.targetIdentifier);
		if (!identifier || !source || !target || !seen.has(source) || !seen.has(target)) {
			leftOut++;
			continue;
		}
		if (connectionIds.has(identifier)) {
			leftOut++;
			continue;
		}
		connectionIds.add(identifier);
		connections.push({
			identifier,
			sourceIdentifier: source,
			targetIdentifier: target,
			sourceOptionIdentifier: text(c.sourceOptionIdentifier),
			fallback: c.fallback === true,
			onError: c.onError === true,
		});
	}
	return {
		kind: "drawn",
		definition: {
			identifier: text(value.identifier) ?? "new_workflow",
			title: text(value.title),
			nodes,
			connections,
		},
		leftOut,
	};
}

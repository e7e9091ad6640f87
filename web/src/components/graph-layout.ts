// Places a workflow's nodes and connections with dagre; the SVG component only draws the result.
import { Graph, layout } from "@dagrejs/dagre";
import type { Definition } from "../api/types";

export interface PlacedNode {
	id: string;
	title: string;
	type: string;
	x: number;
	y: number;
	width: number;
	height: number;
}

export interface PlacedEdge {
	id: string;
	source: string;
	target: string;
	/** Condition option, "fallback" or "on error"; plain connections have none. */
	label: string | null;
	/** Taken only when the source fails: drawn apart from the success path. */
	onError: boolean;
	points: { x: number; y: number }[];
	labelAt: { x: number; y: number } | null;
}

export interface GraphLayout {
	nodes: PlacedNode[];
	edges: PlacedEdge[];
	width: number;
	height: number;
}

// The SVG text is 13px system-ui; ~7.5px per character is close enough to size boxes.
const CHAR = 7.5;
const NODE_HEIGHT = 62;
const LABEL_HEIGHT = 20;

function edgeLabel(
	definition: Definition,
	sourceId: string,
	option?: string,
	fallback?: boolean,
	onError?: boolean,
) {
	if (onError) return "on error";
	if (fallback) return "fallback";
	if (!option) return null;
	const source = definition.nodes.find((n) => n.identifier === sourceId);
	const found = source?.config.options?.find((o) => o.identifier === option);
	return found?.title ?? option;
}

export interface LayoutOptions {
	/** Room for " · In progress" after the type (run pages). */
	withState?: boolean;
	/** Top to bottom (narrow screens) instead of left to right. */
	vertical?: boolean;
}

export function layoutWorkflow(definition: Definition, options: LayoutOptions = {}): GraphLayout {
	const { withState = false, vertical = false } = options;
	const graph = new Graph({ multigraph: true });
	graph.setGraph({
		rankdir: vertical ? "TB" : "LR",
		nodesep: 28,
		ranksep: vertical ? 44 : 56,
		edgesep: 16,
		marginx: 8,
		marginy: 8,
	});
	graph.setDefaultEdgeLabel(() => ({}));
	for (const node of definition.nodes) {
		const title = node.title ?? node.identifier;
		const typeLine = node.config.type.length + (withState ? 14 : 0);
		const longest = Math.max(title.length * 1.1, node.identifier.length, typeLine);
		const width = Math.min(300, Math.max(130, longest * CHAR + 28));
		graph.setNode(node.identifier, { width, height: NODE_HEIGHT, title, type: node.config.type });
	}
	for (const c of definition.connections) {
		const label = edgeLabel(
			definition,
			c.sourceIdentifier,
			c.sourceOptionIdentifier,
			c.fallback,
			c.onError,
		);
		const size = label ? { width: label.length * 7 + 12, height: LABEL_HEIGHT } : {};
		graph.setEdge(
			c.sourceIdentifier,
			c.targetIdentifier,
			{ ...size, labelpos: "c", label, onError: c.onError === true },
			c.identifier,
		);
	}
	layout(graph);

	const nodes = graph.nodes().map((id: string) => {
		const n = graph.node(id);
		return { id, title: n.title, type: n.type, x: n.x, y: n.y, width: n.width, height: n.height };
	});
	const edges = graph.edges().map((e: { v: string; w: string; name?: string }) => {
		const label = graph.edge(e);
		return {
			id: e.name ?? `${e.v}->${e.w}`,
			source: e.v,
			target: e.w,
			label: label.label ?? null,
			onError: label.onError === true,
			points: label.points ?? [],
			labelAt: label.label ? { x: label.x, y: label.y } : null,
		};
	});
	const size = graph.graph();
	return { nodes, edges, width: size.width ?? 0, height: size.height ?? 0 };
}

// A workflow drawn as SVG from its dagre layout. On a run page, nodes carry their state colour
// and connections are marked taken / not taken.
import { useMemo } from "preact/hooks";
import type { Definition } from "../api/types";
import { useNarrowScreen } from "../lib/use-narrow-screen";
import { layoutWorkflow, type PlacedEdge, type PlacedNode } from "./graph-layout";
import { GraphViewport } from "./graph-viewport";

export interface GraphState {
	/** Node identifier → CSS state class (see badges.stateClass) and label. */
	nodes: Record<string, { cls: string; label: string }>;
	taken: Set<string>;
	notTaken: Set<string>;
}

interface Props {
	definition: Definition;
	state?: GraphState;
	/** Makes each node a link (e.g. to its details on the run page). */
	linkFor?: (node: string) => string;
	selected?: string | null;
}

function path(points: { x: number; y: number }[]): string {
	return points
		.map((p, i) => `${i === 0 ? "M" : "L"}${p.x.toFixed(1)},${p.y.toFixed(1)}`)
		.join(" ");
}

function Edge({ edge, state }: { edge: PlacedEdge; state?: GraphState }) {
	const cls = state?.taken.has(edge.id) ? "taken" : state?.notTaken.has(edge.id) ? "not-taken" : "";
	return (
		<g class={`edge ${cls}${edge.onError ? " on-error" : ""}`} data-connection={edge.id}>
			<path d={path(edge.points)} marker-end="url(#arrow)" />
			{edge.label && edge.labelAt && (
				<g class="edge-label">
					<rect
						class="edge-label-box"
						x={edge.labelAt.x - (edge.label.length * 7 + 12) / 2}
						y={edge.labelAt.y - 10}
						width={edge.label.length * 7 + 12}
						height={20}
						rx={4}
					/>
					<text
						class="edge-label-text"
						x={edge.labelAt.x}
						y={edge.labelAt.y + 4}
						text-anchor="middle"
					>
						{edge.label}
					</text>
				</g>
			)}
		</g>
	);
}

function NodeBox({ node, state }: { node: PlacedNode; state?: { label: string } }) {
	const left = node.x - node.width / 2;
	const top = node.y - node.height / 2;
	return (
		<>
			<rect x={left} y={top} width={node.width} height={node.height} rx={8} />
			<text x={left + 12} y={top + 20} class="node-title">
				{node.title}
			</text>
			<text x={left + 12} y={top + 37} class="node-id">
				{node.id}
			</text>
			<text x={left + 12} y={top + 53} class="node-type">
				{state ? `${node.type} · ${state.label}` : node.type}
			</text>
		</>
	);
}

function Node({ node, props }: { node: PlacedNode; props: Props }) {
	const state = props.state?.nodes[node.id];
	const cls = `node ${state?.cls ?? ""} ${props.selected === node.id ? "selected" : ""}`;
	const label = `${node.title} (${node.id}), ${node.type}${state ? `: ${state.label}` : ""}`;
	// Linked nodes are real links (keyboard, middle-click, deep links to the node's details),
	// named by the text they show (title, identifier, type and state), as a reader sees them.
	if (props.linkFor) {
		return (
			<a href={props.linkFor(node.id)} class={cls} data-node={node.id}>
				<NodeBox node={node} state={state} />
			</a>
		);
	}
	return (
		<g class={cls} data-node={node.id}>
			<title>{label}</title>
			<NodeBox node={node} state={state} />
		</g>
	);
}

export function WorkflowGraph(props: Props) {
	const withState = props.state !== undefined;
	const vertical = useNarrowScreen();
	const placed = useMemo(
		() => layoutWorkflow(props.definition, { withState, vertical }),
		[props.definition, withState, vertical],
	);
	return (
		<GraphViewport
			width={placed.width}
			height={placed.height}
			label={`Graph of ${props.definition.title ?? props.definition.identifier}`}
		>
			<defs>
				<marker
					id="arrow"
					viewBox="0 0 10 10"
					refX="9"
					refY="5"
					markerWidth="9"
					markerHeight="9"
					markerUnits="userSpaceOnUse"
					orient="auto-start-reverse"
				>
					<path class="arrow-head" d="M0,0 L10,5 L0,10 z" />
				</marker>
			</defs>
			{placed.edges.map((edge) => (
				<Edge key={edge.id} edge={edge} state={props.state} />
			))}
			{placed.nodes.map((node) => (
				<Node key={node.id} node={node} props={props} />
			))}
		</GraphViewport>
	);
}

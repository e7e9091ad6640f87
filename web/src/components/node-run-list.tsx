// The run's node runs, in the order they started; the one selected in the graph is open.
import type { NodeRun } from "../api/types";
import { StateBadge } from "./badges";
import { NodeRunBody, NodeRunItems } from "./node-run-details";

export function NodeRunList({
	nodeRuns,
	selected,
}: {
	nodeRuns: NodeRun[];
	selected: string | null;
}) {
	if (nodeRuns.length === 0) return <p class="state empty">No node has run yet.</p>;
	return (
		<ul class="node-runs">
			{nodeRuns.map((n) => {
				const label = n.title ?? n.node;
				return (
					<li key={n.node}>
						<details
							id={`node-${n.node}`}
							class={`node-run ${selected === n.node ? "selected" : ""}`}
							open={selected === n.node}
							data-node-run={n.node}
						>
							<summary>
								<strong>{label}</strong>
								<span class="mono muted">{n.node}</span>
								<span class="muted">{n.type}</span>
								<StateBadge status={n.status} result={n.result} />
								{n.attempts.length > 1 && <span class="muted">{n.attempts.length} attempts</span>}
							</summary>
							<div>
								<NodeRunBody run={n} label={label} />
								{n.items && <NodeRunItems items={n.items} label={label} />}
							</div>
						</details>
					</li>
				);
			})}
		</ul>
	);
}

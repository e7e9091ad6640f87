// The run's node runs, in the order they started; the one selected in the graph is open (with
// none selected, the INPUT nodes waiting for an answer).
// A finished run offers "Retry from this node" on each (members and admins).
import type { Definition, Run } from "../api/types";
import { StateBadge } from "./badges";
import { ChildRuns } from "./child-runs";
import { NodeRunBody, NodeRunItems } from "./node-run-details";

export function NodeRunList({
	run,
	definition,
	selected,
	onRetryFrom,
}: {
	run: Run;
	definition: Definition | undefined;
	selected: string | null;
	/** Given when the viewer may retry this (finished) run. */
	onRetryFrom?: (node: string) => void;
}) {
	if (run.nodeRuns.length === 0) return <p class="state empty">No node has run yet.</p>;
	return (
		<ul class="node-runs">
			{run.nodeRuns.map((n) => {
				const label = n.title ?? n.node;
				const node = definition?.nodes.find((d) => d.identifier === n.node);
				return (
					<li key={n.node}>
						<details
							id={`node-${n.node}`}
							class={`node-run ${selected === n.node ? "selected" : ""}`}
							// A request waiting for people is open unless another node is chosen.
							open={selected === n.node || (selected === null && n.waiting?.kind === "input")}
							data-node-run={n.node}
						>
							<summary>
								<strong>{label}</strong>
								<span class="mono muted">{n.node}</span>
								<span class="muted">{n.type}</span>
								<StateBadge status={n.status} result={n.result} />
								{n.attemptCount > 1 && <span class="muted">{n.attemptCount} attempts</span>}
							</summary>
							<div>
								{onRetryFrom && (
									<button type="button" class="retry-from" onClick={() => onRetryFrom(n.node)}>
										Retry from this node
									</button>
								)}
								<NodeRunBody task={n} label={label} node={node} run={run} items={n.items} />
								<ChildRuns runId={run.id} node={n} />
								{n.items && <NodeRunItems items={n.items} label={label} node={node} run={run} />}
								{n.items && (n.itemCount ?? 0) > n.items.length && (
									<p class="muted">
										The first {n.items.length} of {n.itemCount} items (the API pages the rest).
									</p>
								)}
							</div>
						</details>
					</li>
				);
			})}
		</ul>
	);
}

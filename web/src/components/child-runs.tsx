// A RUN_WORKFLOW node's child runs, each linked, with its status as the child has it now (read
// from the runs listing by parent, once per change of the parent's node).
import { api, query } from "../api/client";
import type { NodeRun, Page, RunSummary } from "../api/types";
import { href } from "../lib/router";
import { useResource } from "../lib/use-resource";
import { StateBadge } from "./badges";

export function ChildRuns({ runId, node }: { runId: string; node: NodeRun }) {
	const children = node.children ?? [];
	const key = children.map((c) => c.runId).join(",");
	const listed = useResource(
		(signal) =>
			children.length === 0
				? Promise.resolve({ data: [], nextCursor: null })
				: api<Page<RunSummary>>(`/v1/workflows/runs${query({ parentRunId: runId, limit: 100 })}`, {
						signal,
					}),
		[runId, key, node.status],
	);
	if (children.length === 0) return null;
	const byId = new Map((listed.data?.data ?? []).map((r) => [r.id, r]));
	return (
		<div class="table-scroll">
			<table data-child-runs={node.node}>
				<caption class="muted">Child runs</caption>
				<thead>
					<tr>
						{node.items && <th scope="col">Item</th>}
						<th scope="col">Attempt</th>
						<th scope="col">Run</th>
						<th scope="col">Status</th>
					</tr>
				</thead>
				<tbody>
					{children.map((c) => {
						const child = byId.get(c.runId);
						return (
							<tr key={c.runId}>
								{node.items && <td>{c.item}</td>}
								<td>{c.attempt}</td>
								<td>
									<a class="mono" href={href(`/runs/${c.runId}`)}>
										{c.runId}
									</a>
								</td>
								<td>
									{child ? (
										<StateBadge status={child.status} result={child.result} />
									) : (
										<span class="muted">…</span>
									)}
								</td>
							</tr>
						);
					})}
				</tbody>
			</table>
		</div>
	);
}

// What one node run did: attempts (outgoing calls), output, logs and error.
import type { NodeRunFields } from "../api/types";
import { durationBetween } from "../lib/time";
import { StateBadge } from "./badges";
import { withHidden } from "./hidden-badge";
import { JsonBlock } from "./json-block";
import { TimeText } from "./time-text";

export function Attempts({ attempts }: { attempts: NodeRunFields["attempts"] }) {
	if (attempts.length === 0) return null;
	return (
		<div class="table-scroll">
			<table>
				<caption class="muted">Attempts</caption>
				<thead>
					<tr>
						<th scope="col">#</th>
						<th scope="col">Request</th>
						<th scope="col">Started</th>
						<th scope="col">Took</th>
						<th scope="col">Response</th>
					</tr>
				</thead>
				<tbody>
					{attempts.map((a) => (
						<tr key={a.number}>
							<td>{a.number}</td>
							<td class="mono">
								{a.request.method} {withHidden(a.request.url)}
							</td>
							<td>
								<TimeText iso={a.startedAt} />
							</td>
							<td>{a.endedAt ? durationBetween(a.startedAt, a.endedAt) : "running"}</td>
							<td>
								{a.responseStatus ?? "—"}
								{a.error && <span class="field-error"> {withHidden(a.error.message)}</span>}
							</td>
						</tr>
					))}
				</tbody>
			</table>
		</div>
	);
}

export function NodeRunBody({ run, label }: { run: NodeRunFields; label: string }) {
	return (
		<>
			<p class="meta">
				Started <TimeText iso={run.startedAt} />
				{run.startedAt && ` · took ${durationBetween(run.startedAt, run.endedAt)}`}
				{run.startedAt && !run.endedAt && " so far"}
			</p>
			{run.error && (
				<p class="field-error">
					{run.error.code}: {withHidden(run.error.message)}
				</p>
			)}
			<Attempts attempts={run.attempts} />
			{run.output !== undefined && run.output !== null && (
				<details class="output">
					<summary>Output</summary>
					<JsonBlock value={run.output} label={`Output of ${label}`} />
				</details>
			)}
			{run.logs.length > 0 && (
				<details>
					<summary>Logs ({run.logs.length})</summary>
					<ul class="logs mono">
						{run.logs.map((log) => (
							<li key={`${log.time}${log.message}`}>
								<TimeText iso={log.time} /> [{log.level}] {withHidden(log.message)}
							</li>
						))}
					</ul>
				</details>
			)}
		</>
	);
}

/** forEach nodes: one line per item, each expandable. */
export function NodeRunItems({
	items,
	label,
}: {
	items: (NodeRunFields & { index: number; item: unknown })[];
	label: string;
}) {
	return (
		<ol class="items">
			{items.map((item) => (
				<li key={item.index}>
					<details>
						<summary>
							Item {item.index}{" "}
							<span class="mono muted">
								{withHidden(String(JSON.stringify(item.item)).slice(0, 80))}
							</span>{" "}
							<StateBadge status={item.status} result={item.result} />
						</summary>
						<NodeRunBody run={item} label={`${label}, item ${item.index}`} />
					</details>
				</li>
			))}
		</ol>
	);
}

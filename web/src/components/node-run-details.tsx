// What one node run did: attempts (outgoing calls), output, logs and error.
import type { Attempt, NodeRunFields } from "../api/types";
import { durationBetween } from "../lib/time";
import { AttemptExchange } from "./attempt-exchange";
import { StateBadge } from "./badges";
import { withHidden } from "./hidden-badge";
import { JsonBlock } from "./json-block";
import { TimeText } from "./time-text";

export function Attempts({ attempts, label }: { attempts: Attempt[]; label: string }) {
	if (attempts.length === 0) return null;
	return (
		<div class="attempts">
			{attempts.map((a) => (
				<AttemptExchange key={a.number} attempt={a} label={label} />
			))}
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
			<Attempts attempts={run.attempts} label={label} />
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

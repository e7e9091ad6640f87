// What one node run did: what went in beside what came out, when it is due next (counting
// down), its retry schedule, every attempt (request | response) and its logs; forEach items
// one line each with their status.
import type { Attempt, NodeRunFields, Run, WorkflowNode } from "../api/types";
import { durationBetween, formatDuration } from "../lib/time";
import { useNow } from "../lib/use-now";
import { AttemptExchange } from "./attempt-exchange";
import { StateBadge } from "./badges";
import { withHidden } from "./hidden-badge";
import { JsonBlock } from "./json-block";
import { TimeText } from "./time-text";
import { WaitingOn } from "./waiting-on";

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

const DUE_WORDS: Record<string, string> = {
	delay: "The delay ends",
	start_delay: "Starts after its start delay",
	retry: "Next attempt",
	attempt_timeout: "Gives up on this attempt",
};

/** "Next attempt (3) at 12:00:05, in 4 s": ticks every second while the run goes on. */
function DueTimes({ due }: { due: NonNullable<NodeRunFields["due"]> }) {
	const now = useNow(due.length > 0);
	if (due.length === 0) return null;
	return (
		<ul class="due" aria-label="Due next">
			{due.map((d) => {
				const left = Date.parse(d.at) - now;
				return (
					<li key={`${d.kind}${d.at}`} data-due={d.kind}>
						{DUE_WORDS[d.kind] ?? d.kind}
						{d.attempt !== null && d.kind === "retry" ? ` (${d.attempt})` : ""} at{" "}
						<TimeText iso={d.at} now={now} />
						<strong class="countdown">{left > 0 ? ` in ${formatDuration(left)}` : " now"}</strong>
					</li>
				);
			})}
		</ul>
	);
}

interface RetryConfig {
	maxAttempts?: number;
	backoff?: "constant" | "linear" | "exponential";
	initialDelay?: string;
	maxDelay?: string;
	retryOn?: number[];
}

/** The node's retry policy in words, and the waits between the attempts made so far. */
function RetrySchedule({
	retry,
	attempts,
	policy,
}: {
	retry: RetryConfig;
	attempts: Attempt[];
	/** Say the policy in words (a forEach item leaves that to its node, and lists its waits). */
	policy: boolean;
}) {
	const backoff = retry.backoff ?? "exponential";
	const first = retry.initialDelay ?? "1s";
	const grows =
		backoff === "constant"
			? `${first} between attempts`
			: backoff === "linear"
				? `${first}, then ${first} more each time`
				: `${first}, doubling each time`;
	const waits = attempts.slice(1).map((a, i) => {
		const before = attempts[i];
		return before?.endedAt ? Date.parse(a.startedAt) - Date.parse(before.endedAt) : null;
	});
	if (!policy && waits.length === 0) return null;
	return (
		<div class="retry-schedule">
			<h4>{policy ? "Retry schedule" : "Retries"}</h4>
			{policy && (
				<p>
					Up to {retry.maxAttempts ?? 3} attempts; waits {grows}
					{retry.maxDelay ? `, at most ${retry.maxDelay}` : ", at most 5 minutes"} (±20 % jitter).
					Retried on {retry.retryOn ? retry.retryOn.join(", ") : "408, 429 and 5xx"}, network errors
					and timeouts; a Retry-After header is honoured.
				</p>
			)}
			{waits.length > 0 && (
				<ol class="plain">
					{waits.map((ms, i) => (
						<li key={attempts[i + 1]?.number}>
							Attempt {attempts[i + 1]?.number} after {ms === null ? "—" : formatDuration(ms)}
						</li>
					))}
				</ol>
			)}
		</div>
	);
}

/** What the node worked from: the request it sent, the condition's options, a delay's length. */
function NodeInput({
	node,
	run,
	task,
	items,
	label,
}: {
	node: WorkflowNode | undefined;
	run: Run;
	task: NodeRunFields;
	/** A forEach node's items: its input is their list. */
	items?: Item[] | null;
	label: string;
}) {
	const config = node?.config;
	if (!config) return <p class="muted">The definition of this node is not available.</p>;
	if (config.type.endsWith("_TRIGGER"))
		return <JsonBlock value={run.inputs} label={`Input of ${label}`} />;
	if (items)
		return (
			<>
				<JsonBlock value={items.map((i) => i.item)} label={`Input of ${label}`} />
				<p class="help">One call per item; each item below shows its request and answer.</p>
			</>
		);
	if (config.type === "WEBHOOK") {
		const last = task.attempts[task.attempts.length - 1];
		if (!last) return <p class="muted">No request sent yet.</p>;
		return (
			<>
				<p class="mono url">
					{last.request.method} {withHidden(last.request.url)}
				</p>
				{last.request.body !== null && last.request.body !== undefined && (
					<JsonBlock value={last.request.body} label={`Input of ${label}`} />
				)}
				<p class="help">The request of attempt {last.number} (every attempt is below).</p>
			</>
		);
	}
	if (config.type === "CONDITION") {
		const chosen =
			task.status === "COMPLETED"
				? ((task.output as { option?: string | null })?.option ?? null)
				: undefined;
		const options = config.options ?? [];
		const at = chosen ? options.findIndex((o) => o.identifier === chosen) : options.length;
		return (
			<ul class="plain condition-values" aria-label={`Input of ${label}`}>
				{options.map((o, i) => (
					<li key={o.identifier}>
						<span class="mono">{o.identifier}</span>: <code>{o.expression}</code> →{" "}
						<strong>
							{chosen === undefined
								? "not evaluated yet"
								: i < at
									? "false"
									: i === at
										? "true"
										: "not evaluated"}
						</strong>
					</li>
				))}
				{chosen === null && (
					<li>No option was true: the fallback connection (if any) was taken.</li>
				)}
			</ul>
		);
	}
	const { type: _type, ...settings } = config;
	return <JsonBlock value={settings} label={`Input of ${label}`} />;
}

type Item = NodeRunFields & { index: number; item: unknown };

export function NodeRunBody({
	task,
	label,
	node,
	run,
	items,
	item = false,
}: {
	task: NodeRunFields;
	label: string;
	node?: WorkflowNode;
	run?: Run;
	items?: Item[] | null;
	/** One item of a forEach node (its node's detail says what they share). */
	item?: boolean;
}) {
	const retry = (node as { retry?: RetryConfig } | undefined)?.retry;
	return (
		<>
			<p class="meta">
				Started <TimeText iso={task.startedAt} />
				{task.startedAt && ` · took ${durationBetween(task.startedAt, task.endedAt)}`}
				{task.startedAt && !task.endedAt && " so far"}
			</p>
			<DueTimes due={task.due ?? []} />
			{run && task.waiting && (
				<WaitingOn waiting={task.waiting} run={run} node={node?.identifier ?? label} />
			)}
			{task.error && (
				<p class="field-error">
					{task.error.code}: {withHidden(task.error.message)}
				</p>
			)}
			{run && (
				<div class="io">
					<section aria-label={`What went into ${label}`}>
						<h4>Input</h4>
						<NodeInput node={node} run={run} task={task} items={items} label={label} />
					</section>
					<section aria-label={`What came out of ${label}`}>
						<h4>Output</h4>
						{task.output === undefined || task.output === null ? (
							<p class="muted">{task.status === "COMPLETED" ? "No output." : "Not yet."}</p>
						) : (
							<JsonBlock value={task.output} label={`Output of ${label}`} />
						)}
					</section>
				</div>
			)}
			{!run && task.output !== undefined && task.output !== null && (
				<JsonBlock value={task.output} label={`Output of ${label}`} />
			)}
			{retry && <RetrySchedule retry={retry} attempts={task.attempts} policy={!item} />}
			<Attempts attempts={task.attempts} label={label} />
			{task.logs.length > 0 && (
				<details>
					<summary>Logs ({task.logs.length})</summary>
					<ul class="logs mono">
						{task.logs.map((log) => (
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

/** forEach nodes: one line per item with its status, each opening to its own detail. */
export function NodeRunItems({
	items,
	label,
	node,
	run,
}: {
	items: Item[];
	label: string;
	node?: WorkflowNode;
	run: Run;
}) {
	const done = items.filter((i) => i.status === "COMPLETED").length;
	return (
		<>
			<h4>
				Items ({done} of {items.length} done)
			</h4>
			<ol class="items">
				{items.map((item) => (
					<li key={item.index} data-item={item.index}>
						<details>
							<summary>
								Item {item.index}{" "}
								<span class="mono muted">
									{withHidden(String(JSON.stringify(item.item)).slice(0, 80))}
								</span>{" "}
								<StateBadge status={item.status} result={item.result} />
								{item.attemptCount > 1 && <span class="muted"> {item.attemptCount} attempts</span>}
								{item.startedAt && (
									<span class="muted"> {durationBetween(item.startedAt, item.endedAt)}</span>
								)}
							</summary>
							<NodeRunBody
								task={item}
								label={`${label}, item ${item.index}`}
								node={node}
								run={run}
								item
							/>
						</details>
					</li>
				))}
			</ol>
		</>
	);
}

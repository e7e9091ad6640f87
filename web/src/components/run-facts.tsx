// Who started a run, when, how long it took, what went in and what came out.
import { Fragment } from "preact";
import type { Run } from "../api/types";
import { href } from "../lib/router";
import { durationBetween } from "../lib/time";
import { withHidden } from "./hidden-badge";
import { JsonBlock } from "./json-block";
import { TimeText } from "./time-text";

export function RunFacts({ run }: { run: Run }) {
	return (
		<>
			<dl class="facts">
				<dt>Workflow</dt>
				<dd>
					<a href={`#/workflows/${encodeURIComponent(run.workflow.identifier)}`}>
						{run.workflow.title}
					</a>{" "}
					<span class="muted">v{run.workflow.version}</span>
				</dd>
				<dt>Initiator</dt>
				<dd>
					{run.initiator}
					{run.requestedBy !== run.initiator && (
						<span class="muted"> (requested by {run.requestedBy})</span>
					)}
				</dd>
				<dt>Created</dt>
				<dd>
					<TimeText iso={run.createdAt} />
				</dd>
				<dt>Started</dt>
				<dd>
					<TimeText iso={run.startedAt} />
				</dd>
				<dt>Ended</dt>
				<dd>
					<TimeText iso={run.endedAt} />
				</dd>
				<dt>Duration</dt>
				<dd>
					{run.startedAt ? durationBetween(run.startedAt, run.endedAt) : "—"}
					{run.startedAt && !run.endedAt && " so far"}
				</dd>
				{run.parent && (
					<>
						<dt>Parent run</dt>
						<dd>
							<a class="mono" href={href(`/runs/${run.parent.runId}`, { node: run.parent.node })}>
								{run.parent.runId}
							</a>{" "}
							<span class="muted">(node {run.parent.node})</span>
						</dd>
					</>
				)}
				{run.errorOf && (
					<>
						<dt>Error run of</dt>
						<dd>
							<a class="mono" href={href(`/runs/${run.errorOf.runId}`)}>
								{run.errorOf.runId}
							</a>{" "}
							<span class="muted">({run.errorOf.workflow})</span>
						</dd>
					</>
				)}
				{run.errorRun && (
					<>
						<dt>Error workflow</dt>
						<dd>
							{run.errorRun.status === "started" ? (
								<a class="mono" href={href(`/runs/${run.errorRun.runId}`)}>
									{run.errorRun.runId}
								</a>
							) : (
								<span class="field-error">did not start: {run.errorRun.reason}</span>
							)}{" "}
							<span class="muted">({run.errorRun.workflow})</span>
						</dd>
					</>
				)}
				{run.retryOf && (
					<>
						<dt>Retry of</dt>
						<dd>
							<a class="mono" href={href(`/runs/${run.retryOf}`)}>
								{run.retryOf}
							</a>
						</dd>
					</>
				)}
				{run.retries.length > 0 && (
					<>
						<dt>Retried as</dt>
						<dd>
							{run.retries.map((id, i) => (
								<Fragment key={id}>
									{i > 0 && ", "}
									<a class="mono" href={href(`/runs/${id}`)}>
										{id}
									</a>
								</Fragment>
							))}
						</dd>
					</>
				)}
			</dl>
			{run.error && (
				<p class="state error" role="alert">
					{run.error.node && <span class="mono">{run.error.node}: </span>}
					{withHidden(run.error.message)} <span class="muted">({run.error.code})</span>
				</p>
			)}
			<details>
				<summary>Inputs</summary>
				<JsonBlock value={run.inputs} label="Run inputs" />
			</details>
			{run.outputs !== null && run.outputs !== undefined && (
				<details>
					<summary>Outputs</summary>
					<JsonBlock value={run.outputs} label="Run outputs" />
				</details>
			)}
		</>
	);
}

// One run, live: facts and actions, then three views: the graph with the taken path and the
// node runs (input | output, attempts, what is due), the timeline, and the history. The
// stream's events trigger a (throttled) refetch of the run.
import { useEffect, useMemo, useState } from "preact/hooks";
import { ApiProblem, api } from "../api/client";
import type { Session } from "../api/session";
import type { Run, WorkflowVersion } from "../api/types";
import { StateBadge, stateClass, stateLabel } from "../components/badges";
import { NodeRunList } from "../components/node-run-list";
import { RunActions } from "../components/run-actions";
import { RunFacts } from "../components/run-facts";
import { RunHistory } from "../components/run-history";
import { RunTimeline } from "../components/run-timeline";
import { ErrorNotice, Loading } from "../components/states";
import { type GraphState, WorkflowGraph } from "../components/workflow-graph";
import { href, useRoute } from "../lib/router";
import { throttle } from "../lib/throttle";
import { type Resource, useResource } from "../lib/use-resource";
import { type StreamState, useRunStream } from "../lib/use-run-stream";

const STREAM_TEXT: Record<StreamState, string> = {
	connecting: "Connecting to live updates…",
	live: "Live: updates as the run changes",
	reconnecting: "Live updates interrupted; reconnecting…",
	ended: "The run has ended; no more updates",
	unavailable: "Live updates unavailable",
};

function graphState(run: Run): GraphState {
	const nodes: GraphState["nodes"] = {};
	for (const n of run.nodeRuns) {
		nodes[n.node] = { cls: stateClass(n.status, n.result), label: stateLabel(n.status, n.result) };
	}
	return {
		nodes,
		taken: new Set(run.connections.taken),
		notTaken: new Set(run.connections.notTaken),
	};
}

type Tab = "graph" | "timeline" | "history";
const TABS: { tab: Tab; label: string }[] = [
	{ tab: "graph", label: "Graph and nodes" },
	{ tab: "timeline", label: "Timeline" },
	{ tab: "history", label: "History" },
];

function RunGraph({
	run,
	selected,
	version,
}: {
	run: Run;
	selected: string | null;
	version: Resource<WorkflowVersion>;
}) {
	const state = useMemo(() => graphState(run), [run]);
	if (version.error instanceof ApiProblem && version.error.status === 404) {
		return (
			<p class="state empty">
				The workflow behind this run was deleted, so its graph is not available.
			</p>
		);
	}
	if (version.error) return <ErrorNotice error={version.error} onRetry={version.reload} />;
	if (!version.data) return <Loading what="the graph" />;
	return (
		<WorkflowGraph
			definition={version.data.definition}
			state={state}
			selected={selected}
			linkFor={(node) => href(`/runs/${run.id}`, { node })}
		/>
	);
}

export function RunPage({ runId, session }: { runId: string; session: Session }) {
	const { query } = useRoute();
	const selected = query.get("node");
	const tab: Tab = TABS.some((t) => t.tab === query.get("tab"))
		? (query.get("tab") as Tab)
		: "graph";
	const [retryFrom, setRetryFrom] = useState<string | null>(null);
	const run = useResource((signal) => api<Run>(`/v1/workflows/runs/${runId}`, { signal }), [runId]);
	const refetch = useMemo(() => throttle(run.reload, 750), [run.reload]);
	useEffect(() => refetch.cancel, [refetch]);
	const stream = useRunStream(runId, refetch.call);
	// The version the run is pinned to: its graph, and each node's definition for the details.
	const identifier = run.data?.workflow.identifier;
	const pinned = run.data?.workflow.version;
	const versionPath = identifier
		? `/v1/workflows/${encodeURIComponent(identifier)}/versions/${pinned}`
		: null;
	const version = useResource(
		(signal) =>
			versionPath ? api<WorkflowVersion>(versionPath, { signal }) : new Promise<never>(() => {}),
		[versionPath],
	);

	// Selecting a node in the graph scrolls its details into view.
	useEffect(() => {
		if (selected) document.getElementById(`node-${selected}`)?.scrollIntoView({ block: "nearest" });
	}, [selected, run.data !== undefined]);

	if (run.error instanceof ApiProblem && run.error.status === 404) {
		return (
			<section>
				<h1 tabIndex={-1}>Run not found</h1>
				<p>
					There is no run <span class="mono">{runId}</span> that you may see. Runs of private
					workflows are visible only to whoever started them and to admins.
				</p>
				<a href="#/runs">All runs you may see</a>
			</section>
		);
	}
	if (!run.data) {
		return (
			<section>
				<h1 tabIndex={-1}>Run</h1>
				{run.error ? (
					<ErrorNotice error={run.error} onRetry={run.reload} />
				) : (
					<Loading what="the run" />
				)}
			</section>
		);
	}
	const data = run.data;
	return (
		<section>
			<p class="crumbs">
				<a href="#/runs">Runs</a> /
			</p>
			<h1 tabIndex={-1}>
				{data.workflow.title} <StateBadge status={data.status} result={data.result} />
			</h1>
			<p class="mono muted">{data.id}</p>
			<p class="live" role="status" aria-live="polite">
				{STREAM_TEXT[stream.state]}
			</p>
			<RunActions
				run={data}
				session={session}
				onChanged={run.reload}
				retryFrom={retryFrom}
				onRetryFromShown={() => setRetryFrom(null)}
			/>
			<RunFacts run={data} />
			<nav class="tabs" aria-label="Views of this run">
				{TABS.map((t) => (
					<a
						key={t.tab}
						href={href(`/runs/${data.id}`, { tab: t.tab === "graph" ? undefined : t.tab })}
						aria-current={t.tab === tab ? "page" : undefined}
					>
						{t.label}
					</a>
				))}
			</nav>
			{tab === "graph" && (
				<>
					<h2>Graph</h2>
					<RunGraph run={data} selected={selected} version={version} />
					<h2>Nodes</h2>
					<NodeRunList
						run={data}
						definition={version.data?.definition}
						selected={selected}
						onRetryFrom={
							session.claims.role !== "viewer" && data.status === "COMPLETED"
								? setRetryFrom
								: undefined
						}
					/>
				</>
			)}
			{tab === "timeline" && (
				<>
					<h2>Timeline</h2>
					<RunTimeline run={data} />
				</>
			)}
			{tab === "history" && (
				<>
					<h2>History</h2>
					<RunHistory events={stream.events} />
				</>
			)}
		</section>
	);
}

// The landing page: the runs of the last 24 hours and 7 days (counts and a small chart), the
// busiest and the most failing workflows, and the tenant's slots in use against its limit.
// Counts are of the runs the caller may see; refreshed while the tab is visible.
import { api } from "../api/client";
import type { Overview, OverviewWindow, WorkflowCount } from "../api/types";
import { RunChart } from "../components/run-chart";
import { Empty, Resource } from "../components/states";
import { href } from "../lib/router";
import { useResource } from "../lib/use-resource";
import { useVisibleInterval } from "../lib/use-visible-interval";

const REFRESH_MS = 30_000;
const number = new Intl.NumberFormat();
const hourText = (d: Date) =>
	d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
const dayText = (d: Date) =>
	d.toLocaleString(undefined, { weekday: "short", hour: "2-digit", minute: "2-digit" });

function WindowCard({
	title,
	window,
	sliceName,
	since,
}: {
	title: string;
	window: OverviewWindow;
	sliceName: (d: Date) => string;
	since: string;
}) {
	// An id without spaces: aria-labelledby takes a list of ids.
	const id = `card-${title.toLowerCase().replaceAll(" ", "-")}`;
	const unfinished = window.byStatus.QUEUED + window.byStatus.IN_PROGRESS + window.byStatus.WAITING;
	const counts = [
		{ label: "Runs", value: window.total, link: { from: since } },
		{
			label: "Succeeded",
			value: window.byResult.SUCCESS,
			link: { from: since, result: "SUCCESS" },
		},
		{ label: "Failed", value: window.byResult.FAILED, link: { from: since, result: "FAILED" } },
		{
			label: "Cancelled",
			value: window.byResult.CANCELLED,
			link: { from: since, result: "CANCELLED" },
		},
		{ label: "Not ended", value: unfinished, link: null },
	];
	return (
		<section class="overview-card" aria-labelledby={id}>
			<h3 id={id}>{title}</h3>
			<dl class="counts">
				{counts.map((c) => (
					<div key={c.label} data-count={c.label}>
						<dt>{c.label}</dt>
						<dd>
							{c.link && c.value > 0 ? (
								<a href={href("/runs", c.link)}>{number.format(c.value)}</a>
							) : (
								number.format(c.value)
							)}
						</dd>
					</div>
				))}
			</dl>
			<RunChart
				buckets={window.buckets}
				label={`Runs of the ${title.toLowerCase()}`}
				sliceName={sliceName}
			/>
			{unfinished > 0 && (
				<p class="help">
					Not ended: {window.byStatus.IN_PROGRESS} in progress, {window.byStatus.WAITING} waiting,{" "}
					{window.byStatus.QUEUED} queued.
				</p>
			)}
		</section>
	);
}

function WorkflowList({
	workflows,
	failing,
	label,
}: {
	workflows: WorkflowCount[];
	failing: boolean;
	label: string;
}) {
	if (workflows.length === 0)
		return <Empty>{failing ? "No failed runs this week." : "No runs this week."}</Empty>;
	return (
		<ol class="ranked" aria-label={label}>
			{workflows.map((w) => (
				<li key={w.identifier}>
					<a href={href(`/workflows/${encodeURIComponent(w.identifier)}`)}>{w.title}</a>{" "}
					<a
						class="muted"
						href={href("/runs", {
							workflow: w.identifier,
							result: failing ? "FAILED" : undefined,
						})}
					>
						{failing
							? `${number.format(w.failed)} failed of ${number.format(w.runs)}`
							: `${number.format(w.runs)} run${w.runs === 1 ? "" : "s"}${w.failed > 0 ? `, ${number.format(w.failed)} failed` : ""}`}
					</a>
				</li>
			))}
		</ol>
	);
}

/** The runs filter's `from` is a local date-time (datetime-local); the API's `since` an instant. */
function localInput(iso: string): string {
	const d = new Date(iso);
	const pad = (n: number) => String(n).padStart(2, "0");
	return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function OverviewPage() {
	const overview = useResource((signal) => api<Overview>("/v1/tenant/overview", { signal }), []);
	useVisibleInterval(overview.reload, REFRESH_MS);
	const data = overview.data;
	return (
		<section>
			<h1 tabIndex={-1}>Overview</h1>
			<p class="muted">
				The runs you may see, by when they were requested; refreshed every 30 seconds.
			</p>
			<Resource resource={overview} what="overview">
				{(o) => (
					<>
						<h2>Concurrency</h2>
						<div class="concurrency">
							<label for="slots">
								{o.concurrency.inProgress} of {o.concurrency.limit} run slots in use
								{o.concurrency.queued > 0 ? `, ${o.concurrency.queued} queued` : ""}
							</label>
							<meter
								id="slots"
								min={0}
								max={o.concurrency.limit}
								high={Math.max(1, o.concurrency.limit - 1)}
								value={o.concurrency.inProgress}
							/>
							<a href="#/settings">Change the limit</a>
						</div>
						<h2>Runs</h2>
						<div class="overview-cards">
							<WindowCard
								title="Last 24 hours"
								window={o.last24Hours}
								sliceName={hourText}
								since={localInput(o.last24Hours.since)}
							/>
							<WindowCard
								title="Last 7 days"
								window={o.last7Days}
								sliceName={dayText}
								since={localInput(o.last7Days.since)}
							/>
						</div>
					</>
				)}
			</Resource>
			{/* Always drawn, so the page's sections are there while the counts load. */}
			<h2>Workflows</h2>
			{data && (
				<div class="overview-cards">
					<section class="overview-card" aria-labelledby="busiest">
						<h3 id="busiest">Busiest this week</h3>
						<WorkflowList workflows={data.busiest} failing={false} label="Busiest this week" />
					</section>
					<section class="overview-card" aria-labelledby="failing">
						<h3 id="failing">Most failing this week</h3>
						<WorkflowList workflows={data.mostFailing} failing label="Most failing this week" />
					</section>
				</div>
			)}
		</section>
	);
}

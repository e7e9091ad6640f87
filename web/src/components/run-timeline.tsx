// Where a run's time went: one row per node run (and per forEach item), each attempt, retry
// wait and delay a bar on one time axis, so the slow step stands out. A run still going grows
// in place (the right edge is now, renewed every second). Every bar also says in words what it
// is and how long it took, for screen readers and for the narrow screen.
import type { NodeRunFields, Run } from "../api/types";
import { formatDuration } from "../lib/time";
import { useNow } from "../lib/use-now";

type Kind = "queued" | "run" | "attempt" | "failed-attempt" | "retry-wait" | "delay" | "waiting";

interface Bar {
	kind: Kind;
	from: number;
	to: number;
	/** Still going: its end is now. */
	open: boolean;
	label: string;
}

interface Row {
	key: string;
	label: string;
	node: string;
	depth: 0 | 1;
	bars: Bar[];
}

const QUEUED_WORTH_SHOWING_MS = 100;

const t = (iso: string | null | undefined) => (iso ? Date.parse(iso) : null);

function taskBars(task: NodeRunFields, type: string, now: number): Bar[] {
	const start = t(task.startedAt);
	if (start === null) return [];
	const end = t(task.endedAt);
	const bars: Bar[] = [];
	if (task.attempts.length > 0) {
		task.attempts.forEach((a, i) => {
			const from = Date.parse(a.startedAt);
			const to = t(a.endedAt);
			const failed = a.error !== null;
			bars.push({
				kind: failed ? "failed-attempt" : "attempt",
				from,
				to: to ?? now,
				open: to === null,
				label: `attempt ${a.number}${a.responseStatus !== null ? `, answered ${a.responseStatus}` : ""}${failed && a.responseStatus === null ? ", failed" : ""}`,
			});
			const next = task.attempts[i + 1];
			if (to !== null && (next || task.status === "WAITING")) {
				const until = next ? Date.parse(next.startedAt) : now;
				if (until > to)
					bars.push({
						kind: "retry-wait",
						from: to,
						to: until,
						open: !next,
						label: `waiting to retry (attempt ${a.number + 1})`,
					});
			}
		});
		return bars;
	}
	const kind: Kind = type === "DELAY" ? "delay" : task.status === "WAITING" ? "waiting" : "run";
	bars.push({
		kind,
		from: start,
		to: end ?? now,
		open: end === null,
		label: type === "DELAY" ? "delay" : task.status === "WAITING" ? "waiting" : "ran",
	});
	return bars;
}

function rowsOf(run: Run, now: number): Row[] {
	const rows: Row[] = [];
	const created = Date.parse(run.createdAt);
	const started = t(run.startedAt);
	// A wait for a slot worth a row of its own: a few milliseconds of bookkeeping is not one.
	if (started === null || started - created >= QUEUED_WORTH_SHOWING_MS) {
		rows.push({
			key: "$queue",
			label: "Queued",
			node: "",
			depth: 0,
			bars: [
				{
					kind: "queued",
					from: created,
					to: started ?? t(run.endedAt) ?? now,
					open: started === null && run.endedAt === null,
					label: "waiting for a slot",
				},
			],
		});
	}
	const ordered = [...run.nodeRuns]
		.filter((n) => n.startedAt)
		.sort((a, b) => Date.parse(a.startedAt ?? "") - Date.parse(b.startedAt ?? ""));
	for (const n of ordered) {
		rows.push({
			key: n.node,
			label: n.title ?? n.node,
			node: n.node,
			depth: 0,
			bars: n.items ? taskBars({ ...n, attempts: [] }, "FOREACH", now) : taskBars(n, n.type, now),
		});
		for (const item of n.items ?? []) {
			if (!item.startedAt) continue;
			rows.push({
				key: `${n.node}#${item.index}`,
				label: `item ${item.index}`,
				node: n.node,
				depth: 1,
				bars: taskBars(item, n.type, now),
			});
		}
	}
	return rows;
}

/** Tick marks at a round step (1 ms … 1 day) giving about six labels. */
function ticks(span: number): number[] {
	const steps = [
		1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 15e3, 3e4, 6e4, 12e4, 3e5, 6e5, 9e5,
		18e5, 36e5, 72e5, 216e5, 432e5, 864e5,
	];
	const step = steps.find((s) => span / s <= 6) ?? 864e5;
	const out: number[] = [];
	for (let x = 0; x <= span; x += step) out.push(x);
	return out;
}

export function RunTimeline({ run }: { run: Run }) {
	const live = run.status !== "COMPLETED";
	const now = useNow(live);
	const rows = rowsOf(run, now);
	if (rows.length === 0) return <p class="state empty">No node has started yet.</p>;
	const origin = Math.min(...rows.flatMap((r) => r.bars.map((b) => b.from)));
	const end = live
		? now
		: (t(run.endedAt) ?? Math.max(...rows.flatMap((r) => r.bars.map((b) => b.to))));
	const span = Math.max(end - origin, 1);
	const pct = (x: number) => `${(((x - origin) / span) * 100).toFixed(3)}%`;
	const width = (b: Bar) => `${Math.max(((b.to - b.from) / span) * 100, 0.4).toFixed(3)}%`;
	return (
		<figure class="timeline" aria-labelledby="timeline-caption">
			<figcaption id="timeline-caption" class="help">
				{live ? "Growing as the run goes; " : ""}
				{formatDuration(span)} from the first request to {live ? "now" : "the end"}. Attempts, waits
				before a retry and delays are bars of their own.
			</figcaption>
			<div class="timeline-row timeline-axis" aria-hidden="true">
				<span />
				<span class="timeline-ticks">
					{ticks(span).map((x) => (
						<span key={x} style={{ left: pct(origin + x) }}>
							{formatDuration(x)}
						</span>
					))}
				</span>
				<span />
			</div>
			<ol class="timeline-rows">
				{rows.map((row) => (
					<li key={row.key} class={`timeline-row depth-${row.depth}`} data-timeline-row={row.key}>
						<span class="timeline-label">
							{row.node && row.depth === 0 ? (
								<a href={`#/runs/${run.id}?node=${encodeURIComponent(row.node)}`}>{row.label}</a>
							) : (
								row.label
							)}
						</span>
						<span class="timeline-track">
							{row.bars.map((b) => (
								<span
									key={`${b.kind}${b.from}`}
									class={`bar ${b.kind}${b.open ? " open" : ""}`}
									style={{ left: pct(b.from), width: width(b) }}
									data-kind={b.kind}
								>
									<span class="visually-hidden">
										{b.label}: {formatDuration(b.to - b.from)}
										{b.open ? " so far; " : "; "}
									</span>
								</span>
							))}
						</span>
						<span class="timeline-took">
							{formatDuration(
								Math.max(...row.bars.map((b) => b.to)) - Math.min(...row.bars.map((b) => b.from)),
							)}
						</span>
					</li>
				))}
			</ol>
			<ul class="timeline-legend" aria-label="Legend">
				<li>
					<span class="bar attempt" /> call
				</li>
				<li>
					<span class="bar failed-attempt" /> failed call
				</li>
				<li>
					<span class="bar retry-wait" /> wait before retry
				</li>
				<li>
					<span class="bar delay" /> delay
				</li>
				<li>
					<span class="bar run" /> node
				</li>
				<li>
					<span class="bar queued" /> queued
				</li>
			</ul>
		</figure>
	);
}

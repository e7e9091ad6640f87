// Runs you may see, newest first: the API's filters, cursor paging, and a refresh every 5 s
// while the tab is visible.
import { useEffect, useState } from "preact/hooks";
import { api, query } from "../api/client";
import type { Session } from "../api/session";
import type { Page, RunSummary } from "../api/types";
import { StateBadge } from "../components/badges";
import { BulkActions } from "../components/bulk-actions";
import { FILTER_KEYS, type Filters, RunFilters } from "../components/run-filters";
import { ScrollRegion } from "../components/scroll-region";
import { Empty, Resource } from "../components/states";
import { TimeText } from "../components/time-text";
import { href, navigate } from "../lib/router";
import { durationBetween, formatRelative } from "../lib/time";
import { useResource } from "../lib/use-resource";
import { useVisibleInterval } from "../lib/use-visible-interval";

const PAGE_SIZE = 25;
const REFRESH_MS = 5000;

/** datetime-local has no zone: it is the viewer's local time, sent to the API as an instant. */
function instant(local?: string): string | undefined {
	const time = local ? new Date(local) : undefined;
	return time && !Number.isNaN(time.getTime()) ? time.toISOString() : undefined; // ignore a hand-edited URL's nonsense
}

function listUrl(filters: Filters, cursor: string | undefined) {
	return `/v1/workflows/runs${query({
		workflowIdentifiers: filters.workflow,
		status: filters.status,
		result: filters.result,
		initiatedBy: filters.initiator,
		startedAfter: instant(filters.from),
		startedBefore: instant(filters.to),
		search: filters.search,
		limit: PAGE_SIZE,
		cursor,
	})}`;
}

export function RunsPage({ query: params, session }: { query: URLSearchParams; session: Session }) {
	const filters: Filters = {};
	for (const key of FILTER_KEYS) filters[key] = params.get(key) ?? undefined;
	const filterKey = JSON.stringify(filters);
	// Cursors of the pages before this one; a new filter starts again at the newest runs.
	const [cursors, setCursors] = useState<string[]>([]);
	useEffect(() => setCursors([]), [filterKey]);
	const cursor = cursors[cursors.length - 1];
	const [autoRefresh, setAutoRefresh] = useState(true);
	const [loadedAt, setLoadedAt] = useState(Date.now());

	const page = useResource(
		(signal) =>
			// "updated …" is the last load that worked, not the last attempt.
			api<Page<RunSummary>>(listUrl(filters, cursor), { signal }).then((data) => {
				setLoadedAt(Date.now());
				return data;
			}),
		[filterKey, cursor],
	);
	useVisibleInterval(page.reload, REFRESH_MS, autoRefresh);
	// Picked runs, kept while the list refreshes; a new filter or page starts a new pick.
	const [selected, setSelected] = useState<Set<string>>(new Set());
	useEffect(() => setSelected(new Set()), [filterKey, cursor]);
	const canAct = session.claims.role !== "viewer";

	return (
		<section>
			<h1 tabIndex={-1}>Runs</h1>
			<RunFilters
				filters={filters}
				onChange={(next) => navigate(href("/runs", next), { replace: true })}
			/>
			<div class="toolbar">
				<input
					id="auto-refresh"
					type="checkbox"
					checked={autoRefresh}
					onChange={(e) => setAutoRefresh(e.currentTarget.checked)}
				/>
				<label for="auto-refresh">Refresh every 5 s</label>
				<span class="muted" aria-live="off">
					updated {formatRelative(new Date(loadedAt).toISOString())}
				</span>
			</div>
			<Resource resource={page} what="runs">
				{(data) =>
					data.data.length === 0 ? (
						<Empty>
							{data.nextCursor
								? // A page searches a bounded stretch of runs; a cursor means older ones remain.
									"None of the runs this page searched match. Older runs may: press Older."
								: cursors.length > 0
									? "No older runs."
									: Object.values(filters).some(Boolean)
										? "No runs match these filters."
										: "No runs yet. Start one from a workflow's page."}
						</Empty>
					) : (
						<>
							{canAct && (
								<BulkActions
									selected={data.data.filter((r) => selected.has(r.id)).map((r) => r.id)}
									onDone={() => {
										setSelected(new Set());
										page.reload();
									}}
								/>
							)}
							<RunsTable
								runs={data.data}
								selected={canAct ? selected : null}
								onSelect={setSelected}
							/>
						</>
					)
				}
			</Resource>
			<nav class="toolbar" aria-label="Pages">
				<button type="button" disabled={cursors.length === 0} onClick={() => setCursors([])}>
					Newest
				</button>
				<button
					type="button"
					disabled={cursors.length === 0}
					onClick={() => setCursors(cursors.slice(0, -1))}
				>
					Newer
				</button>
				<button
					type="button"
					disabled={!page.data?.nextCursor}
					onClick={() => page.data?.nextCursor && setCursors([...cursors, page.data.nextCursor])}
				>
					Older
				</button>
				<span class="muted">Page {cursors.length + 1}</span>
			</nav>
		</section>
	);
}

function RunsTable({
	runs,
	selected,
	onSelect,
}: {
	runs: RunSummary[];
	/** null: no selection (viewers cannot act on runs). */
	selected: Set<string> | null;
	onSelect: (next: Set<string>) => void;
}) {
	const all = selected !== null && runs.length > 0 && runs.every((r) => selected.has(r.id));
	const toggle = (id: string, on: boolean) => {
		const next = new Set(selected);
		if (on) next.add(id);
		else next.delete(id);
		onSelect(next);
	};
	return (
		<ScrollRegion class="table-scroll" label="Runs">
			<table>
				<thead>
					<tr>
						{selected && (
							<th scope="col" class="pick">
								<input
									type="checkbox"
									aria-label="Select every run on this page"
									checked={all}
									onChange={(e) =>
										onSelect(new Set(e.currentTarget.checked ? runs.map((r) => r.id) : []))
									}
								/>
							</th>
						)}
						<th scope="col">Run</th>
						<th scope="col">Status</th>
						<th scope="col">Started</th>
						<th scope="col" class="hide-narrow">
							Took
						</th>
						<th scope="col" class="hide-narrow">
							Initiator
						</th>
					</tr>
				</thead>
				<tbody>
					{runs.map((r) => (
						<tr key={r.id} data-run={r.id}>
							{selected && (
								<td class="pick">
									<input
										type="checkbox"
										aria-label={`Select run ${r.id}`}
										checked={selected.has(r.id)}
										onChange={(e) => toggle(r.id, e.currentTarget.checked)}
									/>
								</td>
							)}
							<td>
								<a href={`#/runs/${r.id}`}>{r.workflow.title}</a>
								<div class="mono muted">
									{r.id.slice(0, 12)}… v{r.workflow.version}
								</div>
							</td>
							<td>
								<StateBadge status={r.status} result={r.result} />
							</td>
							<td>
								<TimeText iso={r.startedAt ?? r.createdAt} />
							</td>
							<td class="hide-narrow">
								{r.startedAt ? durationBetween(r.startedAt, r.endedAt) : "—"}
							</td>
							<td class="hide-narrow">{r.initiator}</td>
						</tr>
					))}
				</tbody>
			</table>
		</ScrollRegion>
	);
}

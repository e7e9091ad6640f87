// Workflows: search by identifier or title, newest data first page, "Load more" for the rest.
import { useState } from "preact/hooks";
import { api, query } from "../api/client";
import type { Page, WorkflowSummary } from "../api/types";
import { Empty, ErrorNotice, Resource } from "../components/states";
import { TimeText } from "../components/time-text";
import { useDebounced } from "../lib/use-debounced";
import { usePaged } from "../lib/use-paged";
import { useResource } from "../lib/use-resource";

const listUrl = (search: string, cursor?: string) =>
	`/v1/workflows${query({ limit: 50, search: search || undefined, cursor })}`;

export function WorkflowsPage() {
	const [search, setSearch] = useState("");
	const settled = useDebounced(search.trim());
	const first = useResource(
		(signal) => api<Page<WorkflowSummary>>(listUrl(settled), { signal }),
		[settled],
	);
	const paged = usePaged(first.data, (cursor) =>
		api<Page<WorkflowSummary>>(listUrl(settled, cursor)),
	);
	return (
		<section>
			<h1 tabIndex={-1}>Workflows</h1>
			<div class="toolbar">
				<a class="button primary" href="#/new">
					New workflow
				</a>
				<label for="workflow-search">Search</label>
				<input
					id="workflow-search"
					type="search"
					placeholder="identifier or title"
					value={search}
					onInput={(e) => setSearch(e.currentTarget.value)}
				/>
			</div>
			<Resource resource={first} what="workflows">
				{() =>
					paged.items.length === 0 ? (
						<Empty>
							{settled
								? `No workflow matches “${settled}”.`
								: "No workflows yet. Create one with POST /v1/workflows (see the API docs)."}
						</Empty>
					) : (
						<ul class="cards" aria-label="Workflows">
							{paged.items.map((w) => (
								<li key={w.identifier} class="card">
									<a href={`#/workflows/${encodeURIComponent(w.identifier)}`} class="card-title">
										{w.title || w.identifier}
									</a>
									<div class="muted mono">{w.identifier}</div>
									{w.description && <p>{w.description}</p>}
									<div class="meta">
										v{w.version} · updated <TimeText iso={w.updatedAt} /> by {w.updatedBy}
									</div>
								</li>
							))}
						</ul>
					)
				}
			</Resource>
			{paged.error && <ErrorNotice error={paged.error} onRetry={paged.more} />}
			{paged.hasMore && (
				<button type="button" onClick={paged.more} disabled={paged.busy}>
					{paged.busy ? "Loading…" : "Load more"}
				</button>
			)}
		</section>
	);
}

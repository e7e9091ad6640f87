// The audit log (admins): every write with who, when, what, on what and how it ended, newest
// first. Filters live in the URL (#/audit?action=…&from=2026-12-01) like the runs page's, so a
// view can be shared; "Older" pages on with the API's cursor.
import { useEffect, useState } from "preact/hooks";
import { api, query } from "../api/client";
import type { AuditEvent, Page } from "../api/types";
import { Empty, ErrorNotice, Resource } from "../components/states";
import { TimeText } from "../components/time-text";
import { href, navigate } from "../lib/router";
import { useDebounced } from "../lib/use-debounced";
import { usePaged } from "../lib/use-paged";
import { useResource } from "../lib/use-resource";

const FILTERS = ["actor", "action", "target", "outcome", "from", "to"] as const;
type Filters = Partial<Record<(typeof FILTERS)[number], string>>;

/** A day picked in the page (YYYY-MM-DD) as the instant it starts, in the viewer's time zone. */
const dayStart = (day: string | undefined, plusDays = 0) => {
	if (!day) return undefined;
	const start = new Date(`${day}T00:00`);
	if (Number.isNaN(start.getTime())) return undefined;
	start.setDate(start.getDate() + plusDays);
	return start.toISOString();
};

/** What the API records today; the box takes any action, these are suggestions. */
const ACTIONS = [
	"workflow.create",
	"workflow.update",
	"workflow.delete",
	"run.start",
	"run.start_batch",
	"run.cancel",
	"run.bulk_cancel",
	"run.retry",
	"run.input_respond",
	"secret.set",
	"secret.delete",
	"tenant.settings.update",
	"api_key.create",
	"api_key.revoke",
	"trigger.rotate",
	"trigger.update",
	"events.post",
];

/** "From" and "to" are whole days: from the first one's start to the end of the last. */
const listUrl = ({ from, to, ...filters }: Filters, cursor?: string) =>
	`/v1/audit-log${query({ ...filters, after: dayStart(from), before: dayStart(to, 1), limit: 50, cursor })}`;

export function AuditLogPage({ query: params }: { query: URLSearchParams }) {
	const filters: Filters = {};
	for (const key of FILTERS) filters[key] = params.get(key) ?? undefined;
	const filterKey = JSON.stringify(filters);
	const first = useResource(
		(signal) => api<Page<AuditEvent>>(listUrl(filters), { signal }),
		[filterKey],
	);
	const paged = usePaged(first.data, (cursor) => api<Page<AuditEvent>>(listUrl(filters, cursor)));
	return (
		<section>
			<h1 tabIndex={-1}>Audit log</h1>
			<p class="muted">
				Every write to this tenant, refused ones included, kept 90 days. Run starts are listed when
				an API key made them.
			</p>
			<AuditFilters
				filters={filters}
				onChange={(next) => navigate(href("/audit", next), { replace: true })}
			/>
			<Resource resource={first} what="audit log">
				{() =>
					paged.items.length === 0 ? (
						<Empty>
							{paged.hasMore
								? "None of the entries this page searched match. Older ones may: press Older."
								: Object.values(filters).some(Boolean)
									? "No entries match these filters."
									: "No writes recorded yet."}
						</Empty>
					) : (
						<AuditTable entries={paged.items} />
					)
				}
			</Resource>
			{paged.error && <ErrorNotice error={paged.error} onRetry={paged.more} />}
			{paged.hasMore && (
				<button type="button" onClick={paged.more} disabled={paged.busy}>
					{paged.busy ? "Loading…" : "Older"}
				</button>
			)}
		</section>
	);
}

function AuditFilters({ filters, onChange }: { filters: Filters; onChange: (f: Filters) => void }) {
	// Text boxes update the URL once typing pauses; the outcome at once.
	const [text, setText] = useState({
		actor: filters.actor ?? "",
		action: filters.action ?? "",
		target: filters.target ?? "",
	});
	const settled = useDebounced(text, 400);
	useEffect(() => {
		const changed = (["actor", "action", "target"] as const).some(
			(key) => settled[key] !== (filters[key] ?? ""),
		);
		if (changed) onChange({ ...filters, ...settled });
	}, [settled]);
	const box = (key: "actor" | "action" | "target", label: string, placeholder: string) => (
		<div>
			<label for={`a-${key}`}>{label}</label>
			<input
				id={`a-${key}`}
				value={text[key]}
				list={key === "action" ? "a-actions" : undefined}
				placeholder={placeholder}
				onInput={(e) => setText({ ...text, [key]: e.currentTarget.value })}
			/>
		</div>
	);
	return (
		<form class="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter the audit log">
			{box("actor", "Actor", "user or apikey:…")}
			{box("action", "Action", "workflow.update")}
			<datalist id="a-actions">
				{ACTIONS.map((a) => (
					<option key={a} value={a} />
				))}
			</datalist>
			{box("target", "Target", "identifier or id")}
			{(["from", "to"] as const).map((key) => (
				<div key={key}>
					<label for={`a-${key}`}>{key === "from" ? "From" : "To"}</label>
					<input
						id={`a-${key}`}
						type="date"
						value={filters[key] ?? ""}
						onChange={(e) => onChange({ ...filters, [key]: e.currentTarget.value })}
					/>
				</div>
			))}
			<div>
				<label for="a-outcome">Outcome</label>
				<select
					id="a-outcome"
					value={filters.outcome ?? ""}
					onChange={(e) => onChange({ ...filters, outcome: e.currentTarget.value })}
				>
					<option value="">Any</option>
					<option value="success">Succeeded</option>
					<option value="failure">Refused or failed</option>
				</select>
			</div>
		</form>
	);
}

function AuditTable({ entries }: { entries: AuditEvent[] }) {
	return (
		<div class="table-scroll">
			<table aria-label="Audit log">
				<thead>
					<tr>
						<th scope="col">When</th>
						<th scope="col">Actor</th>
						<th scope="col">Action</th>
						<th scope="col">Target</th>
						<th scope="col">Outcome</th>
						<th scope="col" class="hide-narrow">
							Request id
						</th>
					</tr>
				</thead>
				<tbody>
					{entries.map((e) => (
						<tr key={e.id} data-action={e.action}>
							<td>
								<TimeText iso={e.at} />
							</td>
							<td>
								{e.actor}
								{e.actorKind === "api_key" && <span class="muted"> (API key)</span>}
							</td>
							<td class="mono">{e.action}</td>
							<td>
								<Target target={e.target} />
							</td>
							<td>
								<span class={`badge ${e.outcome === "success" ? "success" : "failed"}`}>
									{e.outcome === "success" ? "Succeeded" : "Refused"}
								</span>{" "}
								<span class="muted">
									{e.status}
									{e.errorCode ? ` ${e.errorCode}` : ""}
								</span>
							</td>
							<td class="mono muted hide-narrow">{e.requestId}</td>
						</tr>
					))}
				</tbody>
			</table>
		</div>
	);
}

/** Runs and workflows link to their pages; other targets are named. */
function Target({ target }: { target: AuditEvent["target"] }) {
	if (target.id === null) return <span class="muted">{target.type}</span>;
	if (target.type === "run") return <a href={`#/runs/${target.id}`}>{target.id.slice(0, 12)}…</a>;
	if (target.type === "workflow")
		return <a href={`#/workflows/${encodeURIComponent(target.id)}`}>{target.id}</a>;
	return (
		<span>
			<span class="muted">{target.type.replace("_", " ")}</span> {target.id}
		</span>
	);
}

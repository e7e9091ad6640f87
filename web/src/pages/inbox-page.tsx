// The Inbox: the input requests waiting for the signed-in user across runs (GET /v1/inputs),
// newest first, each with its run's context, its form and buttons and who answered so far,
// answered from here. It refreshes while the tab is visible, so answers others send show up
// and decided requests leave. `?status=answered|closed` shows past requests; admins may list
// everyone's (`?everyone=1`).
import { api, query } from "../api/client";
import type { Session } from "../api/session";
import type { InputRequest, Page } from "../api/types";
import { InputRequestView, mayAnswer } from "../components/input-request";
import { Empty, ErrorNotice, Resource } from "../components/states";
import { TimeText } from "../components/time-text";
import { href, navigate } from "../lib/router";
import { usePaged } from "../lib/use-paged";
import { useResource } from "../lib/use-resource";
import { useVisibleInterval } from "../lib/use-visible-interval";

const STATUSES = [
	{ status: "pending", label: "Waiting for an answer" },
	{ status: "answered", label: "Answered" },
	{ status: "closed", label: "Closed (timed out or cancelled)" },
] as const;
type Status = (typeof STATUSES)[number]["status"];

/** How often the list is read again while the page is visible. */
const REFRESH_MS = 5_000;

const listUrl = (status: Status, everyone: boolean, cursor?: string) =>
	`/v1/inputs${query({ status, assignedTo: everyone ? "any" : undefined, cursor })}`;

export function InboxPage({
	query: params,
	session,
}: {
	query: URLSearchParams;
	session: Session;
}) {
	const status: Status = STATUSES.some((s) => s.status === params.get("status"))
		? (params.get("status") as Status)
		: "pending";
	const everyone = session.claims.role === "admin" && params.get("everyone") === "1";
	const first = useResource(
		(signal) => api<Page<InputRequest>>(listUrl(status, everyone), { signal }),
		[status, everyone],
	);
	useVisibleInterval(first.reload, REFRESH_MS);
	const paged = usePaged(first.data, (cursor) =>
		api<Page<InputRequest>>(listUrl(status, everyone, cursor)),
	);
	const show = (next: { status?: Status; everyone?: boolean }) =>
		navigate(
			href("/inbox", {
				status: (next.status ?? status) === "pending" ? undefined : (next.status ?? status),
				everyone: (next.everyone ?? everyone) ? "1" : undefined,
			}),
			{ replace: true },
		);
	return (
		<section>
			<h1 tabIndex={-1}>Inbox</h1>
			<p class="muted">
				{everyone
					? "Every input request of this tenant's runs."
					: "Input requests of runs that wait for you: answer them here, or open the run."}
			</p>
			<form class="filters" onSubmit={(e) => e.preventDefault()} aria-label="Which requests">
				<div>
					<label for="inbox-status">Show</label>
					<select
						id="inbox-status"
						value={status}
						onChange={(e) => show({ status: e.currentTarget.value as Status })}
					>
						{STATUSES.map((s) => (
							<option key={s.status} value={s.status}>
								{s.label}
							</option>
						))}
					</select>
				</div>
				{session.claims.role === "admin" && (
					<div class="check">
						<input
							id="inbox-everyone"
							type="checkbox"
							checked={everyone}
							onChange={(e) => show({ everyone: e.currentTarget.checked })}
						/>
						<label for="inbox-everyone">Everyone's requests</label>
					</div>
				)}
			</form>
			<Resource resource={first} what="input requests">
				{() =>
					paged.items.length === 0 ? (
						<Empty>
							{paged.hasMore
								? "None of the requests this page searched are yours. Older ones may be: press Older."
								: status === "pending"
									? "Nothing waits for you."
									: `No ${status} requests.`}
						</Empty>
					) : (
						<ul class="plain inbox" aria-label="Input requests">
							{paged.items.map((request) => (
								<li key={request.id}>
									<InboxEntry
										request={request}
										canAnswer={
											request.status === "pending" &&
											(!everyone || mayAnswer(request, session, request.initiatedBy))
										}
										onAnswered={first.reload}
									/>
								</li>
							))}
						</ul>
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

function InboxEntry({
	request,
	canAnswer,
	onAnswered,
}: {
	request: InputRequest;
	canAnswer: boolean;
	onAnswered: () => void;
}) {
	const headingId = `req-${request.id}`.replace(/[^\w-]/g, "_");
	return (
		<article class="card" aria-labelledby={headingId} data-run={request.runId}>
			<h2 id={headingId}>{request.title ?? request.node}</h2>
			<p class="meta">
				<a href={href(`/runs/${request.runId}`, { node: request.node })}>
					{request.workflow.title}
				</a>{" "}
				<span class="mono muted">{request.node}</span>
				{request.item !== null && <span class="muted"> item {request.item}</span>} · started by{" "}
				{request.initiatedBy} · asked <TimeText iso={request.openedAt} />
			</p>
			<InputRequestView
				runId={request.runId}
				node={request.node}
				request={request}
				canAnswer={canAnswer}
				onAnswered={onAnswered}
			/>
		</article>
	);
}

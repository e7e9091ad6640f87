// A workflow's triggers (members and admins): each webhook's URL with a copy button, its
// signature check, rotation (admins) and recent deliveries; each schedule's next ticks, last
// fires and pause/resume; each event trigger's type, fields and condition.
import { useState } from "preact/hooks";
import { api } from "../api/client";
import type { Session } from "../api/session";
import type { Delivery, Page, Trigger } from "../api/types";
import { useResource } from "../lib/use-resource";
import { ConfirmDialog } from "./confirm-dialog";
import { ErrorNotice, Resource } from "./states";
import { TimeText } from "./time-text";

interface Props {
	workflow: string;
	session: Session;
}

export function TriggersPanel({ workflow, session }: Props) {
	const base = `/v1/workflows/${encodeURIComponent(workflow)}/triggers`;
	const triggers = useResource((signal) => api<{ data: Trigger[] }>(base, { signal }), [base]);
	return (
		<Resource resource={triggers} what="the triggers">
			{({ data }) =>
				data.length === 0 ? (
					<p class="muted">No webhook, schedule or event triggers: runs start from the API only.</p>
				) : (
					<div class="triggers">
						{data.map((trigger) => (
							<article class="trigger" key={trigger.node}>
								<h3>
									<span class="mono">{trigger.node}</span>{" "}
									<span class="muted">{trigger.type.replace("_TRIGGER", "").toLowerCase()}</span>
								</h3>
								{trigger.webhook && (
									<WebhookTrigger
										base={base}
										trigger={trigger}
										session={session}
										onChanged={triggers.reload}
									/>
								)}
								{trigger.schedule && (
									<ScheduleTrigger base={base} trigger={trigger} onChanged={triggers.reload} />
								)}
								{trigger.event && <EventTrigger event={trigger.event} />}
							</article>
						))}
					</div>
				)
			}
		</Resource>
	);
}

function WebhookTrigger({
	base,
	trigger,
	session,
	onChanged,
}: {
	base: string;
	trigger: Trigger;
	session: Session;
	onChanged: () => void;
}) {
	const webhook = trigger.webhook;
	const [copied, setCopied] = useState<string | null>(null);
	const [asking, setAsking] = useState(false);
	const [busy, setBusy] = useState(false);
	const [problem, setProblem] = useState<unknown>(null);
	const deliveries = useResource(
		(signal) => api<Page<Delivery>>(`${base}/${trigger.node}/deliveries?limit=10`, { signal }),
		[base, trigger.node, webhook?.url],
	);
	if (!webhook) return null;
	const copy = async () => {
		try {
			await navigator.clipboard.writeText(webhook.url);
			setCopied("Copied.");
		} catch {
			setCopied("Copying is not allowed here: select the URL and copy it.");
		}
	};
	const rotate = async () => {
		setBusy(true);
		setProblem(null);
		try {
			await api(`${base}/${trigger.node}/rotate`, { method: "POST" });
			setAsking(false);
			onChanged();
		} catch (error) {
			setAsking(false);
			setProblem(error);
		} finally {
			setBusy(false);
		}
	};
	const signature = webhook.signature
		? `${webhook.signature.type} with secret ${webhook.signature.secret}`
		: "none (the URL is the only credential)";
	return (
		<>
			<dl class="facts">
				<dt>URL</dt>
				<dd>
					<code class="hook-url">{webhook.url}</code>{" "}
					<button type="button" onClick={copy}>
						Copy URL
					</button>{" "}
					<span role="status">{copied}</span>
				</dd>
				<dt>Verification</dt>
				<dd>{signature}</dd>
			</dl>
			{session.claims.role === "admin" && (
				<div class="toolbar">
					<button type="button" class="danger" onClick={() => setAsking(true)}>
						Rotate URL
					</button>
				</div>
			)}
			{asking && (
				<ConfirmDialog
					title="Rotate this webhook URL?"
					confirmLabel="Rotate"
					busy={busy}
					onConfirm={rotate}
					onCancel={() => setAsking(false)}
				>
					<p>The current URL stops working at once (404). Senders need the new one.</p>
				</ConfirmDialog>
			)}
			{problem !== null && <ErrorNotice error={problem} />}
			<h4>Recent deliveries</h4>
			<Resource resource={deliveries} what="deliveries">
				{(page) =>
					page.data.length === 0 ? (
						<p class="muted">No deliveries yet.</p>
					) : (
						<div class="table-scroll">
							<table>
								<thead>
									<tr>
										<th scope="col">Received</th>
										<th scope="col">Outcome</th>
										<th scope="col">Status</th>
										<th scope="col">Run</th>
									</tr>
								</thead>
								<tbody>
									{page.data.map((d) => (
										<tr key={d.id}>
											<td>
												<TimeText iso={d.receivedAt} />
											</td>
											<td title={d.detail ?? undefined}>{d.outcome}</td>
											<td>{d.status}</td>
											<td>
												{d.runId ? (
													<a class="mono" href={`#/runs/${d.runId}`}>
														{d.runId}
													</a>
												) : (
													<span class="muted">none</span>
												)}
											</td>
										</tr>
									))}
								</tbody>
							</table>
						</div>
					)
				}
			</Resource>
		</>
	);
}

function ScheduleTrigger({
	base,
	trigger,
	onChanged,
}: {
	base: string;
	trigger: Trigger;
	onChanged: () => void;
}) {
	const schedule = trigger.schedule;
	const [busy, setBusy] = useState(false);
	const [problem, setProblem] = useState<unknown>(null);
	if (!schedule) return null;
	const toggle = async () => {
		setBusy(true);
		setProblem(null);
		try {
			await api(`${base}/${trigger.node}`, {
				method: "PATCH",
				body: { paused: !schedule.paused },
			});
			onChanged();
		} catch (error) {
			setProblem(error);
		} finally {
			setBusy(false);
		}
	};
	return (
		<>
			<dl class="facts">
				<dt>Cron</dt>
				<dd>
					<code>{schedule.cron}</code> in {schedule.timezone}, overlap {schedule.overlap}
				</dd>
				<dt>State</dt>
				<dd>{schedule.paused ? "paused" : "active"}</dd>
			</dl>
			<div class="toolbar">
				<button type="button" disabled={busy} onClick={toggle}>
					{schedule.paused ? "Resume schedule" : "Pause schedule"}
				</button>
			</div>
			{problem !== null && <ErrorNotice error={problem} />}
			<h4>Next ticks</h4>
			{schedule.nextTicks.length === 0 ? (
				<p class="muted">None while paused.</p>
			) : (
				<ul class="ticks">
					{schedule.nextTicks.map((tick) => (
						<li key={tick}>
							<TimeText iso={tick} />
						</li>
					))}
				</ul>
			)}
			<h4>Last fires</h4>
			{schedule.lastFires.length === 0 ? (
				<p class="muted">Not fired yet.</p>
			) : (
				<ul class="ticks">
					{schedule.lastFires.map((fire) => (
						<li key={`${fire.tickAt}-${fire.outcome}`}>
							<TimeText iso={fire.tickAt} /> {fire.outcome}
							{fire.runId && (
								<>
									{" "}
									<a class="mono" href={`#/runs/${fire.runId}`}>
										{fire.runId}
									</a>
								</>
							)}
							{fire.detail && <span class="muted"> ({fire.detail})</span>}
						</li>
					))}
				</ul>
			)}
		</>
	);
}

function EventTrigger({ event }: { event: NonNullable<Trigger["event"]> }) {
	const fields = Object.entries(event.fields);
	const expressions = event.condition?.expressions ?? [];
	return (
		<dl class="facts">
			<dt>Event type</dt>
			<dd>
				<code>{event.type}</code>
			</dd>
			{fields.length > 0 && (
				<>
					<dt>Fields</dt>
					<dd>
						{fields.map(([name, value]) => (
							<code key={name}>
								{name} = {value}{" "}
							</code>
						))}
					</dd>
				</>
			)}
			<dt>Condition</dt>
			<dd>
				{expressions.length === 0 ? (
					<span class="muted">none: every event of this type</span>
				) : (
					<>
						{expressions.map((e) => (
							<code key={e} class="condition">
								{e}
							</code>
						))}
						{expressions.length > 1 && (
							<span class="muted"> ({event.condition?.combinator ?? "and"})</span>
						)}
					</>
				)}
			</dd>
		</dl>
	);
}

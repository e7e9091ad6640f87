// The tenant's notification endpoints on the Settings page: a list an admin edits (URL, events,
// Slack or JSON, the secret that signs) and saves with the rest of the settings, with the API's
// errors beside the field they name; others see the list.
import type { NotificationEndpoint } from "../api/types";

export const NOTICE_EVENTS = [
	"run.waiting_for_input",
	"run.failed",
	"run.completed",
	"run.cancelled",
] as const;

/** One endpoint as the form holds it (format and secret "" for none). */
export interface EndpointDraft {
	url: string;
	events: string[];
	format: "" | "slack";
	secret: string;
}

export const draftsOf = (endpoints: NotificationEndpoint[]): EndpointDraft[] =>
	endpoints.map((e) => ({
		url: e.url,
		events: [...e.events],
		format: e.format ?? "",
		secret: e.secret ?? "",
	}));

/** What the API takes: empty format and secret left out. */
export const endpointsOf = (drafts: EndpointDraft[]): NotificationEndpoint[] =>
	drafts.map((d) => ({
		url: d.url.trim(),
		events: NOTICE_EVENTS.filter((e) => d.events.includes(e)),
		...(d.format ? { format: d.format } : {}),
		...(d.secret ? { secret: d.secret } : {}),
	}));

export function NotificationList({ endpoints }: { endpoints: NotificationEndpoint[] }) {
	if (endpoints.length === 0) return <p class="muted">No notification endpoints.</p>;
	return (
		<ul class="plain">
			{endpoints.map((e, i) => (
				<li key={i}>
					<span class="mono">{e.url}</span>: {e.events.join(", ")}
					{e.format === "slack" ? " (Slack)" : ""}
				</li>
			))}
		</ul>
	);
}

export function NotificationEditor({
	drafts,
	onChange,
	secrets,
	errorAt,
}: {
	drafts: EndpointDraft[];
	onChange: (drafts: EndpointDraft[]) => void;
	secrets: string[];
	errorAt: (pointer: string) => string | undefined;
}) {
	const update = (i: number, change: Partial<EndpointDraft>) =>
		onChange(drafts.map((d, j) => (j === i ? { ...d, ...change } : d)));
	return (
		<fieldset class="notification-endpoints">
			<legend>Notifications</legend>
			<p class="help">
				Each endpoint gets a signed POST (Standard Webhooks) when a run waits for input, fails,
				completes or is cancelled. Runs notify the endpoints set when they started.
			</p>
			{drafts.map((d, i) => {
				const urlError = errorAt(`/notifications/${i}/url`);
				const eventsError = errorAt(`/notifications/${i}/events`);
				const secretError = errorAt(`/notifications/${i}/secret`);
				const n = i + 1;
				return (
					<fieldset class="endpoint" key={i}>
						<legend>Endpoint {n}</legend>
						<div class={`field ${urlError ? "has-error" : ""}`}>
							<label for={`notify-url-${i}`}>Endpoint {n} URL</label>
							<input
								id={`notify-url-${i}`}
								type="url"
								value={d.url}
								aria-invalid={urlError ? true : undefined}
								onInput={(e) => update(i, { url: e.currentTarget.value })}
							/>
							{urlError && <p class="field-error">{urlError}</p>}
						</div>
						<fieldset class={`field events ${eventsError ? "has-error" : ""}`}>
							<legend>Endpoint {n} events</legend>
							{NOTICE_EVENTS.map((event) => (
								<label key={event} class="check">
									<input
										type="checkbox"
										checked={d.events.includes(event)}
										onChange={(e) =>
											update(i, {
												events: e.currentTarget.checked
													? [...d.events, event]
													: d.events.filter((x) => x !== event),
											})
										}
									/>{" "}
									{event}
								</label>
							))}
							{eventsError && <p class="field-error">{eventsError}</p>}
						</fieldset>
						<div class="field">
							<label for={`notify-format-${i}`}>Endpoint {n} format</label>
							<select
								id={`notify-format-${i}`}
								value={d.format}
								onChange={(e) =>
									update(i, { format: e.currentTarget.value === "slack" ? "slack" : "" })
								}
							>
								<option value="">JSON event</option>
								<option value="slack">Slack incoming webhook</option>
							</select>
						</div>
						<div class={`field ${secretError ? "has-error" : ""}`}>
							<label for={`notify-secret-${i}`}>Endpoint {n} signing secret</label>
							<select
								id={`notify-secret-${i}`}
								value={d.secret}
								aria-invalid={secretError ? true : undefined}
								onChange={(e) => update(i, { secret: e.currentTarget.value })}
							>
								<option value="">None: not signed</option>
								{[...new Set([...(d.secret ? [d.secret] : []), ...secrets])].map((s) => (
									<option key={s} value={s}>
										{s}
									</option>
								))}
							</select>
							{secretError && <p class="field-error">{secretError}</p>}
						</div>
						<button type="button" onClick={() => onChange(drafts.filter((_, j) => j !== i))}>
							Remove endpoint {n}
						</button>
					</fieldset>
				);
			})}
			<button
				type="button"
				onClick={() =>
					onChange([
						...drafts,
						{ url: "", events: ["run.waiting_for_input"], format: "", secret: "" },
					])
				}
			>
				Add a notification endpoint
			</button>
		</fieldset>
	);
}

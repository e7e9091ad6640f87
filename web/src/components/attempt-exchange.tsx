// One outgoing call: what was sent beside what came back (the start of the answer the run keeps),
// so a failed call explains itself without leaving the page.
import type { Attempt, ResponseExcerpt } from "../api/types";
import { durationBetween } from "../lib/time";
import { withHidden } from "./hidden-badge";
import { JsonBlock, TextBlock } from "./json-block";
import { TimeText } from "./time-text";

function Headers({ headers, label }: { headers: Record<string, string>; label: string }) {
	const entries = Object.entries(headers);
	if (entries.length === 0) return <p class="muted">No headers.</p>;
	return (
		<dl class="headers mono" aria-label={label}>
			{entries.map(([name, value]) => (
				<div key={name}>
					<dt>{name}</dt>
					<dd>{withHidden(value)}</dd>
				</div>
			))}
		</dl>
	);
}

/** The body as the receiver sent it: pretty JSON when it parses, the text otherwise. */
function ResponseBody({ response, label }: { response: ResponseExcerpt; label: string }) {
	if (response.body === "") return <p class="muted">Empty body.</p>;
	let shown: string = response.body;
	try {
		if (!response.bodyTruncated) shown = JSON.stringify(JSON.parse(response.body), null, 2);
	} catch {
		// Not JSON: the text as received.
	}
	return (
		<>
			<TextBlock text={shown} label={label} />
			{response.bodyTruncated && (
				<p class="help">
					The run keeps the first 4 KiB of each answer; this body was{" "}
					{new Intl.NumberFormat().format(response.bodyBytes)} bytes.
				</p>
			)}
		</>
	);
}

function outcomeText(attempt: Attempt): string {
	if (attempt.endedAt === null) return "waiting for the answer";
	if (attempt.responseStatus !== null) return `answered ${attempt.responseStatus}`;
	return "no answer";
}

export function AttemptExchange({ attempt, label }: { attempt: Attempt; label: string }) {
	const name = `${label}, attempt ${attempt.number}`;
	const failed = attempt.error !== null;
	return (
		<section
			class={`exchange ${failed ? "failed" : ""}`}
			aria-label={`Attempt ${attempt.number}`}
			data-attempt={attempt.number}
		>
			<h4>
				Attempt {attempt.number}{" "}
				<span class={`badge ${failed ? "failed" : attempt.endedAt ? "success" : "in-progress"}`}>
					{outcomeText(attempt)}
				</span>
			</h4>
			<p class="meta">
				Started <TimeText iso={attempt.startedAt} />
				{attempt.endedAt && ` · took ${durationBetween(attempt.startedAt, attempt.endedAt)}`}
			</p>
			{attempt.error && (
				<p class="field-error">
					{attempt.error.code}: {withHidden(attempt.error.message)}
				</p>
			)}
			<div class="exchange-sides">
				<div class="side">
					<h5>Request</h5>
					<p class="mono url">
						{attempt.request.method} {withHidden(attempt.request.url)}
					</p>
					<Headers headers={attempt.request.headers} label={`Request headers of ${name}`} />
					{attempt.request.body !== null && attempt.request.body !== undefined && (
						<JsonBlock value={attempt.request.body} label={`Request body of ${name}`} />
					)}
				</div>
				<div class="side">
					<h5>Response</h5>
					{attempt.response ? (
						<>
							<p class="mono">HTTP {attempt.responseStatus}</p>
							<Headers headers={attempt.response.headers} label={`Response headers of ${name}`} />
							{attempt.response.headersTruncated && (
								<p class="help">More headers came than the run keeps.</p>
							)}
							<ResponseBody response={attempt.response} label={`Response body of ${name}`} />
						</>
					) : (
						<p class="muted">
							{attempt.endedAt === null
								? "The call is in flight."
								: attempt.responseStatus !== null
									? `HTTP ${attempt.responseStatus} (this run was recorded before answers were kept).`
									: "No answer came (see the error above)."}
						</p>
					)}
				</div>
			</div>
		</section>
	);
}

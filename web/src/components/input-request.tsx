// An INPUT node's request: what it asks (title, description, due time), who answered so far and
// the decision, and, for someone who may answer, its form with one button per outlet. The Inbox
// and the run page's waiting node both show it; answering goes through the run's one door,
// POST /v1/runs/{runId}/inputs/{node}, with an Idempotency-Key per click.
import { useMemo, useState } from "preact/hooks";
import { ApiProblem, api } from "../api/client";
import type { Session } from "../api/session";
import type { InputRequestFields } from "../api/types";
import { fieldsOf, inputsOf, newIdempotencyKey, problemsByField } from "../lib/input-fields";
import { InputControl } from "./input-control";
import { JsonBlock } from "./json-block";
import { ErrorNotice } from "./states";
import { TimeText } from "./time-text";

/** Whether `session` may answer the request now, by the rules the run applies (the run decides). */
export function mayAnswer(
	request: InputRequestFields,
	session: Session,
	initiator: string,
): boolean {
	const { sub, role } = session.claims;
	if (request.decided !== null || request.responses.some((r) => r.by === sub)) return false;
	if (!request.allowInitiator && initiator === sub) return false;
	const { roles, users } = request.responders;
	return (roles ?? (users ? [] : ["admin", "member"])).includes(role) || !!users?.includes(sub);
}

interface Props {
	runId: string;
	node: string;
	request: InputRequestFields;
	/** Show the form and buttons (the caller checked `mayAnswer`, or the API listed it as theirs). */
	canAnswer: boolean;
	/** The response was stored: reload what shows the request. */
	onAnswered: () => void;
}

export function InputRequestView({ runId, node, request, canAnswer, onAnswered }: Props) {
	const needed = request.numOfResponders;
	return (
		<div class="input-request" data-node={node}>
			{request.description && <p class="input-description">{request.description}</p>}
			<p class="meta">
				{request.decided ? (
					<>
						Decided: <strong>{request.decided.outlet}</strong> ({decidedWords(request.decided.by)}){" "}
						<TimeText iso={request.decided.at} />
					</>
				) : (
					<>
						{request.responses.length} of {needed}{" "}
						{needed === 1 ? "response" : "agreeing responses"} needed
						{request.dueAt && (
							<>
								{" "}
								· times out <TimeText iso={request.dueAt} />
							</>
						)}
					</>
				)}
			</p>
			<Responses request={request} />
			{canAnswer && request.decided === null && (
				<AnswerForm runId={runId} node={node} request={request} onAnswered={onAnswered} />
			)}
		</div>
	);
}

const decidedWords = (by: string) =>
	by === "decisive" ? "a decisive answer" : by === "timeout" ? "timed out" : "enough agreed";

function Responses({ request }: { request: InputRequestFields }) {
	if (request.responses.length === 0) return <p class="muted">Nobody has answered yet.</p>;
	return (
		<ul class="plain responses" aria-label="Answers so far">
			{request.responses.map((r) => (
				<li key={r.by}>
					<strong>{r.by}</strong> answered <span class="mono">{r.outlet}</span>{" "}
					<TimeText iso={r.at} />
					{r.comment && <q class="comment">{r.comment}</q>}
					{isFilled(r.inputs) && <JsonBlock value={r.inputs} label={`Inputs from ${r.by}`} />}
				</li>
			))}
		</ul>
	);
}

const isFilled = (inputs: unknown) =>
	inputs !== null && typeof inputs === "object" && Object.keys(inputs).length > 0;

function AnswerForm({
	runId,
	node,
	request,
	onAnswered,
}: {
	runId: string;
	node: string;
	request: InputRequestFields;
	onAnswered: () => void;
}) {
	const fields = useMemo(() => fieldsOf(request.form ?? undefined), [request.form]);
	const [values, setValues] = useState<Record<string, string>>({});
	const [comment, setComment] = useState("");
	const [busy, setBusy] = useState<string | null>(null);
	const [problem, setProblem] = useState<unknown>(null);
	const { byField, rest } = problemsByField(
		problem instanceof ApiProblem ? problem.errors : [],
		fields,
	);

	const answer = async (outlet: string) => {
		setBusy(outlet);
		setProblem(null);
		try {
			await api(`/v1/runs/${encodeURIComponent(runId)}/inputs/${encodeURIComponent(node)}`, {
				method: "POST",
				body: {
					outlet,
					inputs: inputsOf(fields, values),
					...(comment.trim() ? { comment: comment.trim() } : {}),
				},
				headers: { "idempotency-key": newIdempotencyKey() },
			});
			onAnswered();
		} catch (error) {
			setProblem(error);
		} finally {
			setBusy(null);
		}
	};

	const id = `answer-${runId}-${node}`.replace(/[^\w-]/g, "_");
	return (
		<form class="answer" onSubmit={(e) => e.preventDefault()} noValidate aria-label="Your answer">
			{fields.map((field) => (
				<InputControl
					key={field.name}
					idPrefix={id}
					field={field}
					value={values[field.name] ?? field.initial}
					error={byField[field.name]}
					onChange={(value) => setValues((previous) => ({ ...previous, [field.name]: value }))}
				/>
			))}
			<div class="field">
				<label for={`${id}-comment`}>Comment (optional)</label>
				<textarea
					id={`${id}-comment`}
					rows={2}
					maxLength={2000}
					value={comment}
					onInput={(e) => setComment(e.currentTarget.value)}
				/>
			</div>
			{problem !== null && (rest.length > 0 || Object.keys(byField).length === 0) && (
				<ErrorNotice error={problem} />
			)}
			{rest.length > 0 && (
				<ul class="field-error">
					{rest.map((message) => (
						<li key={message}>{message}</li>
					))}
				</ul>
			)}
			<div class="buttons">
				{request.buttons.map((b) => (
					<button
						key={b.outlet}
						type="button"
						class={isDecisive(request, b.outlet) ? "danger" : "primary"}
						disabled={busy !== null}
						onClick={() => answer(b.outlet)}
					>
						{busy === b.outlet ? "Sending…" : b.title}
					</button>
				))}
			</div>
		</form>
	);
}

const isDecisive = (request: InputRequestFields, outlet: string) =>
	request.outlets.some((o) => o.identifier === outlet && o.decisive);

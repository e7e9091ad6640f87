// "Start a run": a form generated from the trigger's userInputs. Each submission carries a new
// Idempotency-Key; the API's 422 errors are shown beside the fields they point at.
import { useMemo, useState } from "preact/hooks";
import { ApiProblem, api } from "../api/client";
import type { Run, WorkflowNode } from "../api/types";
import { fieldsOf, inputsOf, newIdempotencyKey, problemsByField } from "../lib/input-fields";
import { navigate } from "../lib/router";
import { InputControl } from "./input-control";
import { ErrorNotice } from "./states";

interface Props {
	workflow: string;
	trigger: WorkflowNode;
	version: number;
	latest: boolean;
}

export function StartRunForm({ workflow, trigger, version, latest }: Props) {
	const fields = useMemo(() => fieldsOf(trigger.config.userInputs), [trigger]);
	const [values, setValues] = useState<Record<string, string>>({});
	const [busy, setBusy] = useState(false);
	const [problem, setProblem] = useState<unknown>(null);

	const { byField: fieldErrors, rest: formErrors } = problemsByField(
		problem instanceof ApiProblem ? problem.errors : [],
		fields,
	);

	const submit = async (event: Event) => {
		event.preventDefault();
		setBusy(true);
		setProblem(null);
		try {
			const body = {
				inputs: inputsOf(fields, values),
				triggerIdentifier: trigger.identifier,
				...(latest ? {} : { version }),
			};
			const run = await api<Run>(`/v1/workflows/${encodeURIComponent(workflow)}/runs`, {
				method: "POST",
				body,
				headers: { "idempotency-key": newIdempotencyKey() },
			});
			navigate(`#/runs/${run.id}`);
		} catch (error) {
			setProblem(error);
			setBusy(false);
		}
	};

	const headingId = `start-${trigger.identifier}`;
	return (
		<form class="start-run" onSubmit={submit} noValidate aria-labelledby={headingId}>
			<h3 id={headingId}>
				Start a run from <span class="mono">{trigger.title ?? trigger.identifier}</span>
				{!latest && ` (version ${version})`}
			</h3>
			{fields.length === 0 && <p class="muted">This trigger takes no inputs.</p>}
			{fields.map((field) => (
				<InputControl
					key={field.name}
					field={field}
					value={values[field.name] ?? field.initial}
					error={fieldErrors[field.name]}
					onChange={(value) => setValues((previous) => ({ ...previous, [field.name]: value }))}
				/>
			))}
			{fields.some((f) => f.required) && (
				<p class="help">
					<span class="required">*</span> required
				</p>
			)}
			{problem !== null &&
				(formErrors.length > 0 ||
					!(problem instanceof ApiProblem) ||
					problem.errors.length === 0) && <ErrorNotice error={problem} />}
			{formErrors.length > 0 && (
				<ul class="field-error">
					{formErrors.map((message) => (
						<li key={message}>{message}</li>
					))}
				</ul>
			)}
			{problem instanceof ApiProblem && problem.errors.length > 0 && formErrors.length === 0 && (
				<p class="field-error" role="alert">
					Some inputs were not accepted; see the messages beside the fields.
				</p>
			)}
			<button type="submit" class="primary" disabled={busy}>
				{busy ? "Starting…" : "Start run"}
			</button>
		</form>
	);
}

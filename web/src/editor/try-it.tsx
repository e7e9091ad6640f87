// "Try it": the definition as it is in the editor (saved or not) played by the real engine on
// the server with made-up answers for its calls (POST …/dry-run). No run is created and no
// request leaves Stepline, so it is safe on any workflow.
import { useState } from "preact/hooks";
import { ApiProblem, api } from "../api/client";
import type { DryRunResult, JsonSchema } from "../api/types";
import { StateBadge, stateClass, stateLabel } from "../components/badges";
import { JsonBlock } from "../components/json-block";
import { ErrorNotice } from "../components/states";
import { type GraphState, WorkflowGraph } from "../components/workflow-graph";
import type { PlacedIssue } from "./definition-editor";
import type { Sketch } from "./sketch";

/** Inputs to start from: each field's default, else an example of its type. */
export function sampleInputs(form: JsonSchema | undefined): Record<string, unknown> {
	const sample: Record<string, unknown> = {};
	for (const [name, field] of Object.entries(form?.properties ?? {})) {
		const type = Array.isArray(field.type) ? field.type[0] : field.type;
		sample[name] =
			field.default ??
			field.enum?.[0] ??
			(type === "number" || type === "integer"
				? 1
				: type === "boolean"
					? false
					: type === "array"
						? []
						: type === "object"
							? {}
							: "");
	}
	return sample;
}

function parseField(text: string, what: string): { value?: unknown; error?: string } {
	if (text.trim() === "") return { value: {} };
	try {
		return { value: JSON.parse(text) };
	} catch (error) {
		return { error: `${what} is not JSON: ${error instanceof Error ? error.message : error}` };
	}
}

function graphStateOf(result: DryRunResult): GraphState {
	const nodes: GraphState["nodes"] = {};
	for (const [id, n] of Object.entries(result.nodes))
		if (n.status !== "PENDING")
			nodes[id] = { cls: stateClass(n.status, n.result), label: stateLabel(n.status, n.result) };
	return {
		nodes,
		taken: new Set(result.connections.taken),
		notTaken: new Set(result.connections.notTaken),
	};
}

interface Props {
	/** The saved workflow's identifier; null for a new one (the text's own is used). */
	identifier: string | null;
	/** The editor's text when the button is pressed. */
	text: () => string;
	sketch: Sketch;
	initialInputs: Record<string, unknown>;
	/** Problems in the definition itself go to the editor, beside their text. */
	onDefinitionIssues: (issues: PlacedIssue[]) => void;
}

export function TryIt({ identifier, text, sketch, initialInputs, onDefinitionIssues }: Props) {
	const sample = JSON.stringify(initialInputs, null, 2);
	const [typedInputs, setInputs] = useState<string | null>(null);
	// Until the user types here, the inputs follow the trigger's form as the definition changes.
	const inputs = typedInputs ?? sample;
	const [responses, setResponses] = useState("{}");
	const [fieldErrors, setFieldErrors] = useState<{ inputs?: string; responses?: string }>({});
	const [busy, setBusy] = useState(false);
	const [problem, setProblem] = useState<unknown>(null);
	const [result, setResult] = useState<DryRunResult | null>(null);

	const run = async (event: Event) => {
		event.preventDefault();
		const parsedInputs = parseField(inputs, "Inputs");
		const parsedResponses = parseField(responses, "Responses");
		const definition = parseField(text(), "The definition");
		setFieldErrors({ inputs: parsedInputs.error, responses: parsedResponses.error });
		setProblem(definition.error ? new Error(definition.error) : null);
		if (parsedInputs.error || parsedResponses.error || definition.error) return;
		setBusy(true);
		const named = (definition.value as { identifier?: unknown } | null)?.identifier;
		const target = identifier ?? (typeof named === "string" && named ? named : "new_workflow");
		try {
			const body = {
				definition: definition.value,
				inputs: parsedInputs.value,
				responses: parsedResponses.value,
			};
			setResult(
				await api<DryRunResult>(`/v1/workflows/${encodeURIComponent(target)}/dry-run`, {
					method: "POST",
					body,
				}),
			);
			onDefinitionIssues([]);
		} catch (error) {
			setResult(null);
			setProblem(error);
			if (error instanceof ApiProblem) {
				const inDefinition = error.errors.filter((e) => e.pointer.startsWith("/definition"));
				onDefinitionIssues(
					inDefinition.map((e) => ({ ...e, pointer: e.pointer.slice("/definition".length) })),
				);
				const own = error.errors.filter((e) => !e.pointer.startsWith("/definition"));
				setFieldErrors({
					inputs: own
						.filter((e) => e.pointer.startsWith("/inputs"))
						.map((e) => `${e.pointer}: ${e.message}`)
						.join("; "),
					responses: own
						.filter((e) => e.pointer.startsWith("/responses"))
						.map((e) => `${e.pointer}: ${e.message}`)
						.join("; "),
				});
			}
		} finally {
			setBusy(false);
		}
	};

	return (
		<section class="try-it" aria-labelledby="try-it-heading">
			<h2 id="try-it-heading">Try it</h2>
			<p class="help">
				Plays the definition as it is in the editor, saved or not, with the engine the server runs.
				Nothing is sent: each WEBHOOK call gets the answer you give it under Responses (by node
				identifier; a list answers successive attempts), or 200 <code>{"{}"}</code>.
			</p>
			<form onSubmit={run} noValidate>
				<div class="try-fields">
					<div class={`field ${fieldErrors.inputs ? "has-error" : ""}`}>
						<label for="try-inputs">Inputs (JSON)</label>
						<textarea
							id="try-inputs"
							rows={6}
							spellcheck={false}
							value={inputs}
							aria-invalid={fieldErrors.inputs ? true : undefined}
							aria-describedby={fieldErrors.inputs ? "try-inputs-error" : undefined}
							onInput={(e) => setInputs(e.currentTarget.value)}
						/>
						{fieldErrors.inputs && (
							<p id="try-inputs-error" class="field-error">
								{fieldErrors.inputs}
							</p>
						)}
					</div>
					<div class={`field ${fieldErrors.responses ? "has-error" : ""}`}>
						<label for="try-responses">Responses (JSON)</label>
						<textarea
							id="try-responses"
							rows={6}
							spellcheck={false}
							value={responses}
							placeholder='{ "notify": { "status": 503, "body": { "error": "down" } } }'
							aria-invalid={fieldErrors.responses ? true : undefined}
							aria-describedby={
								fieldErrors.responses
									? "try-responses-help try-responses-error"
									: "try-responses-help"
							}
							onInput={(e) => setResponses(e.currentTarget.value)}
						/>
						<p id="try-responses-help" class="help">
							<code>{'{ "node": { "status": 201, "body": {…} } }'}</code>, or{" "}
							<code>{'{ "error": "timeout" }'}</code>.
						</p>
						{fieldErrors.responses && (
							<p id="try-responses-error" class="field-error">
								{fieldErrors.responses}
							</p>
						)}
					</div>
				</div>
				<button type="submit" disabled={busy}>
					{busy ? "Running…" : "Dry run"}
				</button>
			</form>
			{problem !== null && <ErrorNotice error={problem} />}
			{result && <DryRunReport result={result} sketch={sketch} />}
		</section>
	);
}

function DryRunReport({ result, sketch }: { result: DryRunResult; sketch: Sketch }) {
	return (
		<div class="dry-run" role="status" aria-label="Dry run result">
			<h3>
				Dry run{" "}
				<StateBadge status={result.result ? "COMPLETED" : "IN_PROGRESS"} result={result.result} />
			</h3>
			{result.error && (
				<p class="field-error">
					{result.error.node && <span class="mono">{result.error.node}: </span>}
					{result.error.message} ({result.error.code})
				</p>
			)}
			{result.stopped && <p class="notice">{result.stopped}</p>}
			<p>
				<strong>Path:</strong> <span class="mono">{result.path.join(" → ") || "(none)"}</span>
			</p>
			{sketch.kind === "drawn" && (
				<WorkflowGraph definition={sketch.definition} state={graphStateOf(result)} />
			)}
			{result.conditions.length > 0 && (
				<>
					<h4>Conditions</h4>
					<ul class="plain">
						{result.conditions.map((c) => (
							<li key={c.node}>
								<span class="mono">{c.node}</span> took{" "}
								<strong>{c.option ?? "no option (fallback)"}</strong>
								<ul>
									{c.evaluated.map((e) => (
										<li key={e.identifier} class="mono">
											{e.identifier}: {e.expression} → {JSON.stringify(e.value)}
										</li>
									))}
								</ul>
							</li>
						))}
					</ul>
				</>
			)}
			{result.requests.length > 0 && (
				<>
					<h4>Requests it would send</h4>
					<ol class="plain">
						{result.requests.map((r) => {
							const who = `${r.node}${r.item !== null ? `#${r.item}` : ""}`;
							return (
								<li key={`${who}:${r.attempt}`}>
									<span class="mono">
										{who} attempt {r.attempt}: {r.method} {r.url}
									</span>
									<div class="exchange-sides">
										<JsonBlock
											value={r.body ?? null}
											label={`Request body of ${who}, attempt ${r.attempt}`}
										/>
										<JsonBlock
											value={r.answer}
											label={`Answer given to ${who}, attempt ${r.attempt}`}
										/>
									</div>
								</li>
							);
						})}
					</ol>
				</>
			)}
			<h4>Outputs</h4>
			<JsonBlock value={result.outputs ?? null} label="Dry run outputs" />
		</div>
	);
}

// The workflow editor (a chunk of its own, loaded only on this page): the definition's JSON
// beside its graph, redrawn as you type; Save stores a new version (PUT, or POST for a new
// workflow) and the API's 422 errors are marked at their pointer's line; "Try it" dry-runs
// the text as it is.
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { ApiProblem, api, openApiDocument } from "../api/client";
import type { Definition, Workflow } from "../api/types";
import { ErrorNotice } from "../components/states";
import { WorkflowGraph } from "../components/workflow-graph";
import { href, navigate } from "../lib/router";
import { useDebounced } from "../lib/use-debounced";
import {
	DefinitionEditor,
	type EditorHandle,
	type IssueSpot,
	type PlacedIssue,
} from "./definition-editor";
import type { SchemaRoot } from "./schema-assist";
import { type Sketch, sketchDefinition } from "./sketch";
import { sampleInputs, TryIt } from "./try-it";

const NEW_WORKFLOW: Definition = {
	identifier: "my_workflow",
	title: "My workflow",
	description: "What it does, for whoever runs it.",
	nodes: [
		{
			identifier: "trigger",
			title: "Start",
			config: {
				type: "SELF_SERVE_TRIGGER",
				userInputs: { properties: { message: { type: "string", title: "Message" } } },
			},
		},
	],
	connections: [],
};

let schemaRoot: Promise<SchemaRoot | null> | undefined;

/**
 * The definition's JSON Schema from the API's OpenAPI document (null if it has none), one
 * object for the page's life: the editor is made again whenever it changes.
 */
function loadSchema(): Promise<SchemaRoot | null> {
	schemaRoot ??= openApiDocument().then((document) => {
		const schema = document.components?.schemas?.WorkflowDefinition;
		return schema ? { schema, document } : null;
	});
	return schemaRoot;
}

/**
 * Creating a workflow moves the page to its edit address, which mounts a new editor: the word
 * that it was saved travels across in this note.
 */
let justCreated: { identifier: string; version: number } | null = null;

type Saved =
	| { kind: "none" }
	| { kind: "saved"; version: number; identifier: string }
	| { kind: "unchanged"; version: number; identifier: string };

export interface WorkflowEditorProps {
	/** null: a new workflow. */
	identifier: string | null;
	canSave: boolean;
}

export function WorkflowEditor({ identifier, canSave }: WorkflowEditorProps) {
	const [loaded, setLoaded] = useState<{
		identifier: string | null;
		text: string;
		version: number | null;
	} | null>(null);
	const [schema, setSchema] = useState<SchemaRoot | null | undefined>(undefined);
	const [loadError, setLoadError] = useState<unknown>(null);
	useEffect(() => {
		setLoadError(null);
		const workflow = identifier
			? api<Workflow>(`/v1/workflows/${encodeURIComponent(identifier)}`).then((w) => ({
					identifier,
					text: JSON.stringify(w.definition, null, 2),
					version: w.version,
				}))
			: Promise.resolve({ identifier, text: JSON.stringify(NEW_WORKFLOW, null, 2), version: null });
		Promise.all([workflow, loadSchema()]).then(
			([w, s]) => {
				setLoaded(w);
				setSchema(s);
			},
			(error: unknown) => setLoadError(error),
		);
	}, [identifier]);

	if (loadError) return <ErrorNotice error={loadError} />;
	// Another workflow's text (or the new one's, just created) is never shown under this name.
	if (!loaded || loaded.identifier !== identifier || schema === undefined)
		return (
			<p class="state loading" role="status">
				Loading the definition…
			</p>
		);
	return (
		<EditorBody
			key={identifier ?? "new"}
			identifier={identifier}
			initial={loaded.text}
			version={loaded.version}
			schema={schema}
			canSave={canSave}
		/>
	);
}

function EditorBody({
	identifier,
	initial,
	version,
	schema,
	canSave,
}: {
	identifier: string | null;
	initial: string;
	version: number | null;
	schema: SchemaRoot | null;
	canSave: boolean;
}) {
	const [text, setText] = useState(initial);
	const [issues, setIssues] = useState<PlacedIssue[]>([]);
	const [problem, setProblem] = useState<unknown>(null);
	const [saving, setSaving] = useState(false);
	const [saved, setSaved] = useState<Saved>(() => {
		const note = justCreated;
		justCreated = null;
		return note && note.identifier === identifier ? { kind: "saved", ...note } : { kind: "none" };
	});
	const editor = useRef<EditorHandle | null>(null);
	const settled = useDebounced(text, 250);
	const sketch: Sketch = useMemo(() => sketchDefinition(settled), [settled]);
	// The last drawable graph stays on screen while the text is mid-edit (not JSON for a moment).
	const [lastDrawn, setLastDrawn] = useState<Sketch | null>(null);
	useEffect(() => {
		if (sketch.kind === "drawn") setLastDrawn(sketch);
	}, [sketch]);
	const shown = sketch.kind === "drawn" ? sketch : lastDrawn;

	const save = async () => {
		let definition: unknown;
		try {
			definition = JSON.parse(editor.current?.text() ?? text);
		} catch (error) {
			setProblem(
				new Error(
					`The definition is not JSON yet: ${error instanceof Error ? error.message : error}`,
				),
			);
			return;
		}
		setSaving(true);
		setProblem(null);
		try {
			const workflow = identifier
				? await api<Workflow>(`/v1/workflows/${encodeURIComponent(identifier)}`, {
						method: "PUT",
						body: definition,
					})
				: await api<Workflow>("/v1/workflows", { method: "POST", body: definition });
			setIssues([]);
			const previous = saved.kind === "none" ? version : saved.version;
			setSaved({
				kind: workflow.version === previous ? "unchanged" : "saved",
				version: workflow.version,
				identifier: workflow.identifier,
			});
			if (!identifier) {
				justCreated = { identifier: workflow.identifier, version: workflow.version };
				navigate(`#/workflows/${encodeURIComponent(workflow.identifier)}/edit`, { replace: true });
			}
		} catch (error) {
			setSaved({ kind: "none" });
			setProblem(error);
			setIssues(
				error instanceof ApiProblem ? error.errors.filter((e) => (e.in ?? "body") === "body") : [],
			);
		} finally {
			setSaving(false);
		}
	};

	const trigger =
		shown?.kind === "drawn"
			? shown.definition.nodes.find((n) => n.config.type === "SELF_SERVE_TRIGGER")
			: undefined;
	const label = identifier ? `Definition of ${identifier}` : "Definition of the new workflow";

	return (
		<>
			<div class="toolbar editor-actions">
				{canSave ? (
					<button type="button" class="primary" onClick={save} disabled={saving}>
						{saving ? "Saving…" : identifier ? "Save new version" : "Create workflow"}
					</button>
				) : (
					<p class="muted">Viewers can read and try a definition; members and admins save.</p>
				)}
				<span role="status" class="save-status">
					{saved.kind === "saved" && (
						<>
							Saved as version {saved.version}.{" "}
							<a href={`#/workflows/${encodeURIComponent(saved.identifier)}`}>
								Open the workflow to start a run
							</a>
						</>
					)}
					{saved.kind === "unchanged" && `No change: still version ${saved.version}.`}
				</span>
				{identifier && (
					<a href={href(`/workflows/${encodeURIComponent(identifier)}/compare`)}>
						Compare versions
					</a>
				)}
			</div>
			{problem !== null && issues.length === 0 && <ErrorNotice error={problem} />}
			{issues.length > 0 && (
				<IssueList
					// Placed again on every render (each keystroke), so the line numbers stay right.
					placed={issues.map((issue) => ({
						issue,
						spot: editor.current?.spot(issue.pointer) ?? null,
					}))}
					problem={problem}
					onReveal={(pointer) => editor.current?.reveal(pointer)}
				/>
			)}
			<div class="editor-layout">
				<section aria-labelledby="definition-heading" class="editor-pane">
					<h2 id="definition-heading">Definition</h2>
					<p class="help" id="editor-help">
						JSON. Ctrl+Space completes field names and values; hover a field for its meaning. Tab
						leaves the editor.
					</p>
					<DefinitionEditor
						initial={initial}
						label={label}
						schema={schema}
						issues={issues}
						onChange={setText}
						handle={(h) => {
							editor.current = h;
						}}
					/>
				</section>
				<section aria-labelledby="live-graph-heading" class="graph-pane">
					<h2 id="live-graph-heading">Graph</h2>
					{shown?.kind === "drawn" ? (
						<WorkflowGraph definition={shown.definition} />
					) : (
						<p class="state empty">Add nodes (each with an identifier) to see the graph.</p>
					)}
					<p class="help" aria-live="polite">
						{sketch.kind === "not-json"
							? "The text is not JSON at the moment: showing the graph as it last was."
							: sketch.kind === "drawn" && sketch.leftOut > 0
								? `${sketch.leftOut} node(s) or connection(s) not drawn yet (no identifier, or an end that does not exist).`
								: "Redrawn as you type."}
					</p>
				</section>
			</div>
			<TryIt
				identifier={identifier}
				text={() => editor.current?.text() ?? text}
				sketch={shown ?? { kind: "no-nodes" }}
				initialInputs={sampleInputs(trigger?.config.userInputs)}
				onDefinitionIssues={setIssues}
			/>
		</>
	);
}

/** The API's problems, each with its line and a button that shows it in the editor. */
function IssueList({
	placed,
	problem,
	onReveal,
}: {
	placed: { issue: PlacedIssue; spot: IssueSpot | null }[];
	problem: unknown;
	onReveal: (pointer: string) => void;
}) {
	const title = problem instanceof ApiProblem ? problem.detail || problem.title : "";
	return (
		<div class="state error issues" role="alert">
			<p>
				<strong>The API did not accept this definition.</strong> {title}
			</p>
			<ul>
				{placed.map(({ issue, spot }, i) => (
					<li key={`${issue.pointer}:${i}`} data-pointer={issue.pointer}>
						<button type="button" class="link" onClick={() => onReveal(issue.pointer)}>
							{spot ? `Line ${spot.line}, column ${spot.column}` : "Definition"}
						</button>
						: {issue.message} <span class="mono muted">{issue.pointer || "/"}</span>
						{issue.code && <span class="muted"> ({issue.code})</span>}
					</li>
				))}
			</ul>
		</div>
	);
}

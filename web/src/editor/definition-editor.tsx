// The definition's JSON in CodeMirror 6: JSON syntax, completion and hover docs from the
// definition's JSON Schema, and diagnostics: the text's own syntax errors as you type, and the
// API's 422 errors placed at the text their pointers name.
import {
	autocompletion,
	closeBrackets,
	closeBracketsKeymap,
	completionKeymap,
} from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { json, jsonParseLinter } from "@codemirror/lang-json";
import {
	bracketMatching,
	defaultHighlightStyle,
	foldGutter,
	foldKeymap,
	indentOnInput,
	syntaxHighlighting,
} from "@codemirror/language";
import { type Diagnostic, linter, lintGutter, lintKeymap } from "@codemirror/lint";
import { highlightSelectionMatches, searchKeymap } from "@codemirror/search";
import { EditorState, StateEffect } from "@codemirror/state";
import {
	drawSelection,
	EditorView,
	highlightActiveLine,
	highlightActiveLineGutter,
	keymap,
	lineNumbers,
} from "@codemirror/view";
import { useEffect, useRef } from "preact/hooks";
import { locatePointer } from "./json-tree";
import { type SchemaRoot, schemaCompletion, schemaHover } from "./schema-assist";
import { pageTheme, shadowRootOf } from "./shadow-mount";

/** A problem the API reported, with a pointer into the definition. */
export interface PlacedIssue {
	pointer: string;
	message: string;
	code?: string;
}

/** Where an issue is in the text now: 1-based line and column, and the range to mark. */
export interface IssueSpot {
	from: number;
	to: number;
	line: number;
	column: number;
}

export function spotOf(state: EditorState, pointer: string): IssueSpot | null {
	const found = locatePointer(state, pointer);
	if (!found) return null;
	const line = state.doc.lineAt(found.from);
	return { from: found.from, to: found.to, line: line.number, column: found.from - line.from + 1 };
}

/** What the page can ask of the editor. */
export interface EditorHandle {
	text(): string;
	/** Puts the cursor at the issue's text, scrolls there and focuses the editor. */
	reveal(pointer: string): void;
	spot(pointer: string): IssueSpot | null;
}

interface Props {
	initial: string;
	label: string;
	schema: SchemaRoot | null;
	issues: PlacedIssue[];
	onChange: (text: string) => void;
	handle: (handle: EditorHandle) => void;
}

const parseErrors = jsonParseLinter();

/** Dispatched when the API's issues change: the linter runs again to place them. */
const issuesChanged = StateEffect.define<null>();

export function DefinitionEditor({ initial, label, schema, issues, onChange, handle }: Props) {
	const host = useRef<HTMLDivElement>(null);
	const view = useRef<EditorView | null>(null);
	// Read by the lint source on every pass, so the marks follow the text as it is edited.
	const current = useRef(issues);
	current.current = issues;
	const changed = useRef(onChange);
	changed.current = onChange;

	useEffect(() => {
		if (!host.current) return;
		const diagnostics = (v: EditorView): Diagnostic[] => {
			const own = parseErrors(v);
			const placed = current.current.flatMap((issue): Diagnostic[] => {
				const spot = spotOf(v.state, issue.pointer);
				if (!spot) return [];
				return [
					{
						from: spot.from,
						to: Math.max(spot.to, spot.from + 1),
						severity: "error",
						source: "API",
						message: `${issue.message}${issue.code ? ` (${issue.code})` : ""}`,
					},
				];
			});
			return [...own, ...placed];
		};
		const root = shadowRootOf(host.current);
		const editor = new EditorView({
			parent: root,
			root,
			state: EditorState.create({
				doc: initial,
				extensions: [
					lineNumbers(),
					highlightActiveLineGutter(),
					foldGutter(),
					history(),
					drawSelection(),
					indentOnInput(),
					syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
					bracketMatching(),
					closeBrackets(),
					autocompletion(schema ? { override: [schemaCompletion(schema)] } : {}),
					highlightActiveLine(),
					highlightSelectionMatches(),
					json(),
					linter(diagnostics, {
						delay: 300,
						needsRefresh: (update) =>
							update.transactions.some((t) => t.effects.some((e) => e.is(issuesChanged))),
					}),
					lintGutter(),
					...(schema ? [schemaHover(schema)] : []),
					// Tab is left to the browser (moves focus), so the editor never traps the keyboard.
					keymap.of([
						...closeBracketsKeymap,
						...defaultKeymap,
						...searchKeymap,
						...historyKeymap,
						...foldKeymap,
						...completionKeymap,
						...lintKeymap,
					]),
					pageTheme,
					// tabindex: the text box is focusable as it is, but axe-core only counts it so.
					EditorView.contentAttributes.of({ "aria-label": label, tabindex: "0" }),
					EditorView.updateListener.of((update) => {
						if (update.docChanged) changed.current(update.state.doc.toString());
					}),
				],
			}),
		});
		view.current = editor;
		handle({
			text: () => editor.state.doc.toString(),
			spot: (pointer) => spotOf(editor.state, pointer),
			reveal: (pointer) => {
				const spot = spotOf(editor.state, pointer);
				if (!spot) return;
				editor.dispatch({
					selection: { anchor: spot.from, head: spot.to },
					effects: EditorView.scrollIntoView(spot.from, { y: "center" }),
				});
				editor.focus();
			},
		});
		return () => {
			editor.destroy();
			view.current = null;
		};
		// The editor is made once per page; later props reach it through the refs above.
	}, [schema]);

	// New issues from the API: mark them now rather than at the next keystroke.
	useEffect(() => {
		view.current?.dispatch({ effects: issuesChanged.of(null) });
	}, [issues]);

	return <div class="code-editor" ref={host} />;
}

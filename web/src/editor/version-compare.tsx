// Two versions of a workflow side by side as a diff (CodeMirror's merge view, read-only), any
// two picked from its version list. Lives in the editor's chunk: only this page loads it.
import { json } from "@codemirror/lang-json";
import { defaultHighlightStyle, syntaxHighlighting } from "@codemirror/language";
import { MergeView } from "@codemirror/merge";
import { EditorState } from "@codemirror/state";
import { EditorView, lineNumbers } from "@codemirror/view";
import { useEffect, useRef } from "preact/hooks";
import { api } from "../api/client";
import type { Page, VersionSummary, WorkflowVersion } from "../api/types";
import { Resource } from "../components/states";
import { TimeText } from "../components/time-text";
import { href, navigate } from "../lib/router";
import { useResource } from "../lib/use-resource";
import { pageTheme, shadowRootOf } from "./shadow-mount";

function readOnly(label: string) {
	return [
		lineNumbers(),
		json(),
		syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
		EditorState.readOnly.of(true),
		EditorView.editable.of(false),
		pageTheme,
		// Both sides fit a phone's half width: long lines wrap rather than hide.
		EditorView.lineWrapping,
		EditorView.contentAttributes.of({ "aria-label": label, tabindex: "0" }),
	];
}

function Diff({ from, to }: { from: WorkflowVersion; to: WorkflowVersion }) {
	const host = useRef<HTMLDivElement>(null);
	useEffect(() => {
		if (!host.current) return;
		const root = shadowRootOf(host.current);
		const view = new MergeView({
			parent: root,
			root,
			a: {
				doc: JSON.stringify(from.definition, null, 2),
				extensions: readOnly(`Version ${from.version}`),
			},
			b: {
				doc: JSON.stringify(to.definition, null, 2),
				extensions: readOnly(`Version ${to.version}`),
			},
			gutter: true,
			collapseUnchanged: { margin: 3, minSize: 6 },
		});
		return () => view.destroy();
	}, [from, to]);
	const same = JSON.stringify(from.definition) === JSON.stringify(to.definition);
	return (
		<>
			<div class="diff-heads" aria-hidden="true">
				<span>
					Version {from.version} · <TimeText iso={from.createdAt} /> by {from.createdBy}
				</span>
				<span>
					Version {to.version} · <TimeText iso={to.createdAt} /> by {to.createdBy}
				</span>
			</div>
			{same && <p class="state empty">These two versions are the same.</p>}
			<div class="version-diff" ref={host} />
		</>
	);
}

export interface VersionCompareProps {
	identifier: string;
	from: number | null;
	to: number | null;
}

export function VersionCompare({ identifier, from, to }: VersionCompareProps) {
	const base = `/v1/workflows/${encodeURIComponent(identifier)}`;
	const versions = useResource(
		(signal) => api<Page<VersionSummary>>(`${base}/versions?limit=100`, { signal }),
		[base],
	);
	const list = versions.data?.data ?? [];
	const newest = list[0]?.version ?? null;
	const right = to ?? newest;
	const left = from ?? (right !== null && right > 1 ? right - 1 : right);
	const pair = useResource(
		(signal) =>
			left === null || right === null
				? Promise.resolve(null)
				: Promise.all([
						api<WorkflowVersion>(`${base}/versions/${left}`, { signal }),
						api<WorkflowVersion>(`${base}/versions/${right}`, { signal }),
					]),
		[base, left, right],
	);
	const pick = (which: "from" | "to", value: string) =>
		navigate(
			href(`/workflows/${encodeURIComponent(identifier)}/compare`, {
				from: String(which === "from" ? value : left),
				to: String(which === "to" ? value : right),
			}),
			{ replace: true },
		);
	const picker = (which: "from" | "to", value: number | null, text: string) => (
		<div>
			<label for={`compare-${which}`}>{text}</label>
			<select
				id={`compare-${which}`}
				value={String(value ?? "")}
				onChange={(e) => pick(which, e.currentTarget.value)}
			>
				{list.map((v) => (
					<option key={v.version} value={v.version}>
						v{v.version}
						{v.version === newest ? " (latest)" : ""}
					</option>
				))}
			</select>
		</div>
	);
	return (
		<Resource resource={versions} what="versions">
			{() => (
				<>
					<div class="toolbar">
						{picker("from", left, "Compare version")}
						{picker("to", right, "with version")}
					</div>
					{list.length < 2 && <p class="muted">This workflow has one version so far.</p>}
					<Resource resource={pair} what="the two versions">
						{(both) => (both ? <Diff from={both[0]} to={both[1]} /> : null)}
					</Resource>
				</>
			)}
		</Resource>
	);
}

// The pages that need CodeMirror: the workflow editor and the version diff. Each draws its
// heading at once (focus lands there on navigation) and loads the editor's chunk, which the
// first load of the admin page never fetches.
import type { Session } from "../api/session";
import { ErrorNotice } from "../components/states";
import { useLazy } from "../lib/use-lazy";

const loadEditor = () => import("../editor/workflow-editor");
const loadCompare = () => import("../editor/version-compare");

function Crumbs({ identifier }: { identifier: string | null }) {
	return (
		<p class="crumbs">
			<a href="#/workflows">Workflows</a> /{" "}
			{identifier && (
				<>
					<a href={`#/workflows/${encodeURIComponent(identifier)}`}>{identifier}</a> /
				</>
			)}
		</p>
	);
}

function Loading({ lazy }: { lazy: { error?: unknown; retry: () => void } }) {
	if (lazy.error)
		return (
			<ErrorNotice
				error={new Error("The editor could not be loaded; check your connection.")}
				onRetry={lazy.retry}
			/>
		);
	return (
		<p class="state loading" role="status">
			Loading the editor…
		</p>
	);
}

export function EditorPage({
	identifier,
	session,
}: {
	identifier: string | null;
	session: Session;
}) {
	const lazy = useLazy(loadEditor);
	const Editor = lazy.module?.WorkflowEditor;
	return (
		<section class="wide">
			<Crumbs identifier={identifier} />
			<h1 tabIndex={-1}>{identifier ? `Edit ${identifier}` : "New workflow"}</h1>
			{Editor ? (
				<Editor identifier={identifier} canSave={session.claims.role !== "viewer"} />
			) : (
				<Loading lazy={lazy} />
			)}
		</section>
	);
}

export function ComparePage({ identifier, query }: { identifier: string; query: URLSearchParams }) {
	const lazy = useLazy(loadCompare);
	const Compare = lazy.module?.VersionCompare;
	const number = (key: string) => {
		const n = Number(query.get(key));
		return Number.isInteger(n) && n > 0 ? n : null;
	};
	return (
		<section class="wide">
			<Crumbs identifier={identifier} />
			<h1 tabIndex={-1}>Compare versions of {identifier}</h1>
			{Compare ? (
				<Compare identifier={identifier} from={number("from")} to={number("to")} />
			) : (
				<Loading lazy={lazy} />
			)}
		</section>
	);
}

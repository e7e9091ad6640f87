// The runs API's filters as a form. Values live in the URL (#/runs?status=…), so a filtered
// view can be bookmarked, shared and restored with the back button.
import { useEffect, useState } from "preact/hooks";
import { api } from "../api/client";
import { type Page, RUN_RESULTS, RUN_STATUSES, type WorkflowSummary } from "../api/types";
import { navigate } from "../lib/router";
import { useDebounced } from "../lib/use-debounced";
import { stateLabel } from "./badges";

export const FILTER_KEYS = [
	"workflow",
	"status",
	"result",
	"initiator",
	"from",
	"to",
	"search",
] as const;
const RUN_ID = /^run_[0-9a-f]{32}$/;

export type Filters = Partial<Record<(typeof FILTER_KEYS)[number], string>>;

interface Props {
	filters: Filters;
	onChange: (filters: Filters) => void;
}

function useWorkflowIdentifiers(): string[] {
	const [identifiers, setIdentifiers] = useState<string[]>([]);
	useEffect(() => {
		api<Page<WorkflowSummary>>("/v1/workflows?limit=100")
			.then((page) => setIdentifiers(page.data.map((w) => w.identifier)))
			.catch(() => setIdentifiers([])); // only suggestions: typing still works
	}, []);
	return identifiers;
}

export function RunFilters({ filters, onChange }: Props) {
	const identifiers = useWorkflowIdentifiers();
	// Text boxes update the URL once typing pauses; selects and dates at once.
	const [text, setText] = useState({
		initiator: filters.initiator ?? "",
		search: filters.search ?? "",
	});
	const settled = useDebounced(text, 400);
	useEffect(() => {
		if (
			settled.initiator !== (filters.initiator ?? "") ||
			settled.search !== (filters.search ?? "")
		) {
			onChange({ ...filters, ...settled });
		}
	}, [settled]);
	const set = (key: keyof Filters) => (event: Event) =>
		onChange({ ...filters, [key]: (event.currentTarget as HTMLInputElement).value });

	return (
		<form class="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter runs">
			<div>
				<label for="f-workflow">Workflow</label>
				<input
					id="f-workflow"
					list="f-workflows"
					value={filters.workflow ?? ""}
					onChange={set("workflow")}
					placeholder="identifier"
				/>
				<datalist id="f-workflows">
					{identifiers.map((id) => (
						<option key={id} value={id} />
					))}
				</datalist>
			</div>
			<div>
				<label for="f-status">Status</label>
				<select id="f-status" value={filters.status ?? ""} onChange={set("status")}>
					<option value="">Any</option>
					{RUN_STATUSES.map((s) => (
						<option key={s} value={s}>
							{s === "COMPLETED" ? "Completed" : stateLabel(s, null)}
						</option>
					))}
				</select>
			</div>
			<div>
				<label for="f-result">Result</label>
				<select id="f-result" value={filters.result ?? ""} onChange={set("result")}>
					<option value="">Any</option>
					{RUN_RESULTS.map((r) => (
						<option key={r} value={r}>
							{stateLabel("COMPLETED", r)}
						</option>
					))}
				</select>
			</div>
			<div>
				<label for="f-initiator">Initiator</label>
				<input
					id="f-initiator"
					value={text.initiator}
					onInput={(e) => setText({ ...text, initiator: e.currentTarget.value })}
					placeholder="user id"
				/>
			</div>
			<div>
				<label for="f-from">Started after</label>
				<input
					id="f-from"
					type="datetime-local"
					value={filters.from ?? ""}
					onChange={set("from")}
				/>
			</div>
			<div>
				<label for="f-to">Started before</label>
				<input id="f-to" type="datetime-local" value={filters.to ?? ""} onChange={set("to")} />
			</div>
			<div>
				<label for="f-search">Search</label>
				<input
					id="f-search"
					type="search"
					value={text.search}
					onInput={(e) => setText({ ...text, search: e.currentTarget.value })}
					onKeyDown={(e) => {
						// A run's id typed or pasted here: Enter opens that run. (A form of several
						// fields and no submit button is never submitted by Enter.)
						const id = RUN_ID.exec(text.search.trim())?.[0];
						if (e.key === "Enter" && id) navigate(`#/runs/${id}`);
					}}
					placeholder="workflow, title or run id"
					aria-describedby="f-search-help"
				/>
				<p id="f-search-help" class="help">
					{RUN_ID.test(text.search.trim()) ? (
						<a href={`#/runs/${text.search.trim()}`}>Open run {text.search.trim()}</a>
					) : (
						"A run id finds that run (Enter opens it)."
					)}
				</p>
			</div>
			<div>
				<button
					type="button"
					onClick={() => {
						setText({ initiator: "", search: "" });
						onChange({});
					}}
				>
					Clear filters
				</button>
			</div>
		</form>
	);
}

// Cancel or retry the runs picked in the runs table, after confirming; says what happened to
// each (a run that ended meanwhile cannot be cancelled, a run still going cannot be retried).
import { useState } from "preact/hooks";
import { api } from "../api/client";
import { type BulkOutcome, forEachRun } from "../lib/bulk";
import { newIdempotencyKey } from "../lib/input-fields";
import { ConfirmDialog } from "./confirm-dialog";

type Action = "cancel" | "retry";
const WORDS: Record<Action, { verb: string; done: string }> = {
	cancel: { verb: "Cancel", done: "cancelled" },
	retry: { verb: "Retry", done: "retried" },
};

export function BulkActions({ selected, onDone }: { selected: string[]; onDone: () => void }) {
	const [asking, setAsking] = useState<Action | null>(null);
	const [busy, setBusy] = useState(false);
	const [report, setReport] = useState<{ action: Action; outcome: BulkOutcome } | null>(null);
	const n = selected.length;

	const act = async (action: Action) => {
		setBusy(true);
		const outcome = await forEachRun(selected, (id) =>
			api(`/v1/workflows/runs/${id}/${action}`, {
				method: "POST",
				...(action === "retry"
					? { body: {}, headers: { "idempotency-key": newIdempotencyKey() } }
					: {}),
			}),
		);
		setBusy(false);
		setAsking(null);
		setReport({ action, outcome });
		onDone();
	};

	return (
		<div class="toolbar bulk">
			<span>{n === 0 ? "Select runs to act on several at once." : `${n} selected`}</span>
			<button type="button" class="danger" disabled={n === 0} onClick={() => setAsking("cancel")}>
				Cancel selected
			</button>
			<button type="button" disabled={n === 0} onClick={() => setAsking("retry")}>
				Retry selected
			</button>
			<span role="status" class="bulk-report">
				{report && (
					<>
						{report.outcome.done.length} {WORDS[report.action].done}
						{report.outcome.failed.length > 0 &&
							`; ${report.outcome.failed.length} not: ${[
								...new Set(report.outcome.failed.map((f) => f.reason)),
							].join(" ")}`}
					</>
				)}
			</span>
			{asking && (
				<ConfirmDialog
					title={`${WORDS[asking].verb} ${n} run${n === 1 ? "" : "s"}?`}
					confirmLabel={`${WORDS[asking].verb} ${n}`}
					busy={busy}
					onConfirm={() => act(asking)}
					onCancel={() => setAsking(null)}
				>
					<p>
						{asking === "cancel"
							? "Each selected run that is still going stops and ends as cancelled."
							: "Each selected run that has ended starts again as a new run of the same version and inputs, from where it stopped (a successful run is retried from a node on its own page)."}
					</p>
				</ConfirmDialog>
			)}
		</div>
	);
}

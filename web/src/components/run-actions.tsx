// Cancel and retry, shown only to members and admins (viewers never; a run you cannot see is
// never on screen). Retry appears only when the deployed API documents it.
import { useEffect, useState } from "preact/hooks";
import { api, documentedPaths } from "../api/client";
import type { Session } from "../api/session";
import type { Run } from "../api/types";
import { navigate } from "../lib/router";
import { ConfirmDialog } from "./confirm-dialog";
import { ErrorNotice } from "./states";

type Action = "cancel" | "retry";
const RETRY_PATH = "/v1/workflows/runs/{runId}/retry";

export function RunActions({
	run,
	session,
	onChanged,
}: {
	run: Run;
	session: Session;
	onChanged: () => void;
}) {
	const [retryExists, setRetryExists] = useState(false);
	const [asking, setAsking] = useState<Action | null>(null);
	const [busy, setBusy] = useState(false);
	const [problem, setProblem] = useState<unknown>(null);
	useEffect(() => {
		documentedPaths().then((paths) => setRetryExists(paths.has(RETRY_PATH)));
	}, []);

	if (session.claims.role === "viewer") return null;
	const canCancel = run.status !== "COMPLETED";
	const canRetry = retryExists && run.status === "COMPLETED" && run.result !== "SUCCESS";
	if (!canCancel && !canRetry && !problem) return null;

	const act = async (action: Action) => {
		setBusy(true);
		setProblem(null);
		try {
			const result = await api<Run>(`/v1/workflows/runs/${run.id}/${action}`, {
				method: "POST",
				...(action === "retry" ? { body: {} } : {}),
			});
			setAsking(null);
			if (action === "retry") navigate(`#/runs/${result.id}`);
			else onChanged();
		} catch (error) {
			setAsking(null);
			setProblem(error);
		} finally {
			setBusy(false);
		}
	};

	return (
		<div class="toolbar">
			{canCancel && (
				<button type="button" class="danger" onClick={() => setAsking("cancel")}>
					Cancel run
				</button>
			)}
			{canRetry && (
				<button type="button" onClick={() => setAsking("retry")}>
					Retry run
				</button>
			)}
			{problem !== null && <ErrorNotice error={problem} />}
			{asking === "cancel" && (
				<ConfirmDialog
					title="Cancel this run?"
					confirmLabel="Cancel run"
					busy={busy}
					onConfirm={() => act("cancel")}
					onCancel={() => setAsking(null)}
				>
					<p>
						Nodes still running or waiting stop, and the run ends as cancelled. This cannot be
						undone (you can retry it afterwards).
					</p>
				</ConfirmDialog>
			)}
			{asking === "retry" && (
				<ConfirmDialog
					title="Retry this run?"
					confirmLabel="Retry run"
					busy={busy}
					onConfirm={() => act("retry")}
					onCancel={() => setAsking(null)}
				>
					<p>
						A new run starts from the node that failed (or was cancelled), reusing the results of
						the nodes before it.
					</p>
				</ConfirmDialog>
			)}
		</div>
	);
}

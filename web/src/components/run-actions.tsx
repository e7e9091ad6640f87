// Cancel and retry, shown only to members and admins (viewers never; a run you cannot see is
// never on screen). Retry appears only when the deployed API documents it, for any finished
// run: from where it failed, or from a node chosen here (a successful run needs one).
import { useEffect, useState } from "preact/hooks";
import { api, documentedPaths } from "../api/client";
import type { Session } from "../api/session";
import type { Run } from "../api/types";
import { newIdempotencyKey } from "../lib/input-fields";
import { navigate } from "../lib/router";
import { ConfirmDialog } from "./confirm-dialog";
import { ErrorNotice } from "./states";

type Action = "cancel" | "retry";
const RETRY_PATH = "/v1/workflows/runs/{runId}/retry";

export function RunActions({
	run,
	session,
	onChanged,
	retryFrom,
	onRetryFromShown,
}: {
	run: Run;
	session: Session;
	onChanged: () => void;
	/** A node chosen elsewhere on the page ("Retry from this node"): opens the retry dialog. */
	retryFrom?: string | null;
	onRetryFromShown?: () => void;
}) {
	const [retryExists, setRetryExists] = useState(false);
	const [asking, setAsking] = useState<Action | null>(null);
	const [busy, setBusy] = useState(false);
	const [problem, setProblem] = useState<unknown>(null);
	// "" = from where it failed (the API's default); a successful run must name a node.
	const firstAction = run.nodeRuns.find((n) => !n.type.endsWith("_TRIGGER"))?.node ?? "";
	const [fromNode, setFromNode] = useState("");
	useEffect(() => {
		documentedPaths().then((paths) => setRetryExists(paths.has(RETRY_PATH)));
	}, []);
	useEffect(() => {
		if (!retryFrom) return;
		setFromNode(retryFrom);
		setAsking("retry");
		onRetryFromShown?.();
	}, [retryFrom]);
	const openRetry = () => {
		setFromNode(run.result === "SUCCESS" ? firstAction : "");
		setAsking("retry");
	};

	if (session.claims.role === "viewer") return null;
	const canCancel = run.status !== "COMPLETED";
	const canRetry = retryExists && run.status === "COMPLETED";
	if (!canCancel && !canRetry && !problem) return null;

	const act = async (action: Action) => {
		setBusy(true);
		setProblem(null);
		try {
			const result = await api<Run>(`/v1/workflows/runs/${run.id}/${action}`, {
				method: "POST",
				...(action === "retry"
					? {
							body: fromNode ? { fromNode } : {},
							headers: { "idempotency-key": newIdempotencyKey() },
						}
					: {}),
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
				<button type="button" onClick={openRetry}>
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
						A new run of the same version and inputs starts from the node you choose; the nodes
						before it keep their results, that node and everything after it run again.
					</p>
					<div class="field">
						<label for="retry-from">Start again from</label>
						<select
							id="retry-from"
							value={fromNode}
							onChange={(e) => setFromNode(e.currentTarget.value)}
						>
							{run.result !== "SUCCESS" && <option value="">Where it stopped (the default)</option>}
							{run.nodeRuns.map((n) => (
								<option key={n.node} value={n.node}>
									{n.title ?? n.node} ({n.node})
								</option>
							))}
						</select>
					</div>
				</ConfirmDialog>
			)}
		</div>
	);
}
